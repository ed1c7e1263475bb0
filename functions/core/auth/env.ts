/**
 * The JWT variables every HTTP function reads the same way (intake API, step-up), and the verifier options they make.
 */
import { z } from 'zod';
import { ConfigError } from '../config/env.js';
import { type JwtOptions, jwtOptionsSchema } from './jwt.js';

/** Spread into a function's env schema: `z.object({ ...jwtEnvShape, OTHER: … })`. */
export const jwtEnvShape = {
  JWT_ISSUER: z.string().min(1),
  JWT_AUDIENCE: z.string().min(1),
  /** Either a JWKS URL … */
  JWT_JWKS_URL: z.url().optional(),
  /** … or the JWK set itself as JSON (local dev keys). */
  JWT_JWKS: z.string().optional(),
  /** Longest accepted token lifetime in seconds (exp − iat, and exp − now). @default 86400 */
  JWT_MAX_LIFETIME_S: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .optional(),
};

/** The parsed JWT variables. */
export type JwtEnv = z.output<z.ZodObject<typeof jwtEnvShape>>;

/**
 * Verifier options from the parsed JWT variables (30 s clock skew, 24 h longest lifetime unless JWT_MAX_LIFETIME_S,
 * tenant in the `tenant` claim). Throws a {@link ConfigError} naming `what` when neither key source is set or
 * `JWT_JWKS` is not a JWK set.
 */
export function jwtOptionsFromEnv(e: JwtEnv, what: string): JwtOptions {
  if (!e.JWT_JWKS_URL && !e.JWT_JWKS)
    throw new ConfigError(`${what} configuration: JWT_JWKS_URL or JWT_JWKS is required`);
  let jwks: unknown;
  try {
    jwks = e.JWT_JWKS ? JSON.parse(e.JWT_JWKS) : undefined;
  } catch (cause) {
    throw new ConfigError(`${what} configuration: JWT_JWKS is not JSON`, { cause });
  }
  const parsed = jwtOptionsSchema.safeParse({
    issuer: e.JWT_ISSUER,
    audience: e.JWT_AUDIENCE,
    jwksUrl: e.JWT_JWKS_URL,
    jwks,
    maxTokenLifetimeS: e.JWT_MAX_LIFETIME_S,
  });
  if (!parsed.success) throw new ConfigError(`${what} configuration: JWT_JWKS is not a JWK set ({"keys": [...]})`);
  return parsed.data;
}
