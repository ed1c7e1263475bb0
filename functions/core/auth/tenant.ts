/**
 * What a tenant id may look like, for every place that takes one (JWT claims, cache keys, signed claims): lowercase
 * alphanumerics and `-`, at most 63 characters, so a tenant can never contain `:` and reach into another key prefix.
 */
export const TENANT_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** True when `value` is a well-formed tenant id. Tenants are never lowercased for you. */
export function isTenant(value: unknown): value is string {
  return typeof value === 'string' && TENANT_PATTERN.test(value);
}
