import { describe, expect, it } from 'vitest';
import { resolveSecretEnv, SecretResolutionError } from './secrets.js';

const store: Record<string, string> = {
  'arn:neo4j': JSON.stringify({ username: 'neo4j', password: 'pw' }),
  'arn:keys': 'k1:secret',
};
const fetcher = async (id: string) => {
  const v = store[id];
  if (v === undefined) throw new Error(`no secret ${id}`);
  return v;
};

describe('resolveSecretEnv', () => {
  it('sets each <NAME> from its <NAME>_SECRET_REF reference, whole or by JSON field', async () => {
    const env: NodeJS.ProcessEnv = {
      NEO4J_USER_SECRET_REF: 'arn:neo4j#username',
      NEO4J_PASSWORD_SECRET_REF: 'arn:neo4j#password',
      SIGNING_KEYS_SECRET_REF: 'arn:keys',
    };
    const names = await resolveSecretEnv(env, fetcher);
    expect(names).toEqual(['NEO4J_PASSWORD', 'NEO4J_USER', 'SIGNING_KEYS']);
    expect(env).toMatchObject({ NEO4J_USER: 'neo4j', NEO4J_PASSWORD: 'pw', SIGNING_KEYS: 'k1:secret' });
  });

  it('keeps a variable that is already set (local override) without fetching', async () => {
    const env: NodeJS.ProcessEnv = { SIGNING_KEYS: 'local:key', SIGNING_KEYS_SECRET_REF: 'arn:missing' };
    await expect(resolveSecretEnv(env, fetcher)).resolves.toEqual([]);
    expect(env.SIGNING_KEYS).toBe('local:key');
  });

  it('fails naming the variable when a secret or field is missing', async () => {
    const env: NodeJS.ProcessEnv = { NEO4J_USER_SECRET_REF: 'arn:neo4j#user' };
    const error = await resolveSecretEnv(env, fetcher).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretResolutionError);
    expect((error as SecretResolutionError).variable).toBe('NEO4J_USER');
  });
});
