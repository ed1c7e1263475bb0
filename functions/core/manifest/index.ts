import manifestJson from '../../../schema/manifest.json' with { type: 'json' };
import type { Manifest, ManifestEntry } from './types.js';

export type { CacheScope, CostHint, Manifest, ManifestEntry, OperationKind } from './types.js';

/** The generated manifest (`npm run manifest`), bundled into the edge and the origin at build time. */
export const manifest: Manifest = manifestJson as Manifest;

/** Looks up a persisted operation by its sha256 id. */
export function findOperation(id: string, m: Manifest = manifest): ManifestEntry | undefined {
  return Object.hasOwn(m.operations, id) ? m.operations[id] : undefined;
}

/** Looks up a persisted operation by name (for tools, tests and the load script). */
export function operationByName(name: string, m: Manifest = manifest): ManifestEntry {
  const entry = Object.values(m.operations).find((o) => o.name === name);
  if (!entry) throw new Error(`no persisted operation named ${name}`);
  return entry;
}
