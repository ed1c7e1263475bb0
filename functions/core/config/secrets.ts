/**
 * Resolves secret references in the environment at cold start. The CDK construct sets `<NAME>_SECRET_REF=<arn>[#field]`
 * (and grants read on that secret); this turns each into `<NAME>=<value>` before the function reads its typed config,
 * so config loaders stay unaware of Secrets Manager and the local twin just sets `<NAME>` directly.
 *
 * Values come from the AWS Parameters and Secrets Lambda extension (a localhost HTTP cache), so the bundle carries no
 * SDK client.
 */
const SUFFIX = '_SECRET_REF';

export class SecretResolutionError extends Error {
  override name = 'SecretResolutionError';
  constructor(
    message: string,
    readonly variable: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Fetches a secret string by id (ARN or name). */
export type SecretFetcher = (secretId: string) => Promise<string>;

/** Reads through the Parameters and Secrets extension, authenticated with the function's session token. */
export function extensionFetcher(env: NodeJS.ProcessEnv = process.env): SecretFetcher {
  const port = env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773';
  return async (secretId) => {
    const url = `http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`;
    const res = await fetch(url, { headers: { 'X-Aws-Parameters-Secrets-Token': env.AWS_SESSION_TOKEN ?? '' } });
    if (!res.ok) throw new Error(`secrets extension answered ${res.status} for ${secretId}`);
    const body = (await res.json()) as { SecretString?: string };
    if (typeof body.SecretString !== 'string') throw new Error(`secret ${secretId} has no SecretString`);
    return body.SecretString;
  };
}

/**
 * For every `<NAME>_SECRET_REF` variable, sets `<NAME>` to the secret's value (or to one JSON field of it with `arn#field`).
 * A variable that is already set wins, so a local override needs no secret. Fails loudly, naming the variable.
 *
 * @example
 * // handler.ts
 * const runtime = resolveSecretEnv().then(() => createOriginRuntime(loadOriginConfig()));
 */
export async function resolveSecretEnv(
  env: NodeJS.ProcessEnv = process.env,
  fetchSecret: SecretFetcher = extensionFetcher(env),
): Promise<string[]> {
  const refs = Object.entries(env).filter(([k, v]) => k.endsWith(SUFFIX) && k.length > SUFFIX.length && v);
  const cache = new Map<string, Promise<string>>();
  const resolved: string[] = [];
  await Promise.all(
    refs.map(async ([key, ref]) => {
      const name = key.slice(0, -SUFFIX.length);
      if (env[name] !== undefined && env[name] !== '') return;
      const [secretId, field] = splitRef(ref as string);
      try {
        if (!cache.has(secretId)) cache.set(secretId, fetchSecret(secretId));
        const text = await cache.get(secretId)!;
        env[name] = field === undefined ? text : jsonField(text, field);
        resolved.push(name);
      } catch (cause) {
        throw new SecretResolutionError(`cannot resolve ${name} from ${key}: ${(cause as Error).message}`, name, {
          cause,
        });
      }
    }),
  );
  return resolved.sort();
}

function splitRef(ref: string): [string, string | undefined] {
  const i = ref.lastIndexOf('#');
  return i < 0 ? [ref, undefined] : [ref.slice(0, i), ref.slice(i + 1)];
}

function jsonField(text: string, field: string): string {
  const value = (JSON.parse(text) as Record<string, unknown>)[field];
  if (typeof value !== 'string' || value === '') throw new Error(`field "${field}" missing or not a string`);
  return value;
}
