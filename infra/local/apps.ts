import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tableName, tables } from '../../functions/core/resources/index.js';
import type { DevKeys } from './dev-keys.js';
import { repoRoot } from './paths.js';
import { spawnComponent } from './process.js';
import type { RunningComponent, TwinEndpoints } from './types.js';

const require = createRequire(import.meta.url);

/** Environment of the GraphQL origin against the local twin (the same variables the CDK api stack sets). */
export function originEnv(endpoints: TwinEndpoints, keys: DevKeys): Record<string, string> {
  return {
    GRAPHGATE_STAGE: 'local',
    NEO4J_URI: endpoints.neo4jUri,
    UPSTASH_URL: endpoints.upstashUrl,
    UPSTASH_TOKEN: endpoints.upstashToken,
    SIGNING_KEYS: `${keys.signing.kid}:${keys.signing.secret}`,
    // Step-up grants and the audit ledger live in dynalite (tables from core/resources, stage `local`).
    DYNAMODB_ENDPOINT: endpoints.dynamoEndpoint,
    AWS_REGION: endpoints.region,
  };
}

/** Starts the GraphQL origin (functions/graphql/server.ts) as its own process and waits for /healthz. */
export function startOrigin(
  runDir: string,
  endpoints: TwinEndpoints,
  keys: DevKeys,
  port: number,
): Promise<RunningComponent> {
  const url = `http://127.0.0.1:${port}/graphql`;
  return spawnComponent({
    name: 'graphql origin',
    command: process.execPath,
    args: [require.resolve('tsx/cli'), join(repoRoot, 'functions/graphql/server.ts'), '--port', String(port)],
    env: originEnv(endpoints, keys),
    port,
    url,
    logFile: join(runDir, 'origin.log'),
    readyLine: /GRAPHGATE_ORIGIN_READY/,
    probe: async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
    timeoutMs: 90_000,
  });
}

/** The Node edge's configuration against the local twin and origin (what CDK bakes into Lambda@Edge in AWS). */
export function edgeConfigFor(
  endpoints: TwinEndpoints,
  keys: DevKeys,
  originPort: number,
  overrides: Record<string, unknown> = {},
) {
  return {
    stage: 'local',
    originUrl: `http://127.0.0.1:${originPort}/graphql`,
    signingKey: keys.signing,
    jwt: { issuer: keys.jwt.issuer, audience: keys.jwt.audience, jwks: { keys: [keys.jwt.publicJwk] } },
    upstash: { url: endpoints.upstashUrl, token: endpoints.upstashToken },
    ...overrides,
  };
}

/** Starts the Node edge adapter (edge/adapters/node.ts) in front of the origin and waits for /healthz. */
export function startEdge(
  runDir: string,
  endpoints: TwinEndpoints,
  keys: DevKeys,
  ports: { edge: number; origin: number },
  overrides: Record<string, unknown> = {},
): Promise<RunningComponent> {
  const configFile = join(runDir, 'edge-config.json');
  const config = edgeConfigFor(endpoints, keys, ports.origin, overrides);
  writeFileSync(configFile, JSON.stringify(config, null, 2), { mode: 0o600 });
  return spawnComponent({
    name: 'edge (hono)',
    command: process.execPath,
    args: [require.resolve('tsx/cli'), join(repoRoot, 'edge/adapters/node.ts'), '--port', String(ports.edge)],
    env: { EDGE_CONFIG_FILE: configFile },
    port: ports.edge,
    url: `http://127.0.0.1:${ports.edge}/graphql`,
    logFile: join(runDir, 'edge.log'),
    readyLine: /GRAPHGATE_EDGE_READY/,
    probe: async () => (await fetch(`http://127.0.0.1:${ports.edge}/healthz`)).ok,
    timeoutMs: 60_000,
  });
}

/** Environment of the intake API against the local twin (JWT trust = the local dev issuer, like the edge). */
export function intakeApiEnv(endpoints: TwinEndpoints, keys: DevKeys): Record<string, string> {
  return {
    GRAPHGATE_STAGE: 'local',
    INTAKE_QUEUE_URL: endpoints.intakeQueueUrl,
    SQS_ENDPOINT: endpoints.sqsEndpoint,
    AWS_REGION: endpoints.region,
    UPSTASH_URL: endpoints.upstashUrl,
    UPSTASH_TOKEN: endpoints.upstashToken,
    JWT_ISSUER: keys.jwt.issuer,
    JWT_AUDIENCE: keys.jwt.audience,
    JWT_JWKS: JSON.stringify({ keys: [keys.jwt.publicJwk] }),
  };
}

