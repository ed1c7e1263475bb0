/**
 * Configuration of the retention sweep (Lambda and `npm run retention:sweep`): read once at start, typed, loud.
 */
import { z } from 'zod';
import { ConfigError, parseEnv } from '../core/config/env.js';

const envSchema = z.object({
  GRAPHGATE_STAGE: z.enum(['local', 'dev', 'staging', 'prod']),
  NEO4J_URI: z.string().regex(/^(bolt|neo4j)(\+s|\+ssc)?:\/\//, 'must be a bolt:// or neo4j:// URI'),
  NEO4J_USER: z.string().optional(),
  NEO4J_PASSWORD: z.string().optional(),
  AUDIT_TABLE: z.string().min(3),
  /** Only for the local twin (dynalite); in AWS the SDK finds DynamoDB itself. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().default('us-east-1'),
  POLICY_BUNDLE_DIR: z.string().optional(),
  /** Entities per page and per write transaction. */
  RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(200),
});

export interface SweepConfig {
  stage: z.infer<typeof envSchema>['GRAPHGATE_STAGE'];
  neo4j: { uri: string; user?: string; password?: string };
  auditTable: string;
  dynamoEndpoint?: string;
  region: string;
  policyBundleDir?: string;
  batchSize: number;
}

export { ConfigError };

/** Reads and validates the sweep's environment; throws a ConfigError naming every bad variable. */
export function loadSweepConfig(env: NodeJS.ProcessEnv = process.env): SweepConfig {
  const e = parseEnv(envSchema, env, 'retention sweep');
  return {
    stage: e.GRAPHGATE_STAGE,
    neo4j: { uri: e.NEO4J_URI, user: e.NEO4J_USER, password: e.NEO4J_PASSWORD },
    auditTable: e.AUDIT_TABLE,
    dynamoEndpoint: e.DYNAMODB_ENDPOINT,
    region: e.AWS_REGION,
    policyBundleDir: e.POLICY_BUNDLE_DIR,
    batchSize: e.RETENTION_BATCH_SIZE,
  };
}
