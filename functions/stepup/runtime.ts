/** Wires the step-up app from its configuration: DynamoDB stores, the DynamoDB audit ledger, the shared JWT verifier. */
import { DynamoDbAuditLedger } from '../core/audit/index.js';
import { createVerifier } from '../core/auth/index.js';
import { dynamoClient } from '../core/aws/dynamodb.js';
import { manifest } from '../core/manifest/index.js';
import { createStepUpService, dynamoDbStepUpStores } from '../core/stepup/index.js';
import { createStepUpApp } from './app.js';
import type { StepUpConfig } from './config.js';
import { bundlePageScript } from './page.js';

/** Every scope any persisted operation needs: what clients may ask a grant for. */
export function manifestScopes(): string[] {
  return [...new Set(Object.values(manifest.operations).flatMap((o) => o.stepUpScopes))].sort();
}

/** The app against real services. `page` serves the browser page (local server; not the Lambda). */
export function createStepUpRuntime(config: StepUpConfig, options: { page?: boolean } = {}) {
  const client = dynamoClient({ region: config.region, endpoint: config.dynamoEndpoint });
  const service = createStepUpService({
    stores: dynamoDbStepUpStores({ client, tableName: config.table }),
    ledger: new DynamoDbAuditLedger({ client, tableName: config.auditTable }),
    rp: config.rp,
    knownScopes: manifestScopes(),
    challengeTtlS: config.challengeTtlS,
    grantTtlS: config.grantTtlS,
  });
  const verify = createVerifier(config.jwt);
  return createStepUpApp({ service, verify, pageScript: options.page ? bundlePageScript : undefined });
}
