/**
 * Retention templates: find expired or unstamped entities of a tenant, tombstone them, stamp expiries, place and
 * release legal holds. Every template that touches a tenant's data takes `$tenant`; only the sweep's tenant listing
 * spans tenants (it returns tenant ids, never data). Pagination is by id (`e.id > $after`), so a dry run or a batch
 * whose entities were all skipped still moves forward.
 */
import { read, tenantListing, write } from './template.js';

/** Not held, not yet tombstoned: what the sweep may act on (a constant over our own variable name). */
const sweepable = (v: string) => `${v}.tombstonedAt IS NULL AND coalesce(${v}.legalHold, false) = false`;

/** Tenants that have expired or never-stamped entities (the sweep's work list when no tenant is given). */
export const tenantsToSweepCypher = tenantListing(
  'tenantsToSweep',
  `MATCH (e:Entity)
WHERE ${sweepable('e')} AND (e.expiresAt IS NULL OR e.expiresAt <= $now)
RETURN DISTINCT e.tenant AS tenant
ORDER BY tenant`,
);

/** Past its expiry (a constant over our own variable name). */
const expired = (v: string) => `${v}.expiresAt IS NOT NULL AND ${v}.expiresAt <= $now`;

/** One page of the tenant's sweepable entities whose expiry matches `expiry`, in id order after `$after`. */
const sweepPage = (expiry: string) => `MATCH (e:Entity {tenant: $tenant})
WHERE ${expiry} AND ${sweepable('e')} AND e.id > $after
RETURN e.id AS id, e.dataClass AS dataClass, e.createdAt AS createdAt
ORDER BY e.id
LIMIT $limit`;

/** One page of expired, sweepable entities (merged ones included: their data expires too). */
export const expiredPageCypher = read('expiredPage', sweepPage(expired('e')));

/** One page of entities written without an expiry (by a writer that had no retention rule). */
export const unstampedPageCypher = read('unstampedPage', sweepPage('e.expiresAt IS NULL'));

/**
 * Tombstones entities `{id, tier}`: deletes their in-tenant relationships and content, keeps who/what/when. The
 * conditions are checked again here, so a hold placed after the page was read wins over the sweep.
 */
export const tombstoneCypher = write(
  'tombstone',
  `UNWIND $rows AS row
MATCH (e:Entity {tenant: $tenant, id: row.id})
WHERE ${expired('e')} AND ${sweepable('e')}
CALL (e) {
  OPTIONAL MATCH (e)-[r]-()
  WHERE r.tenant = $tenant
  DELETE r
  RETURN count(r) AS rels
}
REMOVE e.names, e.nameTokens, e.identifiers, e.attributes, e.sources, e.purposes, e.licence, e.blockKeys, e.erRecord
SET e.tombstonedAt = $now, e.retentionTier = row.tier
RETURN e.id AS id, rels`,
);

/** Stamps `expiresAt` on entities `{id, expiresAt}` that still have none and are not held. */
export const stampExpiryCypher = write(
  'stampExpiry',
  `UNWIND $rows AS row
MATCH (e:Entity {tenant: $tenant, id: row.id})
WHERE e.expiresAt IS NULL AND ${sweepable('e')}
SET e.expiresAt = row.expiresAt
RETURN count(e) AS stamped`,
);

/** Re-stamps entities `{id, expiresAt}` whose stored expiry the current policy no longer agrees with. */
export const restampExpiryCypher = write(
  'restampExpiry',
  `UNWIND $rows AS row
MATCH (e:Entity {tenant: $tenant, id: row.id})
WHERE ${sweepable('e')}
SET e.expiresAt = row.expiresAt
RETURN count(e) AS restamped`,
);

/** Held, not tombstoned entities of a tenant (what the sweep skipped). */
export const heldCountCypher = read(
  'heldCount',
  `MATCH (e:Entity {tenant: $tenant})
WHERE e.legalHold = true AND e.tombstonedAt IS NULL
RETURN count(e) AS held`,
);

/** Class and creation time of a live (not tombstoned) entity, for computing its expiry before a hold change. */
export const holdSubjectCypher = read(
  'holdSubject',
  `MATCH (e:Entity {tenant: $tenant, id: $id})
WHERE e.tombstonedAt IS NULL
RETURN e.dataClass AS dataClass, e.createdAt AS createdAt`,
);

/** Places or releases a legal hold and sets the expiry that follows (null while held). */
export const setLegalHoldCypher = write(
  'setLegalHold',
  `MATCH (e:Entity {tenant: $tenant, id: $id})
WHERE e.tombstonedAt IS NULL
SET e.legalHold = $held, e.expiresAt = $expiresAt, e.updatedAt = $now
RETURN e.id AS id`,
);
