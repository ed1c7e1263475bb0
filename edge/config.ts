import { z } from 'zod';
import { jwtOptionsSchema } from '../functions/core/auth/index.js';

/**
 * Edge configuration. Lambda@Edge has no environment variables, so the adapters build this from a config module
 * baked at build time (CDK) or from the environment (Node, Workers); either way it is validated once, loudly.
 */
export const edgeConfigSchema = z.object({
  stage: z.enum(['local', 'dev', 'staging', 'prod']),
  /** Origin GraphQL endpoint, e.g. https://xyz.lambda-url.eu-west-1.on.aws/graphql */
  originUrl: z.url(),
  signingKey: z.object({ kid: z.string().min(1), secret: z.string().min(16) }),
  jwt: jwtOptionsSchema,
  upstash: z.object({ url: z.url(), token: z.string().min(1) }),
  limits: z
    .object({ maxBodyBytes: z.number().int().positive(), maxVariablesBytes: z.number().int().positive() })
    .default({ maxBodyBytes: 16 * 1024, maxVariablesBytes: 8 * 1024 }),
  rateLimits: z
    .object({
      tenant: z.object({ requests: z.number().int().positive(), windowS: z.number().int().positive() }),
      subject: z.object({ requests: z.number().int().positive(), windowS: z.number().int().positive() }),
    })
    .default({ tenant: { requests: 5000, windowS: 10 }, subject: { requests: 500, windowS: 10 } }),
  timeouts: z
    .object({ cacheMs: z.number().int().positive(), originMs: z.number().int().positive() })
    .default({ cacheMs: 250, originMs: 10_000 }),
});

export type EdgeConfig = z.infer<typeof edgeConfigSchema>;
export type EdgeConfigInput = z.input<typeof edgeConfigSchema>;

/** Validates a config object; the error names every bad field. */
export function parseEdgeConfig(input: unknown): EdgeConfig {
  const parsed = edgeConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw new Error(
      `edge configuration is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  if (!parsed.data.jwt.jwksUrl && !parsed.data.jwt.jwks)
    throw new Error('edge configuration: jwt.jwksUrl or jwt.jwks is required');
  return parsed.data;
}
