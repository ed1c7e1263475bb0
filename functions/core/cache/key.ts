/**
 * The one cache-key function shared by the origin (writer, invalidator) and the edge (reader).
 *
 * Key shape: `gg:v1:<tenant>:<sha256 hex>`. Only the tenant is readable: it makes per-tenant tag sets and operations
 * (and a human looking at Redis) possible; everything else is hashed so no client value ever shapes the key text.
 *
 * Variables: callers pass the variables **as the client sent them, defaults NOT applied**. The edge has no schema or
 * parser on its hot path, and envelop hands `buildResponseCacheKey` the raw (uncoerced) `variableValues`, so raw is the
 * only form both sides see. Cost: `{id}` and `{id, hops: 1}` (hops defaults to 1) are two entries; never a wrong answer.
 *
 * Runtimes: `cacheKey` uses `node:crypto` (Node, Lambda@Edge, Workers with `nodejs_compat`). On a runtime without it,
 * use `cacheKeyAsync` (WebCrypto); both give the same key (tested).
 */
import { createHash } from 'node:crypto';
import { isTenant, TENANT_PATTERN } from '../auth/tenant.js';
import { CanonicalJsonError, canonicalJson } from '../json/canonical.js';
import type { CacheScope } from '../manifest/types.js';
import { CacheKeyError } from './errors.js';

/** Version of the key derivation and entry format; bump it to orphan every old entry at once. */
export const KEY_VERSION = 'v1';
const PREFIX = `gg:${KEY_VERSION}:`;

/** Inputs of the cache key. */
export interface CacheKeyInput {
  tenant: string;
  /** Manifest id of the persisted operation. */
  operationId: string;
  /** Variables as sent by the client (defaults not applied); `undefined` members are dropped. */
  variables?: Record<string, unknown> | null | undefined;
  /** Policy scope fingerprint: callers who may see different data never share an entry. */
  scopeFingerprint: string;
  /** `manifest.schemaVersion`: a schema change never serves an old shape. */
  schemaVersion: string;
  /** Manifest scope of the operation. */
  scope: CacheScope;
  /** Required for PRIVATE, ignored for PUBLIC (so edge and origin agree whether or not they pass it). */
  subject?: string | undefined;
}

/** Throws {@link CacheKeyError} unless `tenant` matches {@link TENANT_PATTERN}. Tenants are never lowercased for you. */
export function assertTenant(tenant: unknown): asserts tenant is string {
  if (!isTenant(tenant)) {
    throw new CacheKeyError(`tenant must match ${TENANT_PATTERN.source}`, { tenant: String(tenant).slice(0, 80) });
  }
}

/** `gg:v1:<tenant>:` — every entry and tag-set key of the tenant starts with it. */
export function tenantPrefix(tenant: string): string {
  assertTenant(tenant);
  return `${PREFIX}${tenant}:`;
}

/** Key of the tenant's tag set for an entity tag (`Entity:<id>`) or a type tag (`Entity`). */
export function tagSetKey(tenant: string, tag: string): string {
  return `${tenantPrefix(tenant)}tag:${tag}`;
}

/** Validates the input and returns the tenant prefix and the canonical text that gets hashed. */
function keyMaterial(input: CacheKeyInput): { prefix: string; material: string } {
  const prefix = tenantPrefix(input.tenant);
  for (const field of ['operationId', 'scopeFingerprint', 'schemaVersion'] as const) {
    if (typeof input[field] !== 'string' || input[field].length === 0) {
      throw new CacheKeyError(`${field} must be a non-empty string`, { tenant: input.tenant });
    }
  }
  if (input.scope !== 'PUBLIC' && input.scope !== 'PRIVATE') {
    throw new CacheKeyError('scope must be PUBLIC or PRIVATE', { tenant: input.tenant });
  }
  if (input.scope === 'PRIVATE' && (typeof input.subject !== 'string' || input.subject.length === 0)) {
    throw new CacheKeyError('a PRIVATE operation needs a subject in its cache key', { tenant: input.tenant });
  }
  // The tenant is hashed too, so the hash alone already separates tenants (defence in depth behind the prefix).
  const fields = {
    v: KEY_VERSION,
    tenant: input.tenant,
    op: input.operationId,
    vars: input.variables ?? {},
    scopeFp: input.scopeFingerprint,
    schema: input.schemaVersion,
    scope: input.scope,
    subject: input.scope === 'PRIVATE' ? input.subject : undefined,
  };
  try {
    return { prefix, material: canonicalJson(fields) };
  } catch (error) {
    if (!(error instanceof CanonicalJsonError)) throw error;
    throw new CacheKeyError('variables have no canonical JSON form', { tenant: input.tenant, reason: error.message });
  }
}

/**
 * Derives the cache key (sync, `node:crypto`).
 * @example cacheKey({ tenant: 'acme', operationId: entry.id, variables: { id: 'e1' }, scopeFingerprint: fp,
 *   schemaVersion: manifest.schemaVersion, scope: entry.scope }) // 'gg:v1:acme:9c1f…'
 */
export function cacheKey(input: CacheKeyInput): string {
  const { prefix, material } = keyMaterial(input);
  return prefix + createHash('sha256').update(material, 'utf8').digest('hex');
}

/** Same key as {@link cacheKey}, computed with WebCrypto for runtimes without `node:crypto`. */
export async function cacheKeyAsync(input: CacheKeyInput): Promise<string> {
  const { prefix, material } = keyMaterial(input);
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(material));
  return prefix + [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** True when `key` belongs to `tenant` (used by the tenant-bound caches to refuse foreign keys). */
export function keyBelongsTo(key: string, tenant: string): boolean {
  return key.startsWith(tenantPrefix(tenant));
}
