import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureGoTool, runOrFail } from './install.js';
import { cacheDir, repoRoot, toolBin } from './paths.js';
import { canConnect, freePort, spawnComponent } from './process.js';
import type { RunningComponent, TwinContext } from './types.js';

/** The OpenTelemetry Collector Builder (ocb), from the Go module proxy. */
export const ocbModule = { module: 'go.opentelemetry.io/collector/cmd/builder', version: 'v0.165.0' } as const;

/** The ocb manifest (components) and the collector config — the same file the CDK stack deploys. */
export const builderConfigFile = join(repoRoot, 'infra', 'otel', 'builder-config.yaml');
export const collectorConfigFile = join(repoRoot, 'infra', 'otel', 'collector.yaml');

const binaryName = 'otelcol-graphgate';

/** Cache key of a built collector: the builder manifest's content and the ocb version (a change in either rebuilds). */
export function collectorBuildKey(): string {
  const manifest = readFileSync(builderConfigFile, 'utf8');
  return createHash('sha256').update(`${ocbModule.version}\n${manifest}`).digest('hex').slice(0, 16);
}

/**
 * Ensures the collector binary for the current manifest exists under the tool cache
 * (`<cache>/otelcol/<key>/otelcol-graphgate`), building it with ocb the first time (a few minutes: it compiles the
 * collector from the Go module proxy). Builds in a private directory and renames into place, so two concurrent
 * installs never see a half-written binary.
 */
export async function installCollector(): Promise<string> {
  const dir = join(cacheDir, 'otelcol', collectorBuildKey());
  const target = join(dir, binaryName);
  if (existsSync(target)) return target;
  const ocb = await ensureGoTool('otelcol', toolBin, 'builder', ocbModule.module, ocbModule.version);
  const work = join(cacheDir, 'otelcol', `build-${process.pid}-${Date.now()}`);
  mkdirSync(work, { recursive: true });
  try {
    const manifest = readFileSync(builderConfigFile, 'utf8').replace('OUTPUT_PATH', join(work, 'dist'));
    const manifestFile = join(work, 'builder-config.yaml');
    writeFileSync(manifestFile, manifest);
    await runOrFail('otelcol', ocb, ['--config', manifestFile], { cwd: work, attempts: 2 });
    mkdirSync(dir, { recursive: true });
    renameSync(join(work, 'dist', binaryName), target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return target;
}

/** Where a running collector receives OTLP and where its file exporter writes what it kept. */
export interface RunningCollector extends RunningComponent {
  /** OTLP/HTTP base URL for exporters (`OTEL_EXPORTER_OTLP_ENDPOINT`). */
  readonly otlpHttpUrl: string;
  /** JSON-lines file of the traces the collector kept after tail sampling. */
  readonly tracesFile: string;
  /** The collector's own Prometheus metrics (otelcol_receiver_accepted_spans, otelcol_exporter_sent_spans, …). */
  readonly metricsUrl: string;
}

export interface CollectorOptions {
  /** OTLP/HTTP port (the gRPC receiver gets a free port of its own). */
  port: number;
  /** Tail-sampling decision wait in ms (how long a trace's spans are buffered before the policies decide). */
  decisionWaitMs?: number;
  /** Config file to run (defaults to the deployed infra/otel/collector.yaml). */
  configFile?: string;
  /** Where the file exporter writes (defaults to {@link collectorTracesFile}). */
  tracesFile?: string;
  /** Log file name in the run directory (several collectors can share one). */
  logName?: string;
}

/** The kept-traces file of the twin's collector. */
export const collectorTracesFile = (ctx: Pick<TwinContext, 'runDir'>) => join(ctx.runDir, 'otel-traces.jsonl');

/**
 * Starts the collector with the deployed config; local specifics (ports, the output file, the decision wait) come in
 * through environment variables the config reads (`${env:…}`), so the file itself is what CDK ships.
 */
export async function startCollector(ctx: TwinContext, options: CollectorOptions): Promise<RunningCollector> {
  const bin = await installCollector();
  const tracesFile = options.tracesFile ?? collectorTracesFile(ctx);
  const grpcPort = await freePort();
  const metricsPort = await freePort();
  const healthy = await spawnComponent({
    name: 'otel-collector',
    command: bin,
    args: ['--config', options.configFile ?? collectorConfigFile],
    env: {
      OTEL_COLLECTOR_HTTP_ENDPOINT: `127.0.0.1:${options.port}`,
      OTEL_COLLECTOR_GRPC_ENDPOINT: `127.0.0.1:${grpcPort}`,
      OTEL_COLLECTOR_TRACES_FILE: tracesFile,
      OTEL_COLLECTOR_DECISION_WAIT: `${options.decisionWaitMs ?? 2_000}ms`,
      OTEL_COLLECTOR_TRACES_EXPORTER: 'file',
      OTEL_COLLECTOR_METRICS_PORT: String(metricsPort),
    },
    port: options.port,
    url: `http://127.0.0.1:${options.port}`,
    logFile: join(ctx.runDir, options.logName ?? 'otel-collector.log'),
    readyLine: /Everything is ready/,
    probe: () => canConnect(options.port),
    timeoutMs: 30_000,
  });
  return {
    ...healthy,
    stop: () => healthy.stop(),
    otlpHttpUrl: healthy.url,
    tracesFile,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
  };
}
