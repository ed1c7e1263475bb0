/**
 * Schema of the graph: constraints and indexes the templates rely on, each safe to run again (`IF NOT EXISTS`).
 *
 * Neo4j 5.26 Community supports composite property uniqueness constraints (`REQUIRE (a, b) IS UNIQUE`, backed by a
 * range index); node keys and existence constraints are Enterprise-only, so `tenant` and `id` presence is enforced by
 * the write templates rather than by the schema.
 */
import { blockingIndex, namesIndex } from './reads.js';
import { type CypherTemplate, ddl } from './template.js';

/** The graph's schema statements, in the order `migrate` runs them. */
export const graphSchemaCypher: readonly CypherTemplate[] = [
  ddl(
    'entity_tenant_id',
    'CREATE CONSTRAINT entity_tenant_id IF NOT EXISTS FOR (e:Entity) REQUIRE (e.tenant, e.id) IS UNIQUE',
  ),
  ddl(
    'merge_record_tenant_id',
    'CREATE CONSTRAINT merge_record_tenant_id IF NOT EXISTS FOR (m:MergeRecord) REQUIRE (m.tenant, m.id) IS UNIQUE',
  ),
  ddl(
    'applied_event_tenant_event',
    'CREATE CONSTRAINT applied_event_tenant_event IF NOT EXISTS FOR (a:AppliedEvent) REQUIRE (a.tenant, a.eventId) IS UNIQUE',
  ),
  ddl('entity_tenant', 'CREATE INDEX entity_tenant IF NOT EXISTS FOR (e:Entity) ON (e.tenant)'),
  ddl('entity_tenant_kind', 'CREATE INDEX entity_tenant_kind IF NOT EXISTS FOR (e:Entity) ON (e.tenant, e.kind)'),
  ddl(
    'merge_record_survivor',
    'CREATE INDEX merge_record_survivor IF NOT EXISTS FOR (m:MergeRecord) ON (m.tenant, m.survivorId)',
  ),
  // The retention sweep pages through a tenant's expired entities.
  ddl(
    'entity_tenant_expires',
    'CREATE INDEX entity_tenant_expires IF NOT EXISTS FOR (e:Entity) ON (e.tenant, e.expiresAt)',
  ),
  // Folding analyzer: `Müller` and `Muller` share a term, as the search tokens (name-tokens.ts) do.
  ddl(
    namesIndex,
    `CREATE FULLTEXT INDEX ${namesIndex} IF NOT EXISTS FOR (e:Entity) ON EACH [e.names]
   OPTIONS {indexConfig: {\`fulltext.analyzer\`: 'standard-folding'}}`,
  ),
  // Range and text indexes cannot answer `$token IN e.nameTokens` (lists are not indexed per element); a full-text
  // index with the keyword analyzer indexes every list element as one exact term, which is what ER blocking needs.
  // v2 added the ER blocking keys (phonetic codes, full dates, postcodes, identifier halves: er/blocking.ts); v3 the
  // tenant, so a blocking query is `+tenant (any key)` and Lucene scores only the tenant's entities, not every
  // tenant's that share a common key. Earlier versions are dropped once v3 exists.
  ddl(
    blockingIndex,
    `CREATE FULLTEXT INDEX ${blockingIndex} IF NOT EXISTS FOR (e:Entity) ON EACH [e.tenant, e.nameTokens, e.identifiers, e.blockKeys]
   OPTIONS {indexConfig: {\`fulltext.analyzer\`: 'keyword'}}`,
  ),
  ddl('drop_entity_blocking', 'DROP INDEX entity_blocking IF EXISTS'),
  ddl('drop_entity_blocking_v2', 'DROP INDEX entity_blocking_v2 IF EXISTS'),
];

/** Waits until every index is online, or fails after `$timeout` seconds. */
export const awaitIndexesCypher: CypherTemplate = ddl('awaitIndexes', 'CALL db.awaitIndexes($timeout)');
