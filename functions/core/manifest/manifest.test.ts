import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { compileOperation, fragmentLibrary } from './build.js';
import { manifest } from './index.js';
import { loadSchema, readFragmentSources, renderManifestFiles } from './schema-source.js';

describe('persisted-operation manifest', () => {
  it('is up to date with schema/, in both formats (run `npm run manifest` when this fails)', () => {
    for (const file of renderManifestFiles()) {
      expect(readFileSync(file.path, 'utf8'), file.path).toBe(file.text);
    }
  });

  it('uses the sha256 of the normalised document as id', async () => {
    const { createHash } = await import('node:crypto');
    for (const op of Object.values(manifest.operations)) {
      expect(op.id).toBe(createHash('sha256').update(op.document).digest('hex'));
    }
  });

  it('marks merge and unmerge as sensitive writes with their step-up scopes, and reads as cacheable', () => {
    const byName = Object.fromEntries(Object.values(manifest.operations).map((o) => [o.name, o]));
    expect(byName.MergeEntity).toMatchObject({
      kind: 'write',
      sensitive: true,
      stepUpScopes: ['mutate:merge'],
      cacheTtlMs: 0,
    });
    expect(byName.UnmergeEntity).toMatchObject({ sensitive: true, stepUpScopes: ['mutate:unmerge'] });
    expect(byName.UpsertEntity).toMatchObject({ kind: 'write', sensitive: false });
    expect(byName.GetEntity).toMatchObject({ kind: 'read', cacheTtlMs: 300_000, scope: 'PUBLIC' });
    expect(byName.Search!.cacheTtlMs).toBe(60_000);
    expect(byName.Neighbors!.costHint).toEqual({ weight: 10, maxHops: 3, maxRows: 500 });
  });

  it('takes the shortest maxAge of every touched field and PRIVATE from any private field', () => {
    const sdl = `directive @cacheControl(maxAge: Int!, scope: S = PUBLIC) on FIELD_DEFINITION | OBJECT
      enum S { PUBLIC PRIVATE }
      type T @cacheControl(maxAge: 100) { a: Int, me: String @cacheControl(maxAge: 5, scope: PRIVATE) }
      type Query { t: T @cacheControl(maxAge: 50) }`;
    const schema = buildSchema(sdl);
    expect(compileOperation(schema, 'query A { t { a } }')).toMatchObject({ cacheTtlMs: 50_000, scope: 'PUBLIC' });
    expect(compileOperation(schema, 'query B { t { a me } }')).toMatchObject({ cacheTtlMs: 5_000, scope: 'PRIVATE' });
  });

  it('inlines shared fragments so each persisted document is self-contained, and refuses unknown ones', () => {
    const lib = fragmentLibrary(readFragmentSources());
    const entry = compileOperation(loadSchema(), 'query One($id: ID!) { entity(id: $id) { ...EntityFields } }', lib);
    expect(entry.document).toMatch(/fragment EntityFields on Entity \{/);
    expect(() => compileOperation(loadSchema(), 'query Two { entity(id: "1") { ...Nope } }', lib)).toThrow(
      /unknown fragment Nope/,
    );
  });

  it('refuses documents that are not valid against the schema', () => {
    expect(() => compileOperation(loadSchema(), 'query Bad($id: ID!) { entity(id: $id) { nope } }')).toThrow(
      /not valid against the schema: Cannot query field "nope"/,
    );
  });

  it('refuses anonymous and multi-operation documents', () => {
    expect(() => compileOperation(loadSchema(), '{ entity(id: "1") { id } }')).toThrow(/exactly one named operation/);
    expect(() =>
      compileOperation(loadSchema(), 'query A { search(text:"x") { score } } query B { search(text:"y") { score } }'),
    ).toThrow();
  });
});
