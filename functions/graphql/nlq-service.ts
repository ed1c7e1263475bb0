/**
 * Wires the NLQ service for the origin: plans run on the origin's Neo4j driver in READ sessions, plans are cached in
 * Upstash under the tenant and the manifest's schema version, decisions go to the export ledger, metrics to EMF.
 */
import type { Redis } from '@upstash/redis';
import type { Driver } from 'neo4j-driver';
import type { AuditLedger } from '../core/audit/types.js';
import { manifest } from '../core/manifest/index.js';
import { neo4jPlanExecutor } from '../core/nlq/executor.js';
import type { ModelTier } from '../core/nlq/model/tier.js';
import { createNlqService } from '../core/nlq/service.js';
import type { NlqMetrics } from '../core/nlq/telemetry.js';
import { upstashPlanCache } from '../core/nlq/upstash-plan-cache.js';
import type { PolicyEngine } from '../core/policy/index.js';
import { emfOriginSignals } from './signals.js';

export interface OriginNlqDeps {
  driver: Driver;
  redis: Redis;
  policy: PolicyEngine;
  ledger: AuditLedger | undefined;
  stage: string;
  model?: ModelTier;
  metrics?: NlqMetrics;
}

export function originNlqService(deps: OriginNlqDeps) {
  return createNlqService({
    executor: neo4jPlanExecutor(deps.driver),
    cache: upstashPlanCache(deps.redis),
    schemaVersion: manifest.schemaVersion,
    engine: deps.policy,
    ledger: deps.ledger,
    metrics: deps.metrics ?? emfOriginSignals(deps.stage),
    ...(deps.model ? { model: deps.model } : {}),
  });
}
