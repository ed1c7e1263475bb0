/**
 * Configuration of the retention sweep (Lambda and `npm run retention:sweep`): read once at start, typed, loud.
 */
import { z } from 'zod';
import { ConfigError, parseEnv } from '../core/config/env.js';
import type { Neo4jSettings, Stage } from '../core/config/shared-env.js';
import { awsRegion, localEndpoint, neo4jEnvShape, neo4jFromEnv, stageSchema } from '../core/config/shared-env.js';

const envSchema = z.object({
  GRAPHGATE_STAGE: stageSchema,
  ...neo4jEnvShape,
  AUDIT_TABLE: z.string().min(3),
  DYNAMODB_ENDPOINT: localEndpoint,
  AWS_REGION: awsRegion,
  POLICY_BUNDLE_DIR: z.string().optional(),
  /** Entities per page and per write transaction. */
  RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(200),
});

export interface SweepConfig {
  stage: Stage;
  neo4j: Neo4jSettings;
  auditTable: string;
  dynamoEndpoint?: string;
  region: string;
  policyBundleDir?: string;
  batchSize: number;
}

export { ConfigError };

/** Reads and validates the sweep's environment; throws a ConfigError naming every bad variable. */
export function loadSweepConfig(env: NodeJS.ProcessEnv = process.env): SweepConfig {
  const e = parseEnv(envSchema, env, 'retention sweep');
  return {
    stage: e.GRAPHGATE_STAGE,
    neo4j: neo4jFromEnv(e),
    auditTable: e.AUDIT_TABLE,
    dynamoEndpoint: e.DYNAMODB_ENDPOINT,
    region: e.AWS_REGION,
    policyBundleDir: e.POLICY_BUNDLE_DIR,
    batchSize: e.RETENTION_BATCH_SIZE,
  };
}
