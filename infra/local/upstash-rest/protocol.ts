/**
 * Wire format of the Upstash REST API as the unmodified `@upstash/redis` client expects it: JSON commands in, one
 * `{result}` or `{error}` per command out.
 */
import { RestRequestError } from './errors.js';
import { RespErrorReply, type RespValue } from './resp.js';

/**
 * `base64` (header `Upstash-Encoding: base64`, the client's default): every bulk and status string at any depth is
 * base64 of its raw bytes, so binary and unicode survive JSON; except a top-level `OK` status, which Upstash documents
 * as sent as is. `utf8`: strings as UTF-8 text.
 */
export type Encoding = 'base64' | 'utf8';

/** A command argument: JSON arguments become strings; a raw POST body (path form) stays bytes. */
export type RedisArg = string | Buffer;
export type RedisCommand = RedisArg[];

export type ItemReply = { result: unknown } | { error: string };

/**
 * Converts a RESP2 reply into its JSON form. A nested error reply (a Lua script may put `redis.error_reply(…)` or a
 * failed `pcall` inside the array it returns) becomes `{ "error": "<message>" }` in its place.
 *
 * Why that shape: Upstash documents no form for it, and this is the one `@upstash/redis` surfaces: its decoder keeps
 * non-string elements of a top-level array as they are, so the caller sees `{ error }` where Redis put the error (with
 * base64 encoding, an object two arrays deep becomes `null` in the client; the raw JSON still carries it). The message
 * is not base64-encoded, like a top-level `{ error }`.
 */
export function encodeReply(value: RespValue, encoding: Encoding, topLevel = true): unknown {
  if (value === null) return null;
  if (typeof value === 'number') return value;
  if (Buffer.isBuffer(value)) return encoding === 'base64' ? value.toString('base64') : value.toString('utf8');
  if (typeof value === 'string') {
    if (encoding === 'utf8' || (topLevel && value === 'OK')) return value;
    return Buffer.from(value, 'utf8').toString('base64');
  }
  if (value instanceof RespErrorReply) return { error: value.message };
  return value.map((v) => encodeReply(v, encoding, false));
}

/** One command's reply as a pipeline or transaction item: a top-level error reply becomes the item's `error`. */
export function itemReply(value: RespValue, encoding: Encoding): ItemReply {
  return value instanceof RespErrorReply ? { error: value.message } : { result: encodeReply(value, encoding) };
}

/**
 * One JSON argument as Redis sees it. Upstash takes JSON numbers, booleans and null as their JSON text (`1.5`, `true`,
 * `null`); `@upstash/redis` sends `undefined` as `null`, so `set(k, undefined)` stores "null" there too. Objects and
 * arrays have no single string form, so they are refused with the argument's position.
 */
function toArg(value: unknown, where: string): RedisArg {
  if (typeof value === 'string') return value;
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  const kind = Array.isArray(value) ? 'array' : typeof value;
  throw new RestRequestError(
    400,
    `${where}: a command argument must be a string, number, boolean or null, got ${kind}`,
  );
}

/** Validates one command: a non-empty array whose first item is the command name. */
export function parseCommand(value: unknown, where = 'body'): RedisCommand {
  if (!Array.isArray(value) || value.length === 0) {
    throw new RestRequestError(400, `${where}: expected a non-empty JSON array like ["SET","key","value"]`);
  }
  return value.map((v, i) => toArg(v, `${where}[${i}]`));
}

/**
 * Validates a pipeline or transaction body: a non-empty array of commands. A malformed command does not spoil the
 * list: it comes back as its {@link RestRequestError} in its place, so a pipeline can answer it alone.
 */
export function parseCommandList(value: unknown): (RedisCommand | RestRequestError)[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new RestRequestError(
      400,
      'body: expected a non-empty JSON array of commands like [["SET","k","v"],["GET","k"]]',
    );
  }
  return value.map((c, i) => {
    try {
      return parseCommand(c, `body[${i}]`);
    } catch (err) {
      if (err instanceof RestRequestError) return err;
      throw err;
    }
  });
}

/**
 * Commands that would break the shared connection: they change its state (SELECT, HELLO → RESP3, CLIENT REPLY),
 * answer more than once (SUBSCRIBE, UNSUBSCRIBE a b), hand it over (MONITOR, SYNC), or open a transaction that other
 * requests' commands would fall into (MULTI; /multi-exec wraps MULTI … EXEC itself). Upstash refuses these too.
 */
const refused = new Set([
  'SUBSCRIBE',
  'PSUBSCRIBE',
  'SSUBSCRIBE',
  'UNSUBSCRIBE',
  'PUNSUBSCRIBE',
  'SUNSUBSCRIBE',
  'MONITOR',
  'SYNC',
  'PSYNC',
  'REPLCONF',
  'SELECT',
  'SWAPDB',
  'QUIT',
  'RESET',
  'AUTH',
  'HELLO',
  'CLIENT',
  'DEBUG',
  'SHUTDOWN',
  'MULTI',
  'EXEC',
  'DISCARD',
  'WATCH',
  'UNWATCH',
]);
/** Blocking commands would stall every request behind them on the shared connection. */
const blocking = new Set(['BLPOP', 'BRPOP', 'BRPOPLPUSH', 'BLMOVE', 'BLMPOP', 'BZPOPMIN', 'BZPOPMAX', 'BZMPOP']);
const waiting = new Set(['WAIT', 'WAITAOF']);

const argText = (arg: RedisArg | undefined) => (arg === undefined ? '' : arg.toString()).toUpperCase();

/** Rejects commands that are unsafe on a shared connection (connection state, pub/sub, blocking). */
export function assertAllowed(command: RedisCommand): void {
  const name = argText(command[0]);
  const blocks =
    blocking.has(name) ||
    waiting.has(name) ||
    ((name === 'XREAD' || name === 'XREADGROUP') && command.some((a) => argText(a) === 'BLOCK'));
  if (refused.has(name) || blocks) {
    throw new RestRequestError(400, `ERR command '${name}' is not supported by this REST endpoint`);
  }
}
