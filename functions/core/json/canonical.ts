/**
 * Canonical JSON (RFC 8785, the JSON Canonicalization Scheme): object keys sorted by UTF-16 code unit at every depth,
 * no whitespace, numbers and strings as ECMAScript writes them. Equal values give equal text, so they hash equally in
 * cache keys, scope fingerprints, decision-log hashes and the audit chain.
 */
import canonicalize from 'canonicalize';
import { DomainError } from '../errors.js';

/** A value with no exact JSON form: NaN, ±Infinity, a bigint, a lone surrogate, a cycle, or nothing at all. */
export class CanonicalJsonError extends DomainError<'NOT_JSON'> {
  constructor(message: string, cause?: unknown) {
    super('NOT_JSON', message, { cause });
  }
}

/**
 * Serialises `value` as RFC 8785 canonical JSON. What is not JSON follows JSON.stringify: object members that are
 * `undefined`, functions or symbols are dropped, such array elements become `null`, and `toJSON` is honoured (a Date
 * becomes its ISO string). An own `__proto__` key (as JSON.parse creates) is kept as data. Values JSON cannot carry
 * exactly throw {@link CanonicalJsonError} rather than turn silently into `null`: NaN, ±Infinity, bigints, strings
 * with lone surrogates, cycles, and a top-level value with no JSON form (`undefined`, a function, a symbol).
 * @example canonicalJson({ b: 1, a: [2, undefined], c: undefined }) // '{"a":[2,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (cause) {
    throw new CanonicalJsonError(`value has no canonical JSON form: ${(cause as Error).message}`, cause);
  }
  if (text === undefined) throw new CanonicalJsonError(`value has no canonical JSON form: ${typeof value}`);
  return text;
}
