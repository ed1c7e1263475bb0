import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

const isoDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function parseDateTime(value: unknown): string {
  if (typeof value !== 'string' || !isoDateTime.test(value) || Number.isNaN(Date.parse(value))) {
    throw new GraphQLError('DateTime must be an ISO-8601 string with a time zone, e.g. 2026-01-31T12:00:00Z', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return new Date(value).toISOString();
}

/** What `Date#toISOString` writes: `YYYY-MM-DDTHH:mm:ss.sssZ`, time fields in range (the date is checked below). */
const canonicalUtc = /^(\d{4})-(\d{2})-(\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;
const daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Whether `value` is already the normalised form (every timestamp the repository returns is): then parsing and
 * re-formatting it, a microsecond per field and thousands of fields in a large neighbourhood, would give it back
 * unchanged. Anything else (another zone, no milliseconds, 30 February) takes the full parse.
 */
function isCanonicalUtc(value: string): boolean {
  const m = canonicalUtc.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth[month - 1]! + (month === 2 && leap ? 1 : 0);
}

/** ISO-8601 date-time, always normalised to UTC on the way in and out. */
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
