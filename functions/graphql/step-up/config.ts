/**
 * Step-up settings of the origin, part of its config (read once, loud): where grants and the audit ledger live and
 * what the 401 tells clients. How strictly step-up is enforced is not here: it is policy data
 * (`config.stepup.enforcement` in policies/data.json, per stage and tenant), so no variable can switch the guard off.
 */
import { z } from 'zod';
import { ConfigError, parseEnv } from '../../core/config/env.js';
import { awsRegion, localEndpoint } from '../../core/config/shared-env.js';
import { tableName, tables } from '../../core/resources/index.js';

const envSchema = z.object({
  /** Default: the stage's tables from functions/core/resources. */
  STEPUP_TABLE: z.string().min(3).optional(),
  AUDIT_TABLE: z.string().min(3).optional(),
  DYNAMODB_ENDPOINT: localEndpoint,
  AWS_REGION: awsRegion,
  /** Public base of the step-up routes told to clients in the 401 (a path: same domain behind CloudFront). */
  STEPUP_BASE_URL: z.string().min(1).default('/stepup'),
  STEPUP_GRANT_TTL_S: z.coerce.number().int().min(30).max(3600).default(300),
});

export interface StepUpEnforcementConfig {
  /** Selects the stage's enforcement setting in policy data. */
  stage: string;
  table: string;
  auditTable: string;
  dynamoEndpoint?: string;
  region: string;
  baseUrl: string;
  grantTtlS: number;
}

/** Parses the step-up variables; throws a ConfigError naming every bad one. */
export function loadStepUpEnforcement(env: NodeJS.ProcessEnv, stage: string): StepUpEnforcementConfig {
  const e = parseEnv(envSchema, env, 'origin step-up');
  if (stage === 'local' && !e.DYNAMODB_ENDPOINT) {
    throw new ConfigError('DYNAMODB_ENDPOINT is required in the local stage: step-up grants live in dynalite');
  }
  return {
    stage,
    table: e.STEPUP_TABLE ?? tableName(stage, tables.stepUp),
    auditTable: e.AUDIT_TABLE ?? tableName(stage, tables.auditLedger),
    dynamoEndpoint: e.DYNAMODB_ENDPOINT,
    region: e.AWS_REGION,
    baseUrl: e.STEPUP_BASE_URL.replace(/\/$/, ''),
    grantTtlS: e.STEPUP_GRANT_TTL_S,
  };
}
