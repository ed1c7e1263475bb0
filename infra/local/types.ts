/** A running local-twin component: where it listens, where it logs, how to stop it. */
export interface RunningComponent {
  /** Stable component name used in the summary and in error messages (for example `neo4j`). */
  readonly name: string;
  /** The URL clients use (bolt://…, http://…, redis://…). */
  readonly url: string;
  readonly port: number;
  readonly logFile: string;
  readonly pid: number | undefined;
  /** Stops what this component started, and nothing else. Idempotent. */
  stop(): Promise<void>;
}

/** Where a twin keeps its state and logs for one run (npm start: `.run/`; tests: a temp dir). */
export interface TwinContext {
  /** Directory for logs and per-run state of this twin. */
  readonly runDir: string;
  /** Machine-wide cache for installed tools (Go binaries); survives clones of the repo. */
  readonly cacheDir: string;
  /** Keep data between runs (npm start) or throw it away (tests). */
  readonly persistent: boolean;
}

/** Everything a caller needs to reach the twin; also what tests receive through vitest `inject`. */
export interface TwinEndpoints {
  neo4jUri: string;
  sqsEndpoint: string;
  intakeQueueUrl: string;
  dlqUrl: string;
  dynamoEndpoint: string;
  redisUrl: string;
  upstashUrl: string;
  upstashToken: string;
  opaBin: string;
  vegetaBin: string;
  region: string;
  /** OTLP/HTTP base URL of the twin's OpenTelemetry Collector (the apps' `OTEL_EXPORTER_OTLP_ENDPOINT`). */
  otlpEndpoint: string;
  /** JSON-lines file where that collector writes the traces it kept after tail sampling. */
  otelTracesFile: string;
}
