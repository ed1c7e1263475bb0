/**
 * Neo4j property values as JSON and back, without loss: a backup line must restore to the very value it was read as.
 * JSON numbers are Cypher floats; every other type that JSON cannot tell apart is a one-key tagged object:
 * `{"$int": "…"}` (64-bit integer as decimal text), `{"$float": "NaN" | "Infinity" | "-Infinity" | "-0"}`,
 * `{"$bytes": base64}`, and `{"$temporal" | "$point": kind, …fields}` for temporal and spatial values.
 */
import neo4j, {
  Date as CypherDate,
  DateTime,
  Duration,
  type Integer,
  LocalDateTime,
  LocalTime,
  Point,
  Time,
} from 'neo4j-driver';
import { BackupFormatError } from './errors.js';

/** A property value as written to a backup line. */
export type EncodedValue = string | number | boolean | null | EncodedValue[] | { [tag: string]: unknown };

const temporalKinds = { Date: CypherDate, DateTime, Duration, LocalDateTime, LocalTime, Time } as const;
type TemporalKind = keyof typeof temporalKinds;

/** Field order of each temporal constructor (the driver's own constructor parameters). */
const temporalFields: Record<TemporalKind, readonly string[]> = {
  Date: ['year', 'month', 'day'],
  DateTime: ['year', 'month', 'day', 'hour', 'minute', 'second', 'nanosecond', 'timeZoneOffsetSeconds', 'timeZoneId'],
  Duration: ['months', 'days', 'seconds', 'nanoseconds'],
  LocalDateTime: ['year', 'month', 'day', 'hour', 'minute', 'second', 'nanosecond'],
  LocalTime: ['hour', 'minute', 'second', 'nanosecond'],
  Time: ['hour', 'minute', 'second', 'nanosecond', 'timeZoneOffsetSeconds'],
};

const text = (v: unknown): unknown => (neo4j.isInt(v) ? (v as Integer).toString() : v);

function encodeFloat(n: number): EncodedValue {
  if (Number.isNaN(n)) return { $float: 'NaN' };
  if (!Number.isFinite(n)) return { $float: n > 0 ? 'Infinity' : '-Infinity' };
  if (Object.is(n, -0)) return { $float: '-0' };
  return n;
}

/** Encodes one property value read from Neo4j (driver defaults: lossless integers). */
export function encodeValue(value: unknown): EncodedValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return encodeFloat(value);
  if (neo4j.isInt(value)) return { $int: (value as Integer).toString() };
  if (value instanceof Int8Array)
    return { $bytes: Buffer.from(value.buffer, value.byteOffset, value.length).toString('base64') };
  if (Array.isArray(value)) return value.map(encodeValue);
  for (const [kind, type] of Object.entries(temporalKinds)) {
    if (value instanceof type) {
      const fields = temporalFields[kind as TemporalKind];
      const record = value as unknown as Record<string, unknown>;
      return { $temporal: kind, ...Object.fromEntries(fields.map((f) => [f, text(record[f]) ?? null])) };
    }
  }
  if (value instanceof Point) return { $point: text(value.srid), x: value.x, y: value.y, z: value.z ?? null };
  throw new BackupFormatError(`property value of type ${Object.prototype.toString.call(value)} has no backup form`);
}

/** Encodes a property map. */
export function encodeProps(props: Record<string, unknown>): Record<string, EncodedValue> {
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, encodeValue(v)]));
}

const intOf = (v: unknown): Integer => neo4j.int(String(v));
const tagged = (value: object, tag: string): value is Record<string, unknown> => Object.hasOwn(value, tag);

function decodeTemporal(fields: Record<string, unknown>): unknown {
  const kind = fields.$temporal as TemporalKind;
  const names = temporalFields[kind];
  if (!names) throw new BackupFormatError(`unknown temporal kind ${String(kind)}`);
  const args = names.map((f) =>
    f === 'timeZoneId' ? (fields[f] ?? undefined) : fields[f] === null ? undefined : intOf(fields[f]),
  );
  const Type = temporalKinds[kind] as unknown as new (...a: unknown[]) => unknown;
  return new Type(...args);
}

/** Decodes a value of a backup line into what the driver sends as the same Cypher value. */
export function decodeValue(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number')
    return value;
  if (Array.isArray(value)) return value.map(decodeValue);
  if (typeof value === 'object') {
    if (tagged(value, '$int')) return intOf(value.$int);
    if (tagged(value, '$float')) return value.$float === '-0' ? -0 : Number(value.$float);
    if (tagged(value, '$bytes')) return new Int8Array(Buffer.from(String(value.$bytes), 'base64'));
    if (tagged(value, '$temporal')) return decodeTemporal(value);
    if (tagged(value, '$point')) {
      const { x, y, z } = value as { x: number; y: number; z: number | null };
      return z === null ? new Point(intOf(value.$point), x, y) : new Point(intOf(value.$point), x, y, z);
    }
  }
  throw new BackupFormatError('a property value in the backup has no known form');
}

/** Decodes a property map. */
export function decodeProps(props: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, decodeValue(v)]));
}
