import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import neo4j from 'neo4j-driver';
import { pingCypher } from '../../functions/core/graph/cypher/tooling.js';
import { ensureMavenModule } from './maven.js';
import { repoRoot } from './paths.js';
import { spawnComponent } from './process.js';
import type { RunningComponent, TwinContext } from './types.js';

const moduleDir = join(repoRoot, 'infra', 'local', 'java', 'neo4j-launcher');

/** Builds the Neo4j 5.26 launcher (neo4j-harness) if needed; returns its classpath. */
export function installNeo4j(): Promise<string> {
  return ensureMavenModule('neo4j', moduleDir);
}

export interface Neo4jOptions {
  port: number;
  /** Page cache size; harness defaults are a few MB, which turns every graph read into a disk read. */
  pageCache?: string;
  heap?: string;
}

/** Starts Neo4j with Bolt on 127.0.0.1:port (auth off, HTTP off) and waits until a query round-trips. */
export async function startNeo4j(ctx: TwinContext, options: Neo4jOptions): Promise<RunningComponent> {
  const classpath = await installNeo4j();
  const uri = `bolt://127.0.0.1:${options.port}`;
  const args = [
    `-Xms${options.heap ?? '1g'}`,
    `-Xmx${options.heap ?? '1g'}`,
    '-XX:+UseG1GC',
    // Compiler threads stay for the JVM's life instead of coming and going with the compile queue, so the benchmarks'
    // reading of how much CPU the JIT took (load/proc-cpu.ts jvmJitCpuMs) loses none with a thread that ended.
    '-XX:-UseDynamicNumberOfCompilerThreads',
    '-cp',
    classpath,
    'dev.graphgate.local.Launcher',
    '--port',
    String(options.port),
    '--pagecache',
    options.pageCache ?? '1g',
  ];
  let tempDir: string | undefined;
  if (ctx.persistent) {
    args.push('--data', join(ctx.runDir, 'neo4j-data'));
  } else {
    // The harness makes its own random store dir; run it from a temp working dir so nothing lands in the repo.
    tempDir = mkdtempSync(join(tmpdir(), 'graphgate-neo4j-'));
  }
  return spawnComponent({
    name: 'neo4j',
    command: 'java',
    args,
    cwd: tempDir ?? ctx.runDir,
    env: tempDir ? { TMPDIR: tempDir } : {},
    port: options.port,
    url: uri,
    logFile: join(ctx.runDir, 'neo4j.log'),
    readyLine: /GRAPHGATE_NEO4J_READY/,
    probe: () => neo4jAnswers(uri),
    timeoutMs: 180_000,
    afterStop: async () => {
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  });
}

async function neo4jAnswers(uri: string): Promise<boolean> {
  const driver = neo4j.driver(uri, undefined, { connectionTimeout: 2_000, logging: undefined });
  try {
    await driver.executeQuery(pingCypher.cypher);
    return true;
  } catch {
    return false;
  } finally {
    await driver.close();
  }
}
