/** Wires step-up enforcement from config: DynamoDB grants and the DynamoDB audit ledger (dynalite locally). */
import { DynamoDbAuditLedger } from '../../core/audit/index.js';
import { dynamoClient } from '../../core/aws/dynamodb.js';
import { createGrantChecker, dynamoDbStepUpStores } from '../../core/stepup/index.js';
import type { StepUpEnforcementConfig } from './config.js';
import type { StepUpGuardOptions } from './guard.js';

/** The origin's step-up dependency: always present, the policy decides per stage and tenant how strict it is. */
export function stepUpGuardFromConfig(c: StepUpEnforcementConfig): StepUpGuardOptions {
  const client = dynamoClient({ region: c.region, endpoint: c.dynamoEndpoint });
  return {
    checkGrant: createGrantChecker({ grants: dynamoDbStepUpStores({ client, tableName: c.table }).grants }),
    ledger: new DynamoDbAuditLedger({ client, tableName: c.auditTable }),
    stage: c.stage,
    optionsUrl: `${c.baseUrl}/authenticate/options`,
    registerUrl: `${c.baseUrl}/register/options`,
    maxAgeS: c.grantTtlS,
  };
}
