/**
 * CDK entry (`cdk.json` → `npx tsx infra/cdk/app.ts`). One stage per synth, chosen with `-c stage=dev|staging|prod`
 * (default dev), so `cdk deploy --all -c stage=prod` deploys exactly one stage.
 */

import { stageConfig } from './config/stages.js';
import { addGraphgateStage, createApp } from './graphgate-app.js';

const app = createApp();
addGraphgateStage(app, stageConfig(app.node.tryGetContext('stage') ?? 'dev'));
app.synth();
