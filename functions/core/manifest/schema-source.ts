import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, type GraphQLSchema } from 'graphql';
import { buildManifest } from './build.js';
import { apolloManifest, readTrustedDocuments, type TrustedDocument } from './trusted-documents.js';
import type { Manifest } from './types.js';

/** Folder holding schema.graphql, operations/ and the generated manifest.json. */
export const schemaDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'schema');

/** The text of every `*.graphql` file in `dir`, sorted by file name. */
function graphqlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'));
}

/** The SDL text (all `schema/*.graphql` files, sorted, joined). */
export function readSdl(dir = schemaDir): string {
  return graphqlFiles(dir).join('\n');
}

/** The persisted documents in `schema/operations/*.graphql`, sorted by file name. */
export function readOperationDocuments(dir = schemaDir): string[] {
  return graphqlFiles(join(dir, 'operations'));
}

/** Shared fragments in `schema/fragments/*.graphql`, which persisted documents may spread. */
export function readFragmentSources(dir = schemaDir): string[] {
  return graphqlFiles(join(dir, 'fragments'));
}

export function loadSchema(dir = schemaDir): GraphQLSchema {
  return buildSchema(readSdl(dir));
}

/** Folder where app teams commit the trusted-document files their client tooling produced. */
export const trustedDocumentsDir = (dir = schemaDir) => join(dir, 'trusted-documents');

/** Every trusted document in `schema/trusted-documents/*.json` (Apollo manifests, Codegen persisted documents). */
export function readTrustedDocumentFiles(dir = schemaDir): TrustedDocument[] {
  const folder = trustedDocumentsDir(dir);
  let files: string[];
  try {
    files = readdirSync(folder)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch {
    return [];
  }
  return files.flatMap((f) => {
    const origin = `schema/trusted-documents/${f}`;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(join(folder, f), 'utf8'));
    } catch (err) {
      throw new Error(`${origin} is not valid JSON: ${(err as Error).message}`);
    }
    return readTrustedDocuments(json, origin);
  });
}

/** The registry from everything under schema/: SDL, operations, shared fragments, trusted documents. */
export function buildRepositoryManifest(dir = schemaDir): Manifest {
  return buildManifest(
    loadSchema(dir),
    readSdl(dir),
    readOperationDocuments(dir),
    readFragmentSources(dir),
    readTrustedDocumentFiles(dir),
  );
}

/** The registry in Apollo's persisted-query manifest format (every id a query or mutation answers to by name). */
export function apolloManifestOf(m: Manifest) {
  return apolloManifest(
    Object.values(m.operations).map((o) => ({
      id: o.id,
      name: o.name,
      type:
        o.kind === 'write'
          ? ('mutation' as const)
          : o.kind === 'subscription'
            ? ('subscription' as const)
            : ('query' as const),
      body: o.document,
    })),
  );
}

/** The generated files under schema/ and their text, in the form `npm run manifest` writes them. */
export function renderManifestFiles(dir = schemaDir): { path: string; text: string }[] {
  const m = buildRepositoryManifest(dir);
  return [
    { path: join(dir, 'manifest.json'), text: `${JSON.stringify(m, null, 2)}\n` },
    { path: join(dir, 'persisted-query-manifest.json'), text: `${JSON.stringify(apolloManifestOf(m), null, 2)}\n` },
  ];
}
