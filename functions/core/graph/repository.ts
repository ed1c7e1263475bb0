/**
 * The Neo4j adapter of the `GraphRepository` port. Reads run as READ transactions (so `neo4j://` routes them to
 * replicas) and accept bookmarks for read-your-writes; writes run in WRITE sessions and return the session's
 * bookmarks. Results over a template's row or byte cap fail with RESULT_TOO_LARGE instead of being truncated.
 */
import neo4j, { type Driver, type ManagedTransaction, Neo4jError, type Record as Neo4jRecord } from 'neo4j-driver';
import {
  allRelTypes,
  exportByIdsCypher,
  exportByKindsCypher,
  getEntityCypher,
  maxNeighborhoodRels,
  neighborsCypher,
  pathCypher,
  searchCypher,
} from './cypher/reads.js';
import type { ReadTemplate } from './cypher/template.js';
import { linkEntitiesTx, reclassifyEntityTx, upsertEntityTx } from './entity-writes.js';
import {
  BookmarkNotReachedError,
  ConflictError,
  GraphError,
  GraphUnavailableError,
  InvalidInputError,
  ResultTooLargeError,
} from './errors.js';
import { luceneNameQuery } from './lucene.js';
import { mergeEntitiesTx, unmergeTx } from './merge.js';
import {
  epochMs,
  int,
  type Props,
  type RelRow,
  toEntity,
  toExportEntity,
  toNeighborEntity,
  toNumber,
  toRelationship,
} from './model.js';
import { nameTokens } from './name-tokens.js';
import { payloadBytes } from './payload-size.js';
import {
  type DataClass,
  type Entity,
  type EntityInput,
  type ExpiryRule,
  type ExportEntity,
  type ExportSelection,
  entityKinds,
  type GraphRepository,
  type LinkInput,
  type MergeEntityInput,
  type MergeResult,
  type NeighborEntity,
  type Neighborhood,
  type NeighborsQuery,
  type Path,
  type PathQuery,
  type ReadOptions,
  type ReclassifyInput,
  type ReclassifyResult,
  type Relationship,
  type SearchHit,
  type SearchQuery,
  type UnmergeResult,
  type WriteGuard,
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
  /**
   * Longest wait for a read's bookmarks before BOOKMARK_NOT_REACHED. The server's own wait (30 s by default) ignores the
   * transaction timeout, so the repository bounds it, well under the edge's origin timeout. @default 2000
   */
  bookmarkWaitMs?: number;
  /** Retention rule stamping `expiresAt` on upserts (functions/core/retention `policyExpiry`). */
  expiry?: ExpiryRule;
  /** Epoch ms clock for expiry filtering and write times; tests move it. @default Date.now */
  clock?: () => number;
}

/** Search terms per query: more tokens only add noise and Lucene clauses. */
const maxSearchTokens = 10;

/**
 * The records mapped, or RESULT_TOO_LARGE (before any mapping) when the answer would come to more bytes than the
 * template's cap (estimated from the values read: ./payload-size.ts).
 */
function capPayload<T>(template: ReadTemplate, records: Neo4jRecord[], map: (records: Neo4jRecord[]) => T): T {
  if (payloadBytes(records, template.cost.payloadCapBytes) > template.cost.payloadCapBytes) {
    throw new ResultTooLargeError(template.name, 'bytes', template.cost.payloadCapBytes);
  }
  return map(records);
}

