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

/** A local app run from its TypeScript entry by tsx's CLI, which passes it `--port`. */
interface TsxApp {
  /** Name in the summary and in error messages. */
  name: string;
  /** Entry file relative to the repository root. */
  entry: string;
  /** Where clients reach it on its port: host (default 127.0.0.1) and path. */
  host?: string;
  path: string;
  /** Log file in the run directory. */
  log: string;
  /** The line the app prints once it listens. */
  readyLine: RegExp;
  timeoutMs: number;
}

/** The apps `npm start` runs beside the twin. */
const apps = {
  origin: {
    name: 'graphql origin',
    entry: 'functions/graphql/server.ts',
    path: '/graphql',
    log: 'origin.log',
    readyLine: /GRAPHGATE_ORIGIN_READY/,
    timeoutMs: 90_000,
  },
  edge: {
    name: 'edge (hono)',
    entry: 'edge/adapters/node.ts',
    path: '/graphql',
    log: 'edge.log',
    readyLine: /GRAPHGATE_EDGE_READY/,
    timeoutMs: 60_000,
  },
  intakeApi: {
    name: 'intake api',
    entry: 'functions/er-intake/server.ts',
    path: '/intake',
    log: 'intake-api.log',
    readyLine: /GRAPHGATE_INTAKE_READY/,
    timeoutMs: 60_000,
  },
  stepUp: {
    name: 'step-up (webauthn)',
    entry: 'functions/stepup/server.ts',
    // localhost, not 127.0.0.1: the WebAuthn rpID is `localhost` and the page origin must match it.
    host: 'localhost',
    path: '/stepup',
    log: 'stepup.log',
    readyLine: /GRAPHGATE_STEPUP_READY/,
    timeoutMs: 60_000,
  },
  review: {
    name: 'review page',
    entry: 'functions/adjudication/server.ts',
    // localhost: the page runs step-up ceremonies, and the passkey's rpID is `localhost`.
    host: 'localhost',
    path: '/review/',
    log: 'review.log',
    readyLine: /GRAPHGATE_REVIEW_READY/,
    // It builds the page (Vite) before it listens.
    timeoutMs: 120_000,
  },
} satisfies Record<string, TsxApp>;

/** Starts `app` on `port` with `env` and waits for its ready line and its /healthz. */
function startTsxApp(
  runDir: string,
  app: TsxApp,
  port: number,
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
): Promise<RunningComponent> {
  // With node flags (a benchmark's `--cpu-prof`), node itself runs the app with tsx as a loader, in ONE process, so
  // the flags, the profile and the process's CPU time are the app's own (tsx's CLI would run it as a child).
  const launcher =
    nodeArgs.length > 0
      ? [...nodeArgs, '--import', pathToFileURL(require.resolve('tsx/esm')).href]
      : [require.resolve('tsx/cli')];
  return spawnComponent({
    name: app.name,
    command: process.execPath,
    args: [...launcher, join(repoRoot, app.entry), '--port', String(port)],
    env,
    port,
    url: `http://${app.host ?? '127.0.0.1'}:${port}${app.path}`,
    logFile: join(runDir, app.log),
    readyLine: app.readyLine,
    probe: async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
    timeoutMs: app.timeoutMs,
  });
}

/** Where an app exports its spans: the twin's collector (the standard OpenTelemetry variable). */
export const otlpEnv = (endpoints: Partial<Pick<TwinEndpoints, 'otlpEndpoint'>>): Record<string, string> =>
  endpoints.otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: endpoints.otlpEndpoint } : {};

/** Environment of the GraphQL origin against the local twin (the same variables the CDK api stack sets). */
export function originEnv(endpoints: TwinEndpoints, keys: DevKeys): Record<string, string> {
  return {
    ...otlpEnv(endpoints),
    GRAPHGATE_STAGE: 'local',
    NEO4J_URI: endpoints.neo4jUri,
    UPSTASH_URL: endpoints.upstashUrl,
    UPSTASH_TOKEN: endpoints.upstashToken,
    SIGNING_KEYS: `${keys.signing.kid}:${keys.signing.secret}`,
    // Step-up grants and the audit ledger live in dynalite (tables from core/resources, stage `local`).
    DYNAMODB_ENDPOINT: endpoints.dynamoEndpoint,
    AWS_REGION: endpoints.region,
    // Acknowledged mutations, replayed after a graph restore (functions/core/journal).
    JOURNAL_TABLE: tableName('local', tables.writeJournal),
  };
}

/** `METRICS_PORT` for an app's internal Prometheus listener (loopback only; the public port serves no /metrics). */
const metricsEnv = (metricsPort?: number): Record<string, string> =>
  metricsPort ? { METRICS_PORT: String(metricsPort) } : {};

/** Starts the GraphQL origin (functions/graphql/server.ts) as its own process; `metricsPort` serves its /metrics. */
export const startOrigin = (
  runDir: string,
  endpoints: TwinEndpoints,
  keys: DevKeys,
  port: number,
  metricsPort?: number,
): Promise<RunningComponent> =>
  startTsxApp(runDir, apps.origin, port, { ...originEnv(endpoints, keys), ...metricsEnv(metricsPort) });

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

