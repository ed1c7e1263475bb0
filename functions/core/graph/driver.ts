/** Neo4j driver factory with defaults sized for a Lambda (few concurrent requests per instance) or a local server. */
import neo4j, { type AuthToken, type Config, type Driver } from 'neo4j-driver';

export interface DriverOptions {
  /** Any auth token (bearer, kerberos, …); wins over user/password. */
  auth?: AuthToken;
  /** Basic auth; both omitted for the local twin (auth off). */
  user?: string;
  password?: string;
  /** Connections per server; a Lambda serves one request at a time, a local server more. */
  maxPoolSize?: number;
  /** Extra driver config (wins over the defaults below). */
  config?: Config;
}

/**
 * Creates a driver. `neo4j://` URIs route reads to replicas and writes to the leader; `bolt://` talks to one server.
 * Timeouts are bounded so a stuck cluster fails a request instead of holding a Lambda until its own timeout.
 *
 * @example
 * const driver = createDriver(process.env.NEO4J_URI!, { user: 'neo4j', password });
 */
export function createDriver(uri: string, options: DriverOptions = {}): Driver {
  const auth = options.auth ?? (options.user ? neo4j.auth.basic(options.user, options.password ?? '') : undefined);
  return neo4j.driver(uri, auth, {
    maxConnectionPoolSize: options.maxPoolSize ?? 50,
    connectionAcquisitionTimeout: 5_000,
    connectionTimeout: 5_000,
    // Retries of transient errors (leader switch, deadlock) inside executeRead/executeWrite.
    maxTransactionRetryTime: 10_000,
    maxConnectionLifetime: 30 * 60_000,
    // Keep idle connections checked: Lambda freezes between invocations and load balancers drop idle sockets.
    connectionLivenessCheckTimeout: 30_000,
    userAgent: 'graphgate',
    ...options.config,
  });
}