/** Maps driver errors that callers can act on to graph errors; anything else propagates (and is masked upstream). */
function mapDriverError(error: unknown): unknown {
  if (error instanceof GraphError) return error;
  if (error instanceof Neo4jError) {
    if (error.code === 'ServiceUnavailable' || error.code === 'SessionExpired') {
      return new GraphUnavailableError({ cause: error });
    }
    if (error.code === 'Neo.TransientError.Transaction.BookmarkTimeout') {
      return new BookmarkNotReachedError(0, { cause: error });
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
  private readonly bookmarkWaitMs: number;
  private readonly expiry: ExpiryRule | undefined;
  private readonly clock: () => number;

  constructor(
    private readonly driver: Driver,
    options: RepositoryOptions = {},
  ) {
    this.database = options.database;
    this.txTimeoutMs = options.txTimeoutMs ?? 10_000;
    this.bookmarkWaitMs = options.bookmarkWaitMs ?? 2_000;
    this.expiry = options.expiry;
    this.clock = options.clock ?? Date.now;
  }

  /** `$now` of the read templates: entities with `expiresAt <= now` are treated as gone. */
  private now() {
    return epochMs(this.clock());
  }

  /**
   * Runs one read template and maps its records. Without bookmarks the read goes through `executeQuery`, which
   * pipelines BEGIN with the statement (one round trip and one socket write fewer than a session's `executeRead`, which
   * waits for BEGIN's answer first); with bookmarks it runs in a session whose BEGIN is awaited, so the wait for the
   * bookmarks can be bounded (BOOKMARK_NOT_REACHED) before any work is sent.
   */
  private async read<T>(
    template: ReadTemplate,
    params: Record<string, unknown>,
    options: ReadOptions | undefined,
    map: (records: Neo4jRecord[]) => T,
  ): Promise<T> {
    const bookmarks = parseInput(bookmarksSchema, options?.bookmarks, 'bookmarks');
    const transactionConfig = { timeout: this.txTimeoutMs, metadata: { template: template.name } };
    if (!bookmarks?.length) {
      try {
        const { records } = await this.driver.executeQuery(template.cypher, params, {
          routing: neo4j.routing.READ,
          database: this.database,
          // No driver-wide bookmark manager: a read waits for the bookmarks its caller sent, never for others' writes.
          bookmarkManager: null,
          transactionConfig,
        });
        return capPayload(template, records, map);
      } catch (error) {
        throw mapDriverError(error);
      }
    }
    const session = this.driver.session({ defaultAccessMode: neo4j.session.READ, bookmarks, database: this.database });
    // executeRead calls the work only once BEGIN succeeded, that is once the member has reached the bookmarks.
    let begun = false;
    let abandoned = false;
    try {
      const reading = session.executeRead(async (tx) => {
        begun = true;
        return (await tx.run(template.cypher, params)).records;
      }, transactionConfig);
      return capPayload(template, await this.capBookmarkWait(reading, () => begun), map);
    } catch (error) {
      abandoned = error instanceof BookmarkNotReachedError && !begun;
      throw mapDriverError(error);
    } finally {
      // A session still waiting on BEGIN closes only when the server gives up; the request must not wait for that.
      if (abandoned) session.close().catch(() => undefined);
      else await session.close();
    }
  }

  /** Rejects with BOOKMARK_NOT_REACHED when the transaction has not begun within `bookmarkWaitMs`. */
  private capBookmarkWait<T>(reading: Promise<T>, begun: () => boolean): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        if (!begun()) reject(new BookmarkNotReachedError(this.bookmarkWaitMs));
      }, this.bookmarkWaitMs);
    });
    return Promise.race([reading, waited]).finally(() => clearTimeout(timer));
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
    return this.read(getEntityCypher, params, options, ([record]) =>
      record ? toEntity(record.get('entity') as Props) : null,
    );
  }

  async neighbors(tenant: string, query: NeighborsQuery, options?: ReadOptions): Promise<Neighborhood | null> {
    const t = parseTenant(tenant);
    const q = parseInput(neighborsQuerySchema, query, 'neighbors query');
    const template = neighborsCypher[q.hops as 1 | 2 | 3];
    const relTypes = q.relTypes ?? allRelTypes;
    const params = {
      tenant: t,
      id: q.id,
      relTypes,
      limitPlusOne: int(q.limit + 1),
      relLimitPlusOne: int(maxNeighborhoodRels + 1),
      now: this.now(),
    };
    return this.read(template, params, options, ([first, ...rows]) => {
      if (!first) return null;
      if (toNumber(first.get('members')) > q.limit) throw new ResultTooLargeError(template.name, 'rows', q.limit);
      const center = toNeighborEntity(first.get('entity') as Props);
      const entities: NeighborEntity[] = [];
      const relationships: Relationship[] = [];
      for (const row of rows) {
        const entity = row.get('entity') as Props | null;
        if (entity) entities.push(toNeighborEntity(entity));
        else relationships.push(toRelationship(row.get('rel') as RelRow));
      }
      if (relationships.length > maxNeighborhoodRels) {
        throw new ResultTooLargeError(template.name, 'rows', maxNeighborhoodRels);
      }
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
    return this.read(searchCypher, params, options, (records) =>
      records.map((r) => ({ entity: toEntity(r.get('entity') as Props), score: Number(r.get('score')) })),
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
    const params = { tenant: t, from: q.from, to: q.to, relTypes: allRelTypes, now: this.now() };
    return this.read(template, params, options, ([record]) => {
      if (!record) return null;
      const relationships = (record.get('rels') as RelRow[]).map(toRelationship);
      const entities = (record.get('entities') as Props[]).map(toEntity);
      return { entities, relationships, length: relationships.length };
    });
  }

  async upsertEntity(
    tenant: string,
    input: EntityInput,
    guard?: WriteGuard,
    at?: number,
  ): Promise<WriteResult<Entity>> {
    const options = { expiry: this.expiry, now: at ?? this.clock() };
    const { value, bookmarks } = await this.write('upsertEntity', (tx) =>
      upsertEntityTx(tx, tenant, input, options, guard),
    );
    return { value, touched: [value.id], bookmarks };
  }

  async linkEntities(
    tenant: string,
    input: LinkInput,
    guard?: WriteGuard,
    pinned?: { relId?: string; at?: number },
  ): Promise<WriteResult<Relationship>> {
    const { value, bookmarks } = await this.write('linkEntities', (tx) =>
      linkEntitiesTx(tx, tenant, input, guard, pinned),
    );
    return { value, touched: [value.from, value.to], bookmarks };
  }

  async mergeEntity(tenant: string, input: MergeEntityInput, guard?: WriteGuard): Promise<WriteResult<MergeResult>> {
    const { value, bookmarks } = await this.write('mergeEntity', (tx) => mergeEntitiesTx(tx, tenant, input, guard));
    const { touched, ...result } = value;
    return { value: result, touched, bookmarks };
  }

  async unmergeEntity(
    tenant: string,
    input: { mergeId: string; actor: string; at?: number },
    guard?: WriteGuard,
  ): Promise<WriteResult<UnmergeResult>> {
    const { value, bookmarks } = await this.write('unmergeEntity', (tx) => unmergeTx(tx, tenant, input, guard));
    const { touched, ...result } = value;
    return { value: result, touched, bookmarks };
  }

  async reclassifyEntity(
    tenant: string,
    input: ReclassifyInput,
    guard?: WriteGuard,
    at?: number,
  ): Promise<WriteResult<ReclassifyResult>> {
    const options = { expiry: this.expiry, now: at ?? this.clock() };
    const { value, bookmarks } = await this.write('reclassifyEntity', (tx) =>
      reclassifyEntityTx(tx, tenant, input, options, guard),
    );
    return { value, touched: [value.entity.id], bookmarks };
  }

  async exportEntities(
    tenant: string,
    query: { selection: ExportSelection; limit: number; dataClasses: readonly DataClass[] },
    options?: ReadOptions,
  ): Promise<ExportEntity[]> {
    const t = parseTenant(tenant);
    const q = parseInput(exportQuerySchema, query, 'export query');
    const template = q.selection.ids ? exportByIdsCypher : exportByKindsCypher;
    const params = {
      tenant: t,
      ids: q.selection.ids ?? [],
      kinds: q.selection.kinds ?? [],
      dataClasses: q.dataClasses,
      limitPlusOne: int(q.limit + 1),
      now: this.now(),
    };
    return this.read(template, params, options, (rows) => {
      // An export that silently dropped records would misreport what left the platform: narrow the selection instead.
      if (rows.length > q.limit) throw new ResultTooLargeError(template.name, 'rows', q.limit);
      return rows.map((r) => toExportEntity(r.get('entity') as Props));
    });
  }
}
