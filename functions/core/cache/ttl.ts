/**
 * Cache TTL and scope per schema coordinate, read from the SDL's `@cacheControl(maxAge, scope)` directives, in the shape
 * envelop's `useResponseCache` takes (`ttlPerSchemaCoordinate` in ms, `scopePerSchemaCoordinate`).
 *
 * envelop also reads `@cacheControl` itself when the executable schema carries the directive; deriving the maps here
 * makes the policy explicit, testable and independent of whether the executable schema keeps directive AST nodes.
 */
import { type DirectiveNode, type GraphQLSchema, Kind, valueFromASTUntyped } from 'graphql';
import { loadSchema } from '../manifest/schema-source.js';
import type { CacheScope } from '../manifest/types.js';

/** The two maps envelop takes. Keys are `Type` or `Type.field`. */
export interface CachePolicyMaps {
  ttlPerSchemaCoordinate: Record<string, number>;
  scopePerSchemaCoordinate: Record<string, CacheScope>;
}

interface HasDirectives {
  directives?: readonly DirectiveNode[] | undefined;
}

/**
 * Derives the maps from `@cacheControl` on object types and their fields (`maxAge` seconds → ms). Only explicit
 * directives count: an unhinted coordinate is absent, so with envelop's global `ttl: 0` it is not cached.
 * @example useResponseCache({ ...cachePolicyFromSchema(), ttl: 0, … })
 */
export function cachePolicyFromSchema(schema: GraphQLSchema = loadSchema()): CachePolicyMaps {
  const directive = schema.getDirective('cacheControl');
  const maps: CachePolicyMaps = { ttlPerSchemaCoordinate: {}, scopePerSchemaCoordinate: {} };
  if (!directive) return maps;
  // The SDL default of `scope` (PUBLIC), applied when a use of the directive leaves it out.
  const defaultScope = directive.args.find((a) => a.name === 'scope')?.defaultValue;

  // AST-only reading (no graphql `instanceof` helpers): the schema may come from another copy of graphql (yoga's CJS
  // build vs our ESM import under vitest), and reading directive nodes works the same for both.
  const record = (coordinate: string, node: HasDirectives | null | undefined) => {
    const use = node?.directives?.find((d) => d.name.value === 'cacheControl');
    if (!use) return;
    const args = Object.fromEntries((use.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
    if (typeof args.maxAge === 'number') maps.ttlPerSchemaCoordinate[coordinate] = args.maxAge * 1000;
    const scope = args.scope ?? defaultScope;
    if (scope === 'PUBLIC' || scope === 'PRIVATE') maps.scopePerSchemaCoordinate[coordinate] = scope;
  };

  for (const type of Object.values(schema.getTypeMap())) {
    if (type.astNode?.kind !== Kind.OBJECT_TYPE_DEFINITION || type.name.startsWith('__')) continue;
    record(type.name, type.astNode);
    const fields = (
      type as { getFields(): Record<string, { name: string; astNode?: HasDirectives | null }> }
    ).getFields();
    for (const field of Object.values(fields)) record(`${type.name}.${field.name}`, field.astNode);
  }
  return maps;
}