/**
 * Starts the Node edge adapter (edge/adapters/node.ts) in front of the origin and waits for /healthz; `ports.metrics`
 * serves its /metrics.
 */
export function startEdge(
  runDir: string,
  endpoints: TwinEndpoints,
  keys: DevKeys,
  ports: { edge: number; origin: number; metrics?: number },
  overrides: Record<string, unknown> = {},
  /** Node flags for the edge process (for example `--cpu-prof`); it then runs as one node process. */
  nodeArgs: readonly string[] = [],
): Promise<RunningComponent> {
  const configFile = join(runDir, 'edge-config.json');
  const config = edgeConfigFor(endpoints, keys, ports.origin, overrides);
  writeFileSync(configFile, JSON.stringify(config, null, 2), { mode: 0o600 });
  return startTsxApp(
    runDir,
    apps.edge,
    ports.edge,
    {
      EDGE_CONFIG_FILE: configFile,
      ...metricsEnv(ports.metrics),
      ...otlpEnv(endpoints),
    },
    nodeArgs,
  );
}

/** Environment of the intake API against the local twin (JWT trust = the local dev issuer, like the edge). */
export function intakeApiEnv(endpoints: TwinEndpoints, keys: DevKeys): Record<string, string> {
  return {
    ...otlpEnv(endpoints),
    GRAPHGATE_STAGE: 'local',
    INTAKE_QUEUE_URL: endpoints.intakeQueueUrl,
    SQS_ENDPOINT: endpoints.sqsEndpoint,
    AWS_REGION: endpoints.region,
    UPSTASH_URL: endpoints.upstashUrl,
    UPSTASH_TOKEN: endpoints.upstashToken,
    JWT_ISSUER: keys.jwt.issuer,
    JWT_AUDIENCE: keys.jwt.audience,
    JWT_JWKS: JSON.stringify({ keys: [keys.jwt.publicJwk] }),
    // Accepted events, replayed after a graph restore (functions/core/journal).
    JOURNAL_TABLE: tableName('local', tables.writeJournal),
    DYNAMODB_ENDPOINT: endpoints.dynamoEndpoint,
  };
}

/** Starts the intake API (functions/er-intake/server.ts); `metricsPort` serves its /metrics. */
export const startIntakeApi = (
  runDir: string,
  endpoints: TwinEndpoints,
  keys: DevKeys,
  port: number,
  metricsPort?: number,
): Promise<RunningComponent> =>
  startTsxApp(runDir, apps.intakeApi, port, { ...intakeApiEnv(endpoints, keys), ...metricsEnv(metricsPort) });

/** Environment of the ER consumer against the local twin: graph, idempotency and audit tables (no queue). */
export function erConsumerEnv(
  endpoints: Pick<TwinEndpoints, 'neo4jUri' | 'dynamoEndpoint' | 'region' | 'upstashUrl' | 'upstashToken'> &
    Partial<Pick<TwinEndpoints, 'otlpEndpoint'>>,
): Record<string, string> {
  return {
    ...otlpEnv(endpoints),
    GRAPHGATE_STAGE: 'local',
    NEO4J_URI: endpoints.neo4jUri,
    IDEMPOTENCY_TABLE: tableName('local', tables.idempotency),
    AUDIT_TABLE: tableName('local', tables.auditLedger),
    DYNAMODB_ENDPOINT: endpoints.dynamoEndpoint,
    AWS_REGION: endpoints.region,
    UPSTASH_URL: endpoints.upstashUrl,
    UPSTASH_TOKEN: endpoints.upstashToken,
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
export function stepUpEnv(
  endpoints: TwinEndpoints,
  keys: DevKeys,
  ports: { stepUp: number; edge: number; review?: number },
) {
  // The step-up page and the review page (each on its own port locally; one CloudFront origin in AWS).
  const origins = [ports.stepUp, ports.review].filter(Boolean).map((p) => `http://localhost:${p}`);
  return {
    ...otlpEnv(endpoints),
    GRAPHGATE_STAGE: 'local',
    STEPUP_RP_ID: 'localhost',
    STEPUP_ORIGINS: origins.join(','),
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
  ports: { stepUp: number; edge: number; review?: number },
): Promise<RunningComponent> {
  return startTsxApp(runDir, apps.stepUp, ports.stepUp, stepUpEnv(endpoints, keys, ports));
}

/**
 * Builds the review page and serves it (functions/adjudication/server.ts) with /graphql passed to the edge and
 * /stepup/* to the step-up server; waits for /healthz.
 */
export function startReview(
  runDir: string,
  ports: { review: number; edge: number; stepUp: number },
): Promise<RunningComponent> {
  return startTsxApp(runDir, apps.review, ports.review, {
    EDGE_URL: `http://127.0.0.1:${ports.edge}/graphql`,
    STEPUP_URL: `http://127.0.0.1:${ports.stepUp}`,
    REVIEW_DIST_DIR: join(runDir, 'review-dist'),
  });
}
