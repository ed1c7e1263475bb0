/**
 * The NLQ plan cache port: plans (Cypher with parameter slots, never slot values) by tenant, schema version and intent
 * signature. Bounded per tenant and schema version: a size cap with least-recently-used eviction, and a TTL. A new
 * schema version is a different key space, so plans made for the old schema are never served again.
 */
import { createHash } from 'node:crypto';
import type { Plan } from './plan.js';

export interface PlanCacheOptions {
  /** Plans kept per tenant and schema version before the least recently used is evicted. */
  maxEntries: number;
  ttlMs: number;
}

export const defaultPlanCacheOptions: PlanCacheOptions = { maxEntries: 256, ttlMs: 24 * 3600_000 };

/** Where plans live (Upstash in every deployment; memory for unit tests of logic). */
export interface PlanCache {
  get(tenant: string, schemaVersion: string, signature: string): Promise<Plan | undefined>;
  put(tenant: string, schemaVersion: string, plan: Plan): Promise<void>;
}

/** Key space of one tenant and schema version; the tenant is always in the key. */
export const planSpace = (tenant: string, schemaVersion: string) => `gg:nlq:v1:${tenant}:${schemaVersion}`;

/** The key of one plan: a hash of the signature, so any signature text is a safe key. */
export const planKey = (tenant: string, schemaVersion: string, signature: string) =>
  `${planSpace(tenant, schemaVersion)}:plan:${createHash('sha256').update(signature).digest('hex').slice(0, 32)}`;

const planFields = ['signature', 'tier', 'cypher', 'slotNames', 'shape', 'maxHops'] as const;

/** A stored plan, or undefined when the value is not a plan (never trust what a store returns). */
export function parsePlan(raw: unknown): Plan | undefined {
  const value = typeof raw === 'string' ? safeJson(raw) : raw;
  if (typeof value !== 'object' || value === null) return undefined;
  const p = value as Record<string, unknown>;
  if (!planFields.every((f) => f in p)) return undefined;
  if (typeof p.cypher !== 'string' || !Array.isArray(p.slotNames)) return undefined;
  return p as unknown as Plan;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
