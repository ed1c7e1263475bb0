import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrateEr } from '../../../functions/core/er/migrations.js';
import { createDriver, migrate } from '../../../functions/core/graph/index.js';
import { cacheDir } from '../paths.js';
import { buildPolicies } from '../policies/build.js';
import { pickFreePorts, startTwin, type Twin } from '../twin.js';
import type { TwinEndpoints } from '../types.js';

declare module 'vitest' {
  export interface ProvidedContext {
    twin: TwinEndpoints;
  }
}

let twin: Twin | undefined;
let runDir: string | undefined;

/**
 * Starts the real local twin on free ports (so it never collides with a running `npm start`) for the integration
 * project, and stops it afterwards. If a component cannot start, the run fails loudly with its log file.
 */
export async function setup(project: TestProject): Promise<void> {
  runDir = mkdtempSync(join(tmpdir(), 'graphgate-test-'));
  twin = await startTwin(
    { runDir, cacheDir, persistent: false },
    { ports: await pickFreePorts(), neo4jPageCache: '256m', neo4jHeap: '768m', log: (l) => console.log(`[twin] ${l}`) },
  );
  // Shared one-time preparation: schema migrations (the graph's, then ER's, as `npm start` runs them) and the policy
  // wasm bundle (a no-op when nothing changed). A test file that writes through ER needs no migration of its own.
  const driver = createDriver(twin.endpoints.neo4jUri);
  try {
    await Promise.all([migrate(driver).then(() => migrateEr(driver)), buildPolicies()]);
  } finally {
    await driver.close();
  }
  project.provide('twin', twin.endpoints);
}

export async function teardown(): Promise<void> {
  await twin?.stop();
  if (runDir && !process.env.GRAPHGATE_KEEP_LOGS) rmSync(runDir, { recursive: true, force: true });
}
