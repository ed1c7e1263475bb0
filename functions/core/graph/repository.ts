/**
 * The Neo4j adapter of the `GraphRepository` port. Reads run in READ sessions (`executeRead`, so `neo4j://` routes them
 * to replicas) and accept bookmarks for read-your-writes; writes run in WRITE sessions and return the session's
 * bookmarks. Results over a template's row or byte cap fail with RESULT_TOO_LARGE instead of being truncated.
 */
import neo4j, { type Driver, type ManagedTransaction, Neo4jError } from 'neo4j-driver';
import {
  allRelTypes,
  exportByIdsCypher,
  exportByKindsCypher,
  getEntityCypher,
  neighborhoodRelsCypher,
  neighborsCypher,
  pathCypher,
  searchCypher,
} from './cypher/reads.js';
import type { ReadTemplate } from './cypher/template.js';
import { linkEntitiesTx, upsertEntityTx } from './entity-writes.js';
import { ConflictError, GraphError, GraphUnavailableError, InvalidInputError, ResultTooLargeError } from './errors.js';
import { luceneNameQuery } from './lucene.js';
import { mergeEntitiesTx, unmergeTx } from './merge.js';
import { epochMs, int, type Props, type RelRow, toEntity, toExportEntity, toRelationship } from './model.js';
import { nameTokens } from './name-tokens.js';
import {
  type Entity,
  type EntityInput,
  type ExpiryRule,
  type ExportEntity,
  type ExportSelection,
  entityKinds,
  type GraphRepository,
  type LinkInput,
  type MergeResult,
  type Neighborhood,
  type NeighborsQuery,
  type Path,
  type PathQuery,
  type ReadOptions,
  type Relationship,
  type SearchHit,
  type SearchQuery,
  type UnmergeResult,
  type WriteResult,
} from './types.js';
import {
  bookmarksSchema,
  exportQuerySchema,
  idSchema,
  neighborsQuerySchema,
  parseInput,
  parseTenant,
  pathQuerySchema,
  searchQuerySchema,
} from './validation.js';

export interface RepositoryOptions {
  /** Database name; omitted: the user's home database (one fewer routing round trip when set). */
  database?: string;
  /** Server-side transaction timeout; a runaway read is killed rather than holding a replica. */
  txTimeoutMs?: number;
  /** Retention rule stamping `expiresAt` on upserts (functions/core/retention `policyExpiry`). */
  expiry?: ExpiryRule;
  /** Epoch ms clock for expiry filtering and write times; tests move it. @default Date.now */
  clock?: () => number;
}

/** Search terms per query: more tokens only add noise and Lucene clauses. */
const maxSearchTokens = 10;

/** Throws RESULT_TOO_LARGE when `value` serialises to more bytes than the template's cap. */
function capPayload<T>(template: ReadTemplate, value: T): T {
  const bytes = Buffer.byteLength(JSON.stringify(value));
  if (bytes > template.cost.payloadCapBytes) {
    throw new ResultTooLargeError(template.name, 'bytes', template.cost.payloadCapBytes);
  }
  return value;
}

/** Maps driver errors that callers can act on to graph errors; anything else propagates (and is masked upstream). */
function mapDriverError(error: unknown): unknown {
  if (error instanceof GraphError) return error;
  if (error instanceof Neo4jError) {
    if (error.code === 'ServiceUnavailable' || error.code === 'SessionExpired') {
      return new GraphUnavailableError({ cause: error });
    }
    if (error.code === 'Neo.ClientError.Schema.ConstraintValidationFailed') {
      return new ConflictError('the write conflicts with an existing record', { cause: error });
    }
  }
  return error;
}

/** GraphRepository over Neo4j. One short-lived session per call, as the driver recommends. */
export class Neo4jGraphRepository implements GraphRepository {
  private readonly database: string | undefined;
  private readonly txTimeoutMs: number;
  private readonly expiry: ExpiryRule | undefined;
  private readonly clock: () => number;

  constructor(
    private readonly driver: Driver,
    options: RepositoryOptions = {},
  ) {
    this.database = options.database;
    this.txTimeoutMs = options.txTimeoutMs ?? 10_000;
    this.expiry = options.expiry;
    this.clock = options.clock ?? Date.now;
  }

  /** `$now` of the read templates: entities with `expiresAt <= now` are treated as gone. */
  private now() {
    return epochMs(this.clock());
  }

  private async read<T>(
    template: ReadTemplate,
    options: ReadOptions | undefined,
    work: (tx: ManagedTransaction) => Promise<T>,
  ): Promise<T> {
    const bookmarks = parseInput(bookmarksSchema, options?.bookmarks, 'bookmarks');
    const session = this.driver.session({ defaultAccessMode: neo4j.session.READ, bookmarks, database: this.database });
    try {
      const value = await session.executeRead(work, {
        timeout: this.txTimeoutMs,
        metadata: { template: template.name },
      });
      return capPayload(template, value);
    } catch (error) {
      throw mapDriverError(error);
    } finally {
      await session.close();
    }
  }

  private async write<T>(name: string, work: (tx: ManagedTransaction) => Promise<T>) {
    const session = this.driver.session({ defaultAccessMode: neo4j.session.WRITE, database: this.database });
    try {
      const value = await session.executeWrite(work, { timeout: this.txTimeoutMs, metadata: { template: name } });
      return { value, bookmarks: session.lastBookmarks() };
    } catch (error) {
      throw mapDriverError(error);
    } finally {
      await session.close();
    }
  }

  async getEntity(tenant: string, id: string, options?: ReadOptions): Promise<Entity | null> {
    const params = { tenant: parseTenant(tenant), id: parseInput(idSchema, id, 'id'), now: this.now() };
    return this.read(getEntityCypher, options, async (tx) => {
      const record = (await tx.run(getEntityCypher.cypher, params)).records[0];
      return record ? toEntity(record.get('entity') as Props) : null;
    });
  }

