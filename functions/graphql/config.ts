import { z } from 'zod';
import { ConfigError, parseEnv } from '../core/config/env.js';
import {
  ledgerBlockWritesEnvShape,
  type Neo4jSettings,
  neo4jEnvShape,
  neo4jFromEnv,
  type Stage,
  stageSchema,
} from '../core/config/shared-env.js';
import { defaultMaxSkewS, type SigningKey } from '../core/signing/internal-request.js';
import { loadNlqModelConfig, type NlqModelConfig } from './nlq-config.js';
import { loadStepUpEnforcement, type StepUpEnforcementConfig } from './step-up/config.js';

/**
 * Origin configuration, read once at start, typed, loud: a missing or malformed variable fails the cold start with
 * its name instead of failing requests later.
 */
const envSchema = z.object({
  GRAPHGATE_STAGE: stageSchema,
  ...neo4jEnvShape,
  UPSTASH_URL: z.url(),
  UPSTASH_TOKEN: z.string().min(1),
  /** `kid:secret[,kid:secret]` — first is current; others are accepted during rotation. */
  SIGNING_KEYS: z.string().min(1),
  /** Allows arbitrary documents besides persisted ones. Only in the `local` stage. */
  ALLOW_ARBITRARY_DOCUMENTS: z.enum(['true', 'false']).default('false'),
  POLICY_BUNDLE_DIR: z.string().optional(),
  /** Accepted edge↔origin clock difference; it is also the replay window the nonce seen-set covers. */
  SIGNATURE_MAX_SKEW_S: z.coerce.number().int().min(1).max(120).default(defaultMaxSkewS),
  /** Table of the write journal (core/journal); set by CDK and the twin. Unset: mutations are not journaled. */
  JOURNAL_TABLE: z.string().min(3).optional(),
  /** An export's decision entries, as the ER consumer's batches. */
  ...ledgerBlockWritesEnvShape,
});

export interface OriginConfig {
  stage: Stage;
  neo4j: Neo4jSettings;
  upstash: { url: string; token: string };
  signingKeys: SigningKey[];
  allowArbitraryDocuments: boolean;
  policyBundleDir?: string;
  maxSkewS: number;
  /** Step-up enforcement on @sensitive operations (feature flag per stage/tenant, stores). */
  stepUp: StepUpEnforcementConfig;
  /** The write journal's table (same DynamoDB endpoint and region as step-up's tables). */
  journalTable?: string;
  /** Whether the audit ledger stores a batch of entries as block items (LEDGER_BLOCK_WRITES). */
  ledgerBlockWrites: boolean;
  /** The NLQ model tier (off unless configured: the offline grammar answers alone). */
  nlqModel: NlqModelConfig;
}

/** Parses `kid:secret,kid2:secret2`. */
export function parseSigningKeys(text: string): SigningKey[] {
  return text.split(',').map((pair) => {
    const i = pair.indexOf(':');
    if (i < 1 || i === pair.length - 1) throw new Error('SIGNING_KEYS must look like kid:secret[,kid:secret]');
    return { kid: pair.slice(0, i).trim(), secret: pair.slice(i + 1).trim() };
  });
}

export { ConfigError };

/** Reads and validates the origin's environment. Throws a ConfigError naming every bad variable. */
export function loadOriginConfig(env: NodeJS.ProcessEnv = process.env): OriginConfig {
  const e = parseEnv(envSchema, env, 'origin');
  const allow = e.ALLOW_ARBITRARY_DOCUMENTS === 'true';
  if (allow && e.GRAPHGATE_STAGE !== 'local') {
    throw new ConfigError(`ALLOW_ARBITRARY_DOCUMENTS is only allowed in the local stage, not ${e.GRAPHGATE_STAGE}`);
  }
  return {
    stage: e.GRAPHGATE_STAGE,
    neo4j: neo4jFromEnv(e),
    upstash: { url: e.UPSTASH_URL, token: e.UPSTASH_TOKEN },
    signingKeys: parseSigningKeys(e.SIGNING_KEYS),
    allowArbitraryDocuments: allow,
    policyBundleDir: e.POLICY_BUNDLE_DIR,
    maxSkewS: e.SIGNATURE_MAX_SKEW_S,
    stepUp: loadStepUpEnforcement(env, e.GRAPHGATE_STAGE),
    journalTable: e.JOURNAL_TABLE,
    ledgerBlockWrites: e.LEDGER_BLOCK_WRITES === 'on',
    nlqModel: loadNlqModelConfig(env),
  };
}
