/**
 * The logical graph backup format, `graphgate-graph-backup/1`: gzip-compressed NDJSON, one line per record, written
 * and read as a stream. A file holds one section per tenant; node keys are ordinals within the file, so
 * relationships point at nodes of the same section and a restore never needs element ids of the source store.
 *
 *   {"t":"header","format":…,"startedAt":…}
 *   {"t":"tenant","tenant":"acme"}
 *   {"t":"n","k":0,"l":["Entity"],"p":{…}}            every node of the tenant
 *   {"t":"r","f":0,"to":1,"y":"KNOWS","p":{…}}          every relationship leaving one of them
 *   {"t":"end","tenant":"acme","nodes":…,"relationships":…,"bookmarkBefore":…,"bookmarkAfter":…}
 *   {"t":"trailer","tenants":1}
 *
 * The manifest beside the file (`<file>.json`) records its sha256; a restore checks it before reading a line.
 */
import type { EncodedValue } from './values.js';

export const graphBackupFormat = 'graphgate-graph-backup/1';

export interface HeaderLine {
  t: 'header';
  format: string;
  startedAt: string;
}
export interface TenantLine {
  t: 'tenant';
  tenant: string;
}
export interface NodeLine {
  t: 'n';
  k: number;
  l: string[];
  p: Record<string, EncodedValue>;
}
export interface RelationshipLine {
  t: 'r';
  f: number;
  to: number;
  y: string;
  p: Record<string, EncodedValue>;
}
export interface TenantEndLine extends TenantSummary {
  t: 'end';
}
export interface TrailerLine {
  t: 'trailer';
  tenants: number;
}
export type BackupLine = HeaderLine | TenantLine | NodeLine | RelationshipLine | TenantEndLine | TrailerLine;

/** What one tenant's section holds and at which point of the store's history it was read. */
export interface TenantSummary {
  tenant: string;
  nodes: number;
  relationships: number;
  /** Bookmark of the store just before the section's read transaction, and just after it committed. */
  bookmarkBefore: string[];
  bookmarkAfter: string[];
  /**
   * True when no transaction committed anywhere in the store while the section was read (the bookmarks agree): the
   * section is exactly the tenant at that bookmark. Otherwise it holds everything committed before `bookmarkBefore`
   * and possibly part of what committed later, which replaying the writes accepted since then completes.
   */
  exact: boolean;
  /** Relationships to a node created after the node scan (only when not exact); replay restores them. */
  danglingRelationships: number;
}

/** The manifest written beside a backup file. */
export interface BackupManifest {
  format: string;
  file: string;
  /** `all` (every tenant of the store) or the tenants asked for. */
  scope: 'all' | string[];
  startedAt: string;
  finishedAt: string;
  /** sha256 of the compressed file, hex. */
  sha256: string;
  compressedBytes: number;
  uncompressedBytes: number;
  tenants: TenantSummary[];
}
