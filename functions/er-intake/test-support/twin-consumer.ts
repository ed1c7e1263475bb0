/** ER consumer configuration against the test twin, for the ER integration tests. */
import { erConsumerEnv } from '../../../infra/local/apps.js';
import type { TwinEndpoints } from '../../../infra/local/types.js';
import { type ConsumerConfig, loadConsumerConfig } from '../config.js';

/** Consumer config against the twin (what `startErWorker` passes), with overrides of the environment. */
export function twinConsumerConfig(
  endpoints: Pick<TwinEndpoints, 'neo4jUri' | 'dynamoEndpoint' | 'region'>,
  env: Record<string, string> = {},
): ConsumerConfig {
  return loadConsumerConfig({ ...erConsumerEnv(endpoints), ...env });
}
