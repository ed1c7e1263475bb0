/**
 * Environment variables several functions read, each defined once: the stage, the Neo4j connection, the AWS region and
 * the twin's local endpoints. A function spreads the shapes it needs into its own schema, so the variable names stay
 * visible there and match what CDK and the twin set.
 */
import { z } from 'zod';

/** Deployment stages; `local` is the twin. */
export const stageSchema = z.enum(['local', 'dev', 'staging', 'prod']);
export type Stage = z.infer<typeof stageSchema>;

/** Neo4j Bolt URI and optional credentials (the twin's Neo4j runs with auth off). */
export const neo4jEnvShape = {
  NEO4J_URI: z.string().regex(/^(bolt|neo4j)(\+s|\+ssc)?:\/\//, 'must be a bolt:// or neo4j:// URI'),
  NEO4J_USER: z.string().optional(),
  NEO4J_PASSWORD: z.string().optional(),
};

/** Where a function's Neo4j driver connects. */
export interface Neo4jSettings {
  uri: string;
  user?: string;
  password?: string;
}

/** The Neo4j settings from an environment parsed with {@link neo4jEnvShape}. */
export function neo4jFromEnv(e: { NEO4J_URI: string; NEO4J_USER?: string; NEO4J_PASSWORD?: string }): Neo4jSettings {
  return { uri: e.NEO4J_URI, user: e.NEO4J_USER, password: e.NEO4J_PASSWORD };
}

/**
 * `LEDGER_BLOCK_WRITES`: `off` writes a batch of audit-ledger entries as one item each instead of block items, for the
 * first deploy of an upgrade from a release whose ledger readers do not know blocks, until no such function can run
 * (runbooks/deploy.md). Every function that appends batches reads it.
 */
export const ledgerBlockWritesEnvShape = { LEDGER_BLOCK_WRITES: z.enum(['on', 'off']).default('on') };

/** The function's AWS region (the Lambda runtime sets it; the twin passes its own). */
export const awsRegion = z.string().default('us-east-1');

/** An AWS service endpoint (`DYNAMODB_ENDPOINT`, `SQS_ENDPOINT`): only for the twin; in AWS the SDK finds it. */
export const localEndpoint = z.url().optional();
