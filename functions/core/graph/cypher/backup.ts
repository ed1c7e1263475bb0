/**
 * Templates of the logical graph backup and its restore (functions/core/backup). A backup reads one tenant at a time
 * (every node carries `tenant`, so the whole store is the union of its tenants); a restore writes nodes first, keyed by
 * their element id in the source under a transient `BackupRestoring` label, then relationships between those keys.
 * Labels and relationship types are written with Neo4j 5.26 dynamic labels (`$(…)`), so the backup holds no list of them.
 */
import { ddl, read, tenantListing, write } from './template.js';

/** Every tenant that holds a node: the work list of a whole-store backup. */
export const backupTenantsCypher = tenantListing(
  'backupTenants',
  `MATCH (n)
WHERE n.tenant IS NOT NULL
RETURN DISTINCT n.tenant AS tenant
ORDER BY tenant`,
);

/** Every node of a tenant, whatever its labels, with its element id as the backup's key. */
export const backupNodesCypher = read(
  'backupNodes',
  `MATCH (n)
WHERE n.tenant = $tenant
RETURN elementId(n) AS key, labels(n) AS labels, properties(n) AS props`,
);

/**
 * Every relationship leaving a node of a tenant; `sameTenant` is false for an edge into another tenant, which the
 * backup refuses (tenancy forbids it, and restoring it would need the other tenant's node).
 */
export const backupRelationshipsCypher = read(
  'backupRelationships',
  `MATCH (a)-[r]->(b)
WHERE a.tenant = $tenant
RETURN elementId(a) AS from, elementId(b) AS to, type(r) AS type, properties(r) AS props, b.tenant = $tenant AS sameTenant`,
);

/** How many nodes a tenant holds: a restore refuses a tenant that is not empty. */
export const tenantNodeCountCypher = read(
  'tenantNodeCount',
  `MATCH (n)
WHERE n.tenant = $tenant
RETURN count(n) AS nodes`,
);

/** Looks up restored nodes by their source key while relationships are restored. */
export const restoreKeyIndexCypher = ddl(
  'backup_restoring_key',
  'CREATE INDEX backup_restoring_key IF NOT EXISTS FOR (n:BackupRestoring) ON (n.tenant, n.restoreKey)',
);

/** Creates nodes from rows `{key, labels, props}`; `tenant` is set from `$tenant`, whatever the row holds. */
export const restoreNodesCypher = write(
  'restoreNodes',
  `UNWIND $rows AS row
CREATE (n:$(row.labels))
SET n = row.props, n.tenant = $tenant, n.restoreKey = row.key
SET n:BackupRestoring`,
);

/** Creates relationships from rows `{from, to, type, props}` between nodes restored in this run. */
export const restoreRelationshipsCypher = write(
  'restoreRelationships',
  `UNWIND $rows AS row
MATCH (a:BackupRestoring {tenant: $tenant, restoreKey: row.from})
MATCH (b:BackupRestoring {tenant: $tenant, restoreKey: row.to})
CREATE (a)-[r:$(row.type)]->(b)
SET r = row.props
RETURN count(r) AS created`,
);

/** Drops the transient restore label and key from up to `$batch` nodes; returns how many it finished. */
export const finishRestoreCypher = write(
  'finishRestore',
  `MATCH (n:BackupRestoring {tenant: $tenant})
WITH n LIMIT $batch
REMOVE n:BackupRestoring, n.restoreKey
RETURN count(n) AS finished`,
);