/** Starts the intake API (functions/er-intake/server.ts, `POST /intake`) and waits for /healthz. */
export function startIntakeApi(
  runDir: string,
  endpoints: TwinEndpoints,
  keys: DevKeys,
  port: number,
): Promise<RunningComponent> {
  return spawnComponent({
    name: 'intake api',
    command: process.execPath,
    args: [require.resolve('tsx/cli'), join(repoRoot, 'functions/er-intake/server.ts'), '--port', String(port)],
    env: intakeApiEnv(endpoints, keys),
    port,
    url: `http://127.0.0.1:${port}/intake`,
    logFile: join(runDir, 'intake-api.log'),
    readyLine: /GRAPHGATE_INTAKE_READY/,
    probe: async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
    timeoutMs: 60_000,
  });
}

/** Environment of the ER consumer against the local twin: graph, idempotency and audit tables (no queue). */
export function erConsumerEnv(
  endpoints: Pick<TwinEndpoints, 'neo4jUri' | 'dynamoEndpoint' | 'region'>,
): Record<string, string> {
  return {
    GRAPHGATE_STAGE: 'local',
    NEO4J_URI: endpoints.neo4jUri,
    IDEMPOTENCY_TABLE: tableName('local', tables.idempotency),
    AUDIT_TABLE: tableName('local', tables.auditLedger),
    DYNAMODB_ENDPOINT: endpoints.dynamoEndpoint,
    AWS_REGION: endpoints.region,
  };
}

/**
 * Starts the ER worker (functions/er-intake/local-worker.ts) on the intake queue; `metricsPort` serves /metrics and
 * /healthz. `env` overrides (ER_CONCURRENCY, WORKER_BATCHES, ER_ENABLED_KINDS, another queue pair, …).
 */
export function startErWorker(
  runDir: string,
  endpoints: TwinEndpoints,
  metricsPort: number,
  env: Record<string, string> = {},
): Promise<RunningComponent> {
  return spawnComponent({
    name: 'er worker',
    command: process.execPath,
    // `--import tsx` keeps the worker in one process, so SIGKILL of this pid really kills it (the fault test relies
    // on that); tsx's CLI would run the script in a child that outlives a SIGKILL of the parent.
    args: [
      '--import',
      pathToFileURL(require.resolve('tsx')).href,
      join(repoRoot, 'functions/er-intake/local-worker.ts'),
    ],
    env: {
      ...erConsumerEnv(endpoints),
      INTAKE_QUEUE_URL: endpoints.intakeQueueUrl,
      DLQ_URL: endpoints.dlqUrl,
      SQS_ENDPOINT: endpoints.sqsEndpoint,
      METRICS_PORT: String(metricsPort),
      ...env,
    },
    port: metricsPort,
    url: `http://127.0.0.1:${metricsPort}/metrics`,
    logFile: join(runDir, 'er-worker.log'),
    readyLine: /GRAPHGATE_ER_WORKER_READY/,
    probe: async () => (await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).ok,
    timeoutMs: 120_000,
  });
}

/** Environment of the step-up function against the local twin: rpID `localhost`, JWT trust = the local dev issuer. */
export function stepUpEnv(endpoints: TwinEndpoints, keys: DevKeys, ports: { stepUp: number; edge: number }) {
  return {
    GRAPHGATE_STAGE: 'local',
    STEPUP_RP_ID: 'localhost',
    STEPUP_ORIGINS: `http://localhost:${ports.stepUp}`,
    JWT_ISSUER: keys.jwt.issuer,
    JWT_AUDIENCE: keys.jwt.audience,
    JWT_JWKS: JSON.stringify({ keys: [keys.jwt.publicJwk] }),
    DYNAMODB_ENDPOINT: endpoints.dynamoEndpoint,
    AWS_REGION: endpoints.region,
    EDGE_URL: `http://127.0.0.1:${ports.edge}/graphql`,
  };
}

/** Starts the step-up function and its page (functions/stepup/server.ts) and waits for /healthz. */
export function startStepup(
  runDir: string,
  endpoints: TwinEndpoints,
  keys: DevKeys,
  ports: { stepUp: number; edge: number },
): Promise<RunningComponent> {
  return spawnComponent({
    name: 'step-up (webauthn)',
    command: process.execPath,
    args: [require.resolve('tsx/cli'), join(repoRoot, 'functions/stepup/server.ts'), '--port', String(ports.stepUp)],
    env: stepUpEnv(endpoints, keys, ports),
    port: ports.stepUp,
    // localhost, not 127.0.0.1: the WebAuthn rpID is `localhost` and the page origin must match it.
    url: `http://localhost:${ports.stepUp}/stepup`,
    logFile: join(runDir, 'stepup.log'),
    readyLine: /GRAPHGATE_STEPUP_READY/,
    probe: async () => (await fetch(`http://127.0.0.1:${ports.stepUp}/healthz`)).ok,
    timeoutMs: 60_000,
  });
}
