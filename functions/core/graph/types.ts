/**
 * Domain types of the graph and the repository port. Every call takes the caller's tenant; an adapter must put it in
 * every Cypher query as `$tenant` and must never concatenate client text into Cypher.
 */
export const entityKinds = ['PERSON', 'ORGANISATION', 'LOCATION', 'EVENT', 'DOCUMENT', 'ACCOUNT', 'VEHICLE'] as const;
export type EntityKind = (typeof entityKinds)[number];

export const relTypes = [
  'KNOWS',
  'WORKS_FOR',
  'OWNS',
  'LOCATED_IN',
  'PARTICIPATED_IN',
  'TRANSACTED_WITH',
  'RELATED_TO',
] as const;
export type RelType = (typeof relTypes)[number];

export const dataClasses = [
  'ENTITY',
  'CASE_NOTE',
  'CONTACT',
  'PII',
  'IDENTITY_DOCUMENT',
  'FINANCIAL',
  'CONTRACT',
  'TELEMETRY',
  'SESSION',
  'CREDENTIAL',
] as const;
export type DataClass = (typeof dataClasses)[number];

const policyClasses = new Map<string, string>(dataClasses.map((c) => [c, c.toLowerCase().replace(/_/g, '-')]));

/** The policy's name for a data class (policies/data.json): `CASE_NOTE` → `case-note` (looked up: once per entity read). */
export const policyClass = (c: DataClass): string => policyClasses.get(c) ?? c.toLowerCase().replace(/_/g, '-');

/** The policy's name for a licence: `PARTNER_SHAREABLE` → `partner-shareable`. */
export const policyLicence = (l: Licence): string => l.toLowerCase().replace(/_/g, '-');

export const licences = ['PUBLIC', 'PARTNER_SHAREABLE', 'INTERNAL_ONLY', 'NO_EXPORT'] as const;
export type Licence = (typeof licences)[number];

export interface Source {
  system: string;
  recordId: string;
  retrievedAt?: string | null;
  /** The licence this source was obtained under; exports take the most restrictive of the entity's and its sources'. */
  licence?: Licence | null;
}

export interface Entity {
  id: string;
  kind: EntityKind;
  names: string[];
  /** External identifiers as `scheme:value` (e.g. `lei:5493…`); ER blocks on them. Optional for older adapters. */
  identifiers?: string[];
  attributes: Record<string, unknown>;
  dataClass: DataClass;
  licence: Licence;
  sources: Source[];
  /** ISO-8601 UTC. */
  createdAt: string;
  updatedAt: string;
}

export interface Relationship {
  id: string;
  type: RelType;
  from: string;
  to: string;
  properties: Record<string, unknown>;
  confidence: number | null;
  since: string | null;
  createdAt: string;
}

/**
 * An entity as a neighbourhood read returns it: what the API serves of an entity. Its identifiers are left out, since
 * no client can select them and they were a tenth of a large neighbourhood's decoding (issue 18).
 */
export type NeighborEntity = Omit<Entity, 'identifiers'>;

export interface Neighborhood {
  center: NeighborEntity;
  entities: NeighborEntity[];
  relationships: Relationship[];
  hops: number;
}

export interface SearchHit {
  entity: Entity;
  score: number;
}

export interface Path {
  entities: Entity[];
  relationships: Relationship[];
  length: number;
}

export interface MergeResult {
  mergeId: string;
  survivor: Entity;
  mergedId: string;
  movedRelationships: number;
}

export interface UnmergeResult {
  mergeId: string;
  restored: Entity[];
  restoredRelationships: number;
}

export interface EntityInput {
  /** Absent: create with a new id. Present: update that entity (or create it with that id). */
  id?: string | null;
  kind: EntityKind;
  names: string[];
  /** `scheme:value` identifiers; absent or null keeps the stored ones on update. */
  identifiers?: string[] | null;
  attributes?: Record<string, unknown> | null;
  dataClass: DataClass;
  licence: Licence;
  sources?: Source[] | null;
  /** Purposes the data was collected for (policy names, e.g. `fraud-review`); absent or null keeps the stored ones. */
  purposes?: string[] | null;
}

/**
 * Retention rule applied on write: the expiry (epoch ms) of a record with this class, creation time and hold, or null
 * when it never expires by itself (legal hold). functions/core/retention builds one from the retention policy.
 */
export type ExpiryRule = (record: { dataClass: DataClass; createdAtMs: number; legalHold: boolean }) => number | null;

/** The writes the write policy decides (graphgate/write/decision), one name per kind of repository write. */
export type WriteOperation = 'upsert' | 'link' | 'merge' | 'unmerge' | 'reclassify';

