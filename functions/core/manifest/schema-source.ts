import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, type GraphQLSchema } from 'graphql';

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
