import { SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { type AwsTarget, type ClientOptions, connection } from './target.js';

/** A Secrets Manager client for a region (the twin has none: it sets secret values in the environment directly). */
export function secretsManagerClient(
  target: AwsTarget,
  options: ClientOptions<SecretsManagerClientConfig> = {},
): SecretsManagerClient {
  return new SecretsManagerClient({ ...options, ...connection(target) });
}