  async neighbors(tenant: string, query: NeighborsQuery, options?: ReadOptions): Promise<Neighborhood | null> {
    const t = parseTenant(tenant);
    const q = parseInput(neighborsQuerySchema, query, 'neighbors query');
    const template = neighborsCypher[q.hops as 1 | 2 | 3];
    const relTypes = q.relTypes ?? allRelTypes;
    return this.read(template, options, async (tx) => {
      const params = { tenant: t, id: q.id, relTypes, limitPlusOne: int(q.limit + 1), now: this.now() };
      const record = (await tx.run(template.cypher, params)).records[0];
      if (!record) return null;
      const members = record.get('entities') as Props[];
      if (members.length > q.limit) throw new ResultTooLargeError(template.name, 'rows', q.limit);
      const center = toEntity(record.get('center') as Props);
      const entities = members.map(toEntity);
      const maxRels = neighborhoodRelsCypher.cost.maxRows;
      const rels = await tx.run(neighborhoodRelsCypher.cypher, {
        tenant: t,
        ids: [center.id, ...entities.map((e) => e.id)],
        relTypes,
        limitPlusOne: int(maxRels + 1),
        now: params.now,
      });
      if (rels.records.length > maxRels) throw new ResultTooLargeError(neighborhoodRelsCypher.name, 'rows', maxRels);
      const relationships = rels.records.map((r) => toRelationship(r.toObject() as RelRow));
      return { center, entities, relationships, hops: q.hops };
    });
  }

  async search(tenant: string, query: SearchQuery, options?: ReadOptions): Promise<SearchHit[]> {
    const t = parseTenant(tenant);
    const q = parseInput(searchQuerySchema, query, 'search query');
    const tokens = nameTokens([q.text]).slice(0, maxSearchTokens);
    if (tokens.length === 0) throw new InvalidInputError('search text must contain a letter or a digit');
    const params = {
      tenant: t,
      query: luceneNameQuery(tokens),
      kinds: q.kinds ?? entityKinds,
      limit: int(q.limit),
      now: this.now(),
    };
    // A top-k ranking is the answer asked for, not a truncation: `limit` hits are returned without error.
    return this.read(searchCypher, options, async (tx) =>
      (await tx.run(searchCypher.cypher, params)).records.map((r) => ({
        entity: toEntity(r.get('entity') as Props),
        score: Number(r.get('score')),
      })),
    );
  }

  async path(tenant: string, query: PathQuery, options?: ReadOptions): Promise<Path | null> {
    const t = parseTenant(tenant);
    const q = parseInput(pathQuerySchema, query, 'path query');
    if (q.from === q.to) {
      const entity = await this.getEntity(t, q.from, options);
      return entity ? { entities: [entity], relationships: [], length: 0 } : null;
    }
    const template = pathCypher[q.maxHops as 1 | 2 | 3];
    return this.read(template, options, async (tx) => {
      const params = { tenant: t, from: q.from, to: q.to, relTypes: allRelTypes, now: this.now() };
      const record = (await tx.run(template.cypher, params)).records[0];
      if (!record) return null;
      const relationships = (record.get('rels') as RelRow[]).map(toRelationship);
      const entities = (record.get('entities') as Props[]).map(toEntity);
      return { entities, relationships, length: relationships.length };
    });
  }

  async upsertEntity(tenant: string, input: EntityInput): Promise<WriteResult<Entity>> {
    const options = { expiry: this.expiry, now: this.clock() };
    const { value, bookmarks } = await this.write('upsertEntity', (tx) => upsertEntityTx(tx, tenant, input, options));
    return { value, touched: [value.id], bookmarks };
  }

  async linkEntities(tenant: string, input: LinkInput): Promise<WriteResult<Relationship>> {
    const { value, bookmarks } = await this.write('linkEntities', (tx) => linkEntitiesTx(tx, tenant, input));
    return { value, touched: [value.from, value.to], bookmarks };
  }

  async mergeEntity(
    tenant: string,
    input: { survivorId: string; mergedId: string; reason?: string | null; actor: string },
  ): Promise<WriteResult<MergeResult>> {
    const { value, bookmarks } = await this.write('mergeEntity', (tx) => mergeEntitiesTx(tx, tenant, input));
    const { touched, ...result } = value;
    return { value: result, touched, bookmarks };
  }

  async unmergeEntity(tenant: string, input: { mergeId: string; actor: string }): Promise<WriteResult<UnmergeResult>> {
    const { value, bookmarks } = await this.write('unmergeEntity', (tx) => unmergeTx(tx, tenant, input));
    const { touched, ...result } = value;
    return { value: result, touched, bookmarks };
  }

  async exportEntities(
    tenant: string,
    query: { selection: ExportSelection; limit: number },
    options?: ReadOptions,
  ): Promise<ExportEntity[]> {
    const t = parseTenant(tenant);
    const q = parseInput(exportQuerySchema, query, 'export query');
    const template = q.selection.ids ? exportByIdsCypher : exportByKindsCypher;
    const params = {
      tenant: t,
      ids: q.selection.ids ?? [],
      kinds: q.selection.kinds ?? [],
      limitPlusOne: int(q.limit + 1),
      now: this.now(),
    };
    return this.read(template, options, async (tx) => {
      const rows = (await tx.run(template.cypher, params)).records;
      // An export that silently dropped records would misreport what left the platform: narrow the selection instead.
      if (rows.length > q.limit) throw new ResultTooLargeError(template.name, 'rows', q.limit);
      return rows.map((r) => toExportEntity(r.get('entity') as Props));
    });
  }
}
