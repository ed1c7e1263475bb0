import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { cachePolicyFromSchema } from './ttl.js';

describe('cachePolicyFromSchema', () => {
  it('reads TTLs in ms and scopes from the project schema', () => {
    const { ttlPerSchemaCoordinate, scopePerSchemaCoordinate } = cachePolicyFromSchema();

    expect(ttlPerSchemaCoordinate).toMatchObject({
      Entity: 300_000,
      'Query.entity': 300_000,
      'Query.neighbors': 120_000,
      'Query.search': 60_000,
      'Query.path': 120_000,
    });
    expect(scopePerSchemaCoordinate['Query.search']).toBe('PUBLIC');
    expect(Object.keys(ttlPerSchemaCoordinate).some((k) => k.startsWith('Mutation.'))).toBe(false);
  });

  it('keeps PRIVATE scopes and ignores unhinted coordinates', () => {
    const schema = buildSchema(`
      directive @cacheControl(maxAge: Int!, scope: CacheScope = PUBLIC) on FIELD_DEFINITION | OBJECT
      enum CacheScope { PUBLIC PRIVATE }
      type Me @cacheControl(maxAge: 10, scope: PRIVATE) { id: ID! }
      type Query { me: Me, plain: Int }
    `);

    const maps = cachePolicyFromSchema(schema);

    expect(maps).toEqual({ ttlPerSchemaCoordinate: { Me: 10_000 }, scopePerSchemaCoordinate: { Me: 'PRIVATE' } });
  });

  it('returns empty maps for a schema without the directive', () => {
    expect(cachePolicyFromSchema(buildSchema('type Query { a: Int }'))).toEqual({
      ttlPerSchemaCoordinate: {},
      scopePerSchemaCoordinate: {},
    });
  });
});
