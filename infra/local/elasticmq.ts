import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { queues } from '../../functions/core/resources/index.js';
import { ensureMavenModule } from './maven.js';
import { repoRoot } from './paths.js';
import { spawnComponent } from './process.js';
import type { RunningComponent, TwinContext } from './types.js';

const moduleDir = join(repoRoot, 'infra', 'local', 'java', 'elasticmq');

/** The region and account the SDK and ElasticMQ agree on (queue URLs and ARNs must match for redrive and move tasks). */
export const localRegion = 'us-east-1';
export const localAccount = '000000000000';

/** Resolves ElasticMQ's classpath through Maven (cached in ~/.m2). */
export function installElasticMq(): Promise<string> {
  return ensureMavenModule('elasticmq', moduleDir);
}

/** ElasticMQ configuration with the intake queue, its DLQ and the redrive policy shared with the CDK ingest stack. */
export function elasticMqConfig(port: number): string {
  const intake = queues.intake;
  return `include classpath("application.conf")

node-address {
  protocol = http
  host = "127.0.0.1"
  port = ${port}
  context-path = ""
}
rest-sqs {
  enabled = true
  bind-port = ${port}
  bind-hostname = "127.0.0.1"
  sqs-limits = strict
}
rest-stats { enabled = false }
aws {
  region = ${localRegion}
  accountId = ${localAccount}
}
queues {
  "${intake.dlqName('local')}" {
    defaultVisibilityTimeout = ${intake.visibilityTimeoutS} seconds
  }
  "${intake.name('local')}" {
    defaultVisibilityTimeout = ${intake.visibilityTimeoutS} seconds
    receiveMessageWait = 0 seconds
    deadLettersQueue {
      name = "${intake.dlqName('local')}"
      maxReceiveCount = ${intake.maxReceiveCount}
    }
  }
}
`;
}

/** Starts ElasticMQ on 127.0.0.1:port with the queues above and waits until it answers HTTP. */
export async function startElasticMq(ctx: TwinContext, port: number): Promise<RunningComponent> {
  const classpath = await installElasticMq();
  const conf = join(ctx.runDir, 'elasticmq.conf');
  writeFileSync(conf, elasticMqConfig(port));
  const url = `http://127.0.0.1:${port}`;
  return spawnComponent({
    name: 'sqs (elasticmq)',
    command: 'java',
    args: ['-Xmx256m', `-Dconfig.file=${conf}`, '-cp', classpath, 'org.elasticmq.server.Main'],
    cwd: ctx.runDir,
    port,
    url,
    logFile: join(ctx.runDir, 'elasticmq.log'),
    readyLine: /started in/,
    timeoutMs: 90_000,
  });
}
