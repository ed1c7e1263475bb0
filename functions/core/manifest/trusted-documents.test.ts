import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildManifest } from './build.js';
import { findOperation } from './index.js';
import { loadSchema, readFragmentSources, readOperationDocuments, readSdl } from './schema-source.js';
import { readTrustedDocuments } from './trusted-documents.js';

const hash = (algorithm: 'sha1' | 'sha256', text: string) => createHash(algorithm).update(text).digest('hex');

const build = (trusted: ReturnType<typeof readTrustedDocuments>) =>
  buildManifest(loadSchema(), readSdl(), readOperationDocuments(), readFragmentSources(), trusted);

/** Codegen's client preset prints documents minified, fields sorted, without __typename. */
const codegenStyle =
  'query AppEntity($id:ID!){entity(id:$id){...EntityFields}} fragment EntityFields on Entity{attributes createdAt dataClass id kind licence names sources{recordId retrievedAt system}updatedAt}';
const appOwn = 'query AppNames($text: String!) { search(text: $text) { entity { id names } } }';

describe('trusted documents from client tooling', () => {
  it('registers a Codegen persisted-documents map: sha1 and sha256 ids, each verified against its document', () => {
    const docs = readTrustedDocuments(
      { [hash('sha1', codegenStyle)]: codegenStyle, [`sha256:${hash('sha256', appOwn)}`]: appOwn },
      'app/persisted-documents.json',
    );
    const m = build(docs);
    const codegen = findOperation(hash('sha1', codegenStyle), m)!;
    const own = findOperation(`sha256:${hash('sha256', appOwn)}`, m)!;
    expect(codegen.name).toBe('AppEntity');
    expect(codegen.registeredBy).toBe('app/persisted-documents.json');
    expect(own).toMatchObject({ name: 'AppNames', kind: 'read', registeredBy: 'app/persisted-documents.json' });
    expect(own.document).toContain('__typename');
  });

  it('maps an Apollo manifest entry equal to a registered document onto that entry (one cache key)', () => {
    const registered = Object.values(build([]).operations).find((o) => o.name === 'Search')!;
    const spaced = registered.document.replaceAll('\n', ' ');
    const docs = readTrustedDocuments(
      {
        format: 'apollo-persisted-query-manifest',
        version: 1,
        operations: [{ id: hash('sha256', spaced), name: 'Search', type: 'query', body: spaced }],
      },
      'apollo.json',
    );
    const m = build(docs);
    expect(findOperation(hash('sha256', spaced), m)!.id).toBe(registered.id);
    expect(Object.values(m.operations).filter((o) => o.name === 'Search')).toHaveLength(1);
  });

  it('refuses a second document under a registered operation name (Apollo finds ids by name)', () => {
    const clash = 'query GetEntity($id: ID!) { entity(id: $id) { id } }';
    expect(() => build(readTrustedDocuments({ [hash('sha256', clash)]: clash }, 'app.json'))).toThrow(
      /app\.json#.*operation name GetEntity is already registered for another document/,
    );
  });

  it('refuses an id that is not the hash of its document, a malformed id, and an invalid document', () => {
    expect(() => readTrustedDocuments({ [hash('sha256', 'query A { x }')]: appOwn }, 'f.json')).toThrow(
      /is not the sha256 of its document/,
    );
    expect(() => readTrustedDocuments({ 'md5:abc': appOwn }, 'f.json')).toThrow(/not a sha256 or sha1 hex digest/);
    const invalid = 'query Nope { nope }';
    expect(() => build(readTrustedDocuments({ [hash('sha256', invalid)]: invalid }, 'f.json'))).toThrow(
      /f\.json#.*not valid against the schema/,
    );
  });
});
