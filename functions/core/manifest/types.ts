/** The persisted-operation manifest: the contract between the edge (reader) and the origin (executor). */
/** `subscription`: a live stream (server-sent events), never cached, passed through by the edge. */
export type OperationKind = 'read' | 'write' | 'subscription';
export type CacheScope = 'PUBLIC' | 'PRIVATE';

export interface CostHint {
  /** Sum of the root fields' weights. */
  weight: number;
  /** Largest hop bound of any root field (0 for point reads and writes). */
  maxHops: number;
  /** Largest row limit of any root field. */
  maxRows: number;
}

export interface ManifestEntry {
  /** sha256 (hex) of `document`; clients may also send any alias of it (see {@link Manifest.aliases}). */
  id: string;
  name: string;
  kind: OperationKind;
  /** True when any root field carries `@sensitive`: the origin may require a step-up grant. */
  sensitive: boolean;
  /**
   * Step-up scopes every call's grant must carry (from `@sensitive(scope:)`); a field sensitive only for some argument
   * values (`whenArgument`) is not listed: the origin decides it per call from the schema.
   */
  stepUpScopes: string[];
  /** Cache TTL in ms: the shortest `@cacheControl(maxAge)` of the fields it touches; 0 for writes and subscriptions. */
  cacheTtlMs: number;
  scope: CacheScope;
  costHint: CostHint;
  /** Root fields (schema coordinates `Query.entity`, …) the operation selects. */
  rootFields: string[];
  /** The normalised document (`__typename` added, definitions sorted, graphql `print`), whose sha256 is `id`. */
  document: string;
  /** Who registered it: `schema/operations`, or the trusted-documents file a client's tooling produced. */
  registeredBy: string;
}

export interface Manifest {
  /** sha256 (first 16 hex) of the SDL: part of every cache key, so a schema change never serves old shapes. */
  schemaVersion: string;
  operations: Record<string, ManifestEntry>;
  /**
   * Other ids of registered documents, each to the entry id it names: the sha256 of the same document in other
   * clients' printings, and the ids client tooling computed (bare lower-case hex, sha256 or sha1).
   */
  aliases: Record<string, string>;
}
