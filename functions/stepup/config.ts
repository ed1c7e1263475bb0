/**
 * Configuration of the step-up function: read once, typed, loud. The same variables in the Lambda and the local
 * server; the CDK construct that sets STEPUP_TABLE / AUDIT_TABLE grants the table access in the same call.
 */
import { z } from 'zod';
import { type JwtOptions, jwtEnvShape, jwtOptionsFromEnv } from '../core/auth/index.js';
import { ConfigError, parseEnv } from '../core/config/env.js';
import { awsRegion, localEndpoint, type Stage, stageSchema } from '../core/config/shared-env.js';
import { tableName, tables } from '../core/resources/index.js';

const envSchema = z.object({
  GRAPHGATE_STAGE: stageSchema,
  /** WebAuthn relying-party id: the registrable domain of the page (`localhost` locally). */
  STEPUP_RP_ID: z.string().min(1),
  STEPUP_RP_NAME: z.string().min(1).default('graphgate'),
  /** Exact page origins allowed in clientDataJSON, comma-separated (`http://localhost:4300`). */
  STEPUP_ORIGINS: z.string().min(1),
  ...jwtEnvShape,
  STEPUP_TABLE: z.string().min(3).optional(),
  AUDIT_TABLE: z.string().min(3).optional(),
  DYNAMODB_ENDPOINT: localEndpoint,
  AWS_REGION: awsRegion,
  STEPUP_CHALLENGE_TTL_S: z.coerce.number().int().min(10).max(600).default(120),
  STEPUP_GRANT_TTL_S: z.coerce.number().int().min(30).max(3600).default(300),
});

export interface StepUpConfig {
  stage: Stage;
  rp: { id: string; name: string; origins: string[] };
  jwt: JwtOptions;
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
  const origins = e.STEPUP_ORIGINS.split(',').map((o) => o.trim());
  const bad = origins.filter(
    (o) => !/^https?:\/\/[^/]+$/.test(o) || (o.startsWith('http:') && e.GRAPHGATE_STAGE !== 'local'),
  );
  if (bad.length) throw new ConfigError(`STEPUP_ORIGINS: not an https origin (http only locally): ${bad.join(', ')}`);
  return {
    stage: e.GRAPHGATE_STAGE,
    rp: { id: e.STEPUP_RP_ID, name: e.STEPUP_RP_NAME, origins },
    jwt: jwtOptionsFromEnv(e, 'step-up'),
    table: e.STEPUP_TABLE ?? tableName(e.GRAPHGATE_STAGE, tables.stepUp),
    auditTable: e.AUDIT_TABLE ?? tableName(e.GRAPHGATE_STAGE, tables.auditLedger),
    dynamoEndpoint: e.DYNAMODB_ENDPOINT,
    region: e.AWS_REGION,
    challengeTtlS: e.STEPUP_CHALLENGE_TTL_S,
    grantTtlS: e.STEPUP_GRANT_TTL_S,
  };
}
