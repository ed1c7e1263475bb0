/**
 * Wire format of the Upstash REST API as the unmodified `@upstash/redis` client expects it.
 *
 * With `Upstash-Encoding: base64` every string in a result (bulk or status reply, at any depth) is base64 of its raw bytes,
 * so binary-looking and unicode values survive JSON; integers stay numbers and nil stays null. Without the header strings
 * are sent as UTF-8.
 */
export type Encoding = 'base64' | 'utf8';

export type RedisArg = string;
export type RedisCommand = RedisArg[];

export type ItemReply = { result: unknown } | { error: string };

/** Converts a raw reply from the Redis client (Buffers, numbers, arrays, null) into its JSON form. */
export function encodeReply(value: unknown, encoding: Encoding): unknown {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return encoding === 'base64' ? value.toString('base64') : value.toString('utf8');
  if (typeof value === 'string') return encoding === 'base64' ? Buffer.from(value, 'utf8').toString('base64') : value;
  if (typeof value === 'number' || typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map((v) => encodeReply(v, encoding));
  return value;
}

/** Thrown for a request the endpoint refuses before reaching Redis; carries the HTTP status and a clear message. */
export class RestRequestError extends Error {
  override name = 'RestRequestError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function toArg(value: unknown, where: string): RedisArg {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new RestRequestError(400, `${where}: command arguments must be strings or numbers, got ${typeof value}`);
}

/** Validates one command: a non-empty array whose first item is the command name. */
export function parseCommand(value: unknown, where = 'body'): RedisCommand {
  if (!Array.isArray(value) || value.length === 0) {
    throw new RestRequestError(400, `${where}: expected a non-empty JSON array like ["SET","key","value"]`);
  }
  return value.map((v, i) => toArg(v, `${where}[${i}]`));
}

/** Validates a pipeline or transaction body: a non-empty array of commands. */
export function parseCommandList(value: unknown): RedisCommand[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new RestRequestError(
      400,
      'body: expected a non-empty JSON array of commands like [["SET","k","v"],["GET","k"]]',
    );
  }
  return value.map((c, i) => parseCommand(c, `body[${i}]`));
}

/** Commands that would block the shared connection or change its state; Upstash refuses them too. */
const refused = new Set([
  'SUBSCRIBE',
  'PSUBSCRIBE',
  'SSUBSCRIBE',
  'MONITOR',
  'SELECT',
  'QUIT',
  'RESET',
  'AUTH',
  'HELLO',
]);
const blocking = /^(BLPOP|BRPOP|BRPOPLPUSH|BLMOVE|BLMPOP|BZPOPMIN|BZPOPMAX|BZMPOP|WAIT|WAITAOF)$/;

/** Rejects commands that are unsafe on a shared connection (connection state, pub/sub, blocking). */
export function assertAllowed(command: RedisCommand): void {
  const name = command[0]!.toUpperCase();
  if (refused.has(name) || blocking.test(name) || name === 'MULTI' || name === 'EXEC' || name === 'WATCH') {
    throw new RestRequestError(400, `ERR command '${name}' is not supported by this REST endpoint`);
  }
}
