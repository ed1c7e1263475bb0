import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { isCanonicalUtc } from '../core/time/utc.js';

const isoDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function parseDateTime(value: unknown): string {
  if (typeof value !== 'string' || !isoDateTime.test(value) || Number.isNaN(Date.parse(value))) {
    throw new GraphQLError('DateTime must be an ISO-8601 string with a time zone, e.g. 2026-01-31T12:00:00Z', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return new Date(value).toISOString();
}

/**
 * ISO-8601 date-time, always normalised to UTC on the way in and out. A value already in the normalised form (every
 * timestamp the repository returns is) goes out as it is: parsing and re-formatting it, thousands of fields in a large
 * neighbourhood, would give it back unchanged. Anything else (another zone, no milliseconds, 30 February) takes the
 * full parse.
 */
export const DateTime = new GraphQLScalarType({
  name: 'DateTime',
  serialize: (v) =>
    v instanceof Date ? v.toISOString() : typeof v === 'string' && isCanonicalUtc(v) ? v : parseDateTime(v),
  parseValue: parseDateTime,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING)
      throw new GraphQLError('DateTime must be a string', { extensions: { code: 'BAD_USER_INPUT' } });
    return parseDateTime(ast.value);
  },
});

function literal(ast: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map((v) => literal(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literal(f.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[ast.name.value];
    default:
      throw new GraphQLError('unsupported JSON literal', { extensions: { code: 'BAD_USER_INPUT' } });
  }
}

/** Arbitrary JSON (attributes, relationship properties). Objects are validated further by the repository. */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: literal,
});
