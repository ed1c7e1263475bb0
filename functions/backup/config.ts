/** Configuration of the scheduled graph backup: read once at start, typed, loud. */
import { tmpdir } from 'node:os';
import { z } from 'zod';
import { parseEnv } from '../core/config/env.js';
import {
  awsRegion,
  type Neo4jSettings,
  neo4jEnvShape,
  neo4jFromEnv,
  type Stage,
  stageSchema,
} from '../core/config/shared-env.js';

const envSchema = z.object({
  GRAPHGATE_STAGE: stageSchema,
  ...neo4jEnvShape,
  /** The backup bucket (the stack sets it and grants put on it). */
  BACKUP_BUCKET: z.string().min(3),
  AWS_REGION: awsRegion,
  /** Where the file is written before upload. @default the OS temp dir (Lambda: /tmp) */
  BACKUP_WORK_DIR: z.string().optional(),
});

export interface BackupConfig {
  stage: Stage;
  neo4j: Neo4jSettings;
  bucket: string;
  region: string;
  workDir: string;
}

/** Reads and validates the backup function's environment; throws a ConfigError naming every bad variable. */
export function loadBackupConfig(env: NodeJS.ProcessEnv = process.env): BackupConfig {
  const e = parseEnv(envSchema, env, 'graph backup');
  return {
    stage: e.GRAPHGATE_STAGE,
    neo4j: neo4jFromEnv(e),
    bucket: e.BACKUP_BUCKET,
    region: e.AWS_REGION,
    workDir: e.BACKUP_WORK_DIR ?? tmpdir(),
  };
}
