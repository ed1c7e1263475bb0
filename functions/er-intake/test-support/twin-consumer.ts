/** ER consumer configuration against the test twin, for the ER integration tests. */
import { erConsumerEnv } from '../../../infra/local/apps.js';
import type { TwinEndpoints } from '../../../infra/local/types.js';
import { type ConsumerConfig, loadConsumerConfig, loadWorkerConfig } from '../config.js';
import { startWorker, type Worker } from '../local-worker.js';

/** Consumer config against the twin (what `startErWorker` passes), with overrides of the environment. */
export function twinConsumerConfig(
  endpoints: Pick<TwinEndpoints, 'neo4jUri' | 'dynamoEndpoint' | 'region' | 'upstashUrl' | 'upstashToken'>,
  env: Record<string, string> = {},
): ConsumerConfig {
  return loadConsumerConfig({ ...erConsumerEnv(endpoints), ...env });
}

/** A long-polling worker on a test queue pair of the twin, with short waits so redelivery tests run in seconds. */
export function twinWorker(
  endpoints: Pick<
    TwinEndpoints,
    'neo4jUri' | 'dynamoEndpoint' | 'region' | 'sqsEndpoint' | 'upstashUrl' | 'upstashToken'
  >,
  pair: { queueUrl: string; dlqUrl: string },
  env: Record<string, string> = {},
): Promise<Worker> {
  return startWorker(
    twinConsumerConfig(endpoints, env),
    loadWorkerConfig({
      INTAKE_QUEUE_URL: pair.queueUrl,
      DLQ_URL: pair.dlqUrl,
      SQS_ENDPOINT: endpoints.sqsEndpoint,
      WORKER_WAIT_S: '1',
      VISIBILITY_TIMEOUT_S: '2',
      // A batch's window must end well inside a visibility timeout this short.
      WORKER_BATCHING_WINDOW_MS: '200',
    }),
  );
}
