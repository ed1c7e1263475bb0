/**
 * Caller scope: the data classes and purposes a caller may see, and its fingerprint for the cache key.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { canonicalJson } from '../json/canonical.js';
import type { PolicyEngine } from './engine.js';

/** The caller attributes the scope policy reads (from the JWT). */
export interface CallerAttributes {
  roles?: string[];
  clearances?: string[];
  kind?: 'human' | 'service';
  service?: string;
  [key: string]: unknown;
}

/** What a caller may see. */
export interface Scope {
  classes: string[];
  purposes: string[];
}

/** Hex characters kept from the sha256; 64 bits is plenty to separate scopes within one tenant key. */
const FINGERPRINT_HEX = 16;

/**
 * Fingerprint of a scope: sha256 over canonical JSON of sorted classes and purposes, shortened.
 * Sorting here too means the fingerprint does not depend on the policy's output order.
 */
export function fingerprintScope(scope: Scope): string {
  const canonical = canonicalJson({ classes: [...scope.classes].sort(), purposes: [...scope.purposes].sort() });
  return createHash('sha256').update(canonical).digest('hex').slice(0, FINGERPRINT_HEX);
}

/** Evaluates the scope policy for `attributes` and returns the scope with its fingerprint. */
export function resolveScope(engine: PolicyEngine, attributes: CallerAttributes): Scope & { fingerprint: string } {
  const decision = engine.evaluate('graphgate/scope/decision', { caller: attributes });
  const scope = { classes: decision.classes, purposes: decision.purposes };
  return { ...scope, fingerprint: fingerprintScope(scope) };
}

/**
 * The stable short hex fingerprint of what `attributes` may see; the cache key includes it.
 * Two callers with different attributes but the same scope share a fingerprint (and cache entries).
 * @example const fp = scopeFingerprint(engine, { roles: ['analyst'] }); // e.g. '3f1c0a9e4b7d2a61'
 */
export function scopeFingerprint(engine: PolicyEngine, attributes: CallerAttributes): string {
  return resolveScope(engine, attributes).fingerprint;
}

/**
 * {@link resolveScope} memoised per attribute set: the scope depends only on the caller's attributes and the loaded
 * policy bundle (fixed for the engine's life), so a hot path evaluates the policy once per distinct set of roles,
 * clearances, purposes and kind instead of on every request. Bounded LRU; the key is the exact attribute JSON, so two
 * sets that differ in any way never share an entry.
 */
export function createScopeResolver(
  engine: PolicyEngine,
  maxEntries = 1_000,
): (attributes: CallerAttributes) => Scope & { fingerprint: string } {
  const memo = new LRUCache<string, Scope & { fingerprint: string }>({ max: maxEntries });
  return (attributes) => {
    const key = JSON.stringify(attributes);
    const hit = memo.get(key);
    if (hit) return hit;
    const scope = Object.freeze(resolveScope(engine, attributes));
    memo.set(key, scope);
    return scope;
  };
}
