import manifestJson from '../../../schema/manifest.json' with { type: 'json' };
import { parseDocumentId } from './ids.js';
import type { Manifest, ManifestEntry } from './types.js';

export type { CacheScope, CostHint, Manifest, ManifestEntry, OperationKind } from './types.js';

/** The generated manifest (`npm run manifest`), bundled into the edge and the origin at build time. */
export const manifest: Manifest = manifestJson as Manifest;

/**
 * Looks up a registered operation by any id a client may send: the entry id, an alias (another client's printing,
 * a client tool's sha256 or sha1), bare hex or `sha256:`/`sha1:`-prefixed.
 */
export function findOperation(id: string, m: Manifest = manifest): ManifestEntry | undefined {
  if (Object.hasOwn(m.operations, id)) return m.operations[id];
  const parsed = parseDocumentId(id);
  if (!parsed) return undefined;
  if (Object.hasOwn(m.operations, parsed.hex)) return m.operations[parsed.hex];
  const target = Object.hasOwn(m.aliases, parsed.hex) ? m.aliases[parsed.hex] : undefined;
  return target !== undefined && Object.hasOwn(m.operations, target) ? m.operations[target] : undefined;
}

/**
 * Looks up a registered operation by name (for tools, tests and the load script); the one from schema/operations
 * when client tooling registered another document under the same name.
 */
export function operationByName(name: string, m: Manifest = manifest): ManifestEntry {
  const named = Object.values(m.operations).filter((o) => o.name === name);
  const entry = named.find((o) => o.registeredBy === 'schema/operations') ?? named[0];
  if (!entry) throw new Error(`no persisted operation named ${name}`);
  return entry;
}