/** What a write does to one entity's data class; `current` is null when the write creates the entity. */
export interface ClassChange {
  id: string;
  current: DataClass | null;
  next: DataClass;
}

/**
 * Authorisation of one write inside the tenant, consulted in the write transaction after the entities it touches are
 * read and before anything is written, so the decision is made on the state the write changes.
 */
export interface WriteGuard {
  /** May the caller see an entity of this class? One it may not see is answered exactly as a missing one. */
  visible(dataClass: DataClass): boolean;
  /** Throws to refuse the write; the transaction is then rolled back. */
  authorize(operation: WriteOperation, changes: ClassChange[]): void;
}

/** A change of an existing entity's data class (the only write that may lower it). */
export interface ReclassifyInput {
  id: string;
  dataClass: DataClass;
}

export interface ReclassifyResult {
  entity: Entity;
  from: DataClass;
  to: DataClass;
}

/** Which live entities an export reads: by ids, or every entity of some kinds (ordered by id). */
export type ExportSelection = { ids: string[]; kinds?: undefined } | { kinds: EntityKind[]; ids?: undefined };

/** An entity with what export policy needs beyond the public shape: collection purposes and legal hold. */
export interface ExportEntity extends Entity {
  purposes: string[];
  legalHold: boolean;
}

export interface LinkInput {
  from: string;
  to: string;
  type: RelType;
  properties?: Record<string, unknown> | null;
  confidence?: number | null;
  since?: string | null;
}

export interface NeighborsQuery {
  id: string;
  hops: number;
  relTypes?: RelType[] | null;
  limit: number;
}

export interface SearchQuery {
  text: string;
  kinds?: EntityKind[] | null;
  limit: number;
}

export interface PathQuery {
  from: string;
  to: string;
  maxHops: number;
}

/** Read options: bookmarks from an earlier write give read-your-writes on a cluster. */
export interface ReadOptions {
  bookmarks?: string[];
}

/** A write's value, the entity ids it touched (for cache invalidation) and the bookmark to read it back. */
export interface WriteResult<T> {
  value: T;
  touched: string[];
  bookmarks: string[];
}

/**
 * The graph port. Writes take an optional {@link WriteGuard}: the origin, acting for a caller, always passes one; trusted
 * services inside the platform (entity resolution, replay) write without one.
 */
/** What a merge of two entities is given. */
export interface MergeEntityInput {
  survivorId: string;
  mergedId: string;
  reason?: string | null;
  actor: string;
  /**
   * The id and epoch ms the merge is stamped with (the caller journals them ahead, so a replay writes the same); a
   * fresh id and the current time when absent.
   */
  mergeId?: string;
  at?: number;
}

export interface GraphRepository {
  getEntity(tenant: string, id: string, options?: ReadOptions): Promise<Entity | null>;
  neighbors(tenant: string, query: NeighborsQuery, options?: ReadOptions): Promise<Neighborhood | null>;
  search(tenant: string, query: SearchQuery, options?: ReadOptions): Promise<SearchHit[]>;
  path(tenant: string, query: PathQuery, options?: ReadOptions): Promise<Path | null>;
  /** `at`: the epoch ms the write is stamped with (journaled ahead by the origin, so a replay stamps the same). */
  upsertEntity(tenant: string, input: EntityInput, guard?: WriteGuard, at?: number): Promise<WriteResult<Entity>>;
  /** `pinned`: the relationship's id and time (journaled ahead by the origin: a replay finds the same id). */
  linkEntities(
    tenant: string,
    input: LinkInput,
    guard?: WriteGuard,
    pinned?: { relId?: string; at?: number },
  ): Promise<WriteResult<Relationship>>;
  mergeEntity(tenant: string, input: MergeEntityInput, guard?: WriteGuard): Promise<WriteResult<MergeResult>>;
  unmergeEntity(
    tenant: string,
    input: { mergeId: string; actor: string; at?: number },
    guard?: WriteGuard,
  ): Promise<WriteResult<UnmergeResult>>;
  /** `at`: as for `upsertEntity`. */
  reclassifyEntity(
    tenant: string,
    input: ReclassifyInput,
    guard?: WriteGuard,
    at?: number,
  ): Promise<WriteResult<ReclassifyResult>>;
  /**
   * Live, unexpired entities of the given data classes for an export (others are left out as if absent); more than
   * `limit` matches fail with RESULT_TOO_LARGE (never truncated).
   */
  exportEntities(
    tenant: string,
    query: { selection: ExportSelection; limit: number; dataClasses: readonly DataClass[] },
    options?: ReadOptions,
  ): Promise<ExportEntity[]>;
}
