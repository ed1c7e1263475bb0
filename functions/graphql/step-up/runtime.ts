/** Wires step-up enforcement from config: DynamoDB grants and the DynamoDB audit ledger (dynalite locally). */
import { DynamoDbAuditLedger } from '../../core/audit/index.js';
import { dynamoClient } from '../../core/aws/dynamodb.js';
import { createGrantChecker, dynamoDbStepUpStores } from '../../core/stepup/index.js';
import type { StepUpEnforcementConfig } from './config.js';
import type { StepUpGuardOptions } from './guard.js';

/** The origin's step-up dependency, or undefined when enforcement is off for every tenant (no guard plugin). */
export function stepUpGuardFromConfig(c: StepUpEnforcementConfig): StepUpGuardOptions | undefined {
  if (c.enforce === 'none') return undefined;
  const client = dynamoClient({ region: c.region, endpoint: c.dynamoEndpoint });
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
