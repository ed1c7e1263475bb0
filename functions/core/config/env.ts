import type { z } from 'zod';
import { DomainError, type DomainErrorOptions } from '../errors.js';

/** A configuration that cannot start: the message names every bad variable. */
export class ConfigError extends DomainError<'CONFIG_INVALID'> {
  constructor(message: string, options: DomainErrorOptions = {}) {
    super('CONFIG_INVALID', message, options);
  }
}

/**
 * Reads a function's environment once, typed and loud: every invalid or missing variable is named in one error, so a
 * bad deployment fails its cold start instead of failing requests later.
 * @example const e = parseEnv(envSchema, process.env, 'origin');
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv, what: string): z.output<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`${what} configuration is invalid: ${names}`);
  }
  return parsed.data;
}
