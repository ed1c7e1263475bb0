/** Wires step-up enforcement from config: DynamoDB grants and the DynamoDB audit ledger (dynalite locally). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbAuditLedger } from '../core/audit/index.js';
import { createGrantChecker, dynamoDbStepUpStores } from '../core/stepup/index.js';
import type { StepUpGuardOptions } from './step-up.js';
import type { StepUpEnforcementConfig } from './step-up-config.js';

/** The origin's step-up dependency, or undefined when enforcement is off for every tenant (origin as before). */
export function stepUpGuardFromConfig(c: StepUpEnforcementConfig): StepUpGuardOptions | undefined {
  if (c.enforce === 'none') return undefined;
  const client = new DynamoDBClient({
    region: c.region,
    // Any credentials do for the twin's dynalite; in AWS the SDK finds the function role's.
    ...(c.dynamoEndpoint
      ? { endpoint: c.dynamoEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  const tenants = new Set(Array.isArray(c.enforce) ? c.enforce : []);
  return {
    checkGrant: createGrantChecker({ grants: dynamoDbStepUpStores({ client, tableName: c.table }).grants }),
    ledger: new DynamoDbAuditLedger({ client, tableName: c.auditTable }),
    enforced: c.enforce === 'all' ? () => true : (tenant) => tenants.has(tenant),
    optionsUrl: `${c.baseUrl}/authenticate/options`,
    registerUrl: `${c.baseUrl}/register/options`,
    maxAgeS: c.grantTtlS,
  };
}
