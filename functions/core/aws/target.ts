/**
 * Where an AWS SDK client connects. In AWS a client needs only its region: the SDK finds the service endpoint and the
 * function role's credentials. Against the local twin (dynalite, ElasticMQ) it gets the component's endpoint and
 * static credentials, which those emulators accept whatever they are.
 *
 * Each service's factory lives in its own module so a bundle loads only the SDK clients it uses.
 */
export interface AwsTarget {
  region: string;
  /** Only for the local twin; in AWS leave it out. */
  endpoint?: string | undefined;
}

/** Per-client SDK settings a caller may add (maxAttempts, a requestHandler with its timeouts and agent, …). */
export type ClientOptions<Config> = Omit<Config, 'region' | 'endpoint' | 'credentials'>;

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Region, and for the twin its endpoint and static credentials, as SDK client config. */
export function connection({ region, endpoint }: AwsTarget) {
  return endpoint ? { region, endpoint, credentials: localCredentials } : { region };
}
