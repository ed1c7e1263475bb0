/**
 * Configuration of the step-up function: read once, typed, loud. The same variables in the Lambda and the local
 * server; the CDK construct that sets STEPUP_TABLE / AUDIT_TABLE grants the table access in the same call.
 */
import { z } from 'zod';
import { tableName, tables } from '../../infra/tables.js';
import { ConfigError, parseEnv } from '../core/config/env.js';

const envSchema = z.object({
  GRAPHGATE_STAGE: z.enum(['local', 'dev', 'staging', 'prod']),
  /** WebAuthn relying-party id: the registrable domain of the page (`localhost` locally). */
  STEPUP_RP_ID: z.string().min(1),
  STEPUP_RP_NAME: z.string().min(1).default('graphgate'),
  /** Exact page origins allowed in clientDataJSON, comma-separated (`http://localhost:4300`). */
  STEPUP_ORIGINS: z.string().min(1),
  JWT_ISSUER: z.string().min(1),
  JWT_AUDIENCE: z.string().min(1),
  JWT_JWKS_URL: z.url().optional(),
  /** The JWK set as JSON (local dev keys). */
  JWT_JWKS: z.string().optional(),
  STEPUP_TABLE: z.string().min(3).optional(),
  AUDIT_TABLE: z.string().min(3).optional(),
  DYNAMODB_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().default('us-east-1'),
  STEPUP_CHALLENGE_TTL_S: z.coerce.number().int().min(10).max(600).default(120),
  STEPUP_GRANT_TTL_S: z.coerce.number().int().min(30).max(3600).default(300),
});

export interface StepUpConfig {
  stage: 'local' | 'dev' | 'staging' | 'prod';
  rp: { id: string; name: string; origins: string[] };
  jwt: { issuer: string; audience: string; jwksUrl?: string; jwks?: { keys: Record<string, unknown>[] } };
  table: string;
  auditTable: string;
  dynamoEndpoint?: string;
  region: string;
  challengeTtlS: number;
  grantTtlS: number;
}

export { ConfigError };

/** Reads and validates the environment; the error names every bad variable. */
export function loadStepUpConfig(env: NodeJS.ProcessEnv = process.env): StepUpConfig {
  const e = parseEnv(envSchema, env, 'step-up');
  if (!e.JWT_JWKS_URL && !e.JWT_JWKS)
    throw new ConfigError('step-up configuration: JWT_JWKS_URL or JWT_JWKS is required');
  const origins = e.STEPUP_ORIGINS.split(',').map((o) => o.trim());
  const bad = origins.filter(
    (o) => !/^https?:\/\/[^/]+$/.test(o) || (o.startsWith('http:') && e.GRAPHGATE_STAGE !== 'local'),
  );
  if (bad.length) throw new ConfigError(`STEPUP_ORIGINS: not an https origin (http only locally): ${bad.join(', ')}`);
  return {
    stage: e.GRAPHGATE_STAGE,
    rp: { id: e.STEPUP_RP_ID, name: e.STEPUP_RP_NAME, origins },
    jwt: {
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      jwksUrl: e.JWT_JWKS_URL,
      jwks: e.JWT_JWKS ? (JSON.parse(e.JWT_JWKS) as { keys: Record<string, unknown>[] }) : undefined,
    },
    table: e.STEPUP_TABLE ?? tableName(e.GRAPHGATE_STAGE, tables.stepUp),
    auditTable: e.AUDIT_TABLE ?? tableName(e.GRAPHGATE_STAGE, tables.auditLedger),
    dynamoEndpoint: e.DYNAMODB_ENDPOINT,
    region: e.AWS_REGION,
    challengeTtlS: e.STEPUP_CHALLENGE_TTL_S,
    grantTtlS: e.STEPUP_GRANT_TTL_S,
  };
}
