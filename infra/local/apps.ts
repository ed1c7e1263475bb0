import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
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
export function edgeConfigFor(endpoints: TwinEndpoints, keys: DevKeys, originPort: number) {
  return {
    stage: 'local',
    originUrl: `http://127.0.0.1:${originPort}/graphql`,
    signingKey: keys.signing,
    jwt: { issuer: keys.jwt.issuer, audience: keys.jwt.audience, jwks: { keys: [keys.jwt.publicJwk] } },
    upstash: { url: endpoints.upstashUrl, token: endpoints.upstashToken },
  };
}

/** Starts the Node edge adapter (edge/adapters/node.ts) in front of the origin and waits for /healthz. */
export function startEdge(
  runDir: string,
  endpoints: TwinEndpoints,
  keys: DevKeys,
  ports: { edge: number; origin: number },
): Promise<RunningComponent> {
  const configFile = join(runDir, 'edge-config.json');
  writeFileSync(configFile, JSON.stringify(edgeConfigFor(endpoints, keys, ports.origin), null, 2), { mode: 0o600 });
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
