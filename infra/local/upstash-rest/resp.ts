/**
 * RESP2, the Redis wire protocol, with no reply transformers: what Redis sends is what the endpoint sees. Client
 * libraries reshape replies by command name (ioredis turns HGETALL into an object, and did so differently for `HGETALL`
 * and `hgetall`); Upstash does not, so neither may we.
 *
 * Decoded values: a bulk string is a Buffer (it may be binary), a status reply is a string, an integer is a number,
 * nil is null, an error reply is a {@link RespErrorReply} (also inside arrays: a Lua script may return one there).
 */
export type RespValue = Buffer | string | number | null | RespErrorReply | RespValue[];

/** An error reply from Redis (`-ERR …`). A value, not a thrown error: it can sit inside an array reply. */
export class RespErrorReply {
  constructor(readonly message: string) {}
}

const CRLF = Buffer.from('\r\n');

/** Encodes one command as a RESP array of bulk strings, the only form Redis accepts from clients. */
export function encodeCommand(args: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg, 'utf8') : arg;
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, CRLF);
  }
  return Buffer.concat(parts);
}

/** The stream is not RESP2 (or is RESP3, which we never ask for): the connection cannot be trusted any more. */
export class RespProtocolError extends Error {
  override name = 'RespProtocolError';
}

/** Marks "not enough bytes yet"; the decoder resumes at the same element when more arrive. */
const INCOMPLETE = Symbol('incomplete');
/** Marks "an array header was read"; its elements follow. */
const ARRAY_STARTED = Symbol('array-started');

/**
 * Streaming RESP2 decoder. Feed it socket chunks; it calls `onReply` once per complete top-level reply, in order.
 *
 * Resumable: array headers already read stay on a stack, so a large array arriving in many chunks is parsed once, not
 * re-parsed from its start on every chunk; and a large bulk string is only looked at again once all its bytes are here.
 */
export class RespDecoder {
  private chunks: Buffer[] = [];
  private available = 0;
  /** Bytes needed (from the start of the unparsed data) before parsing can make progress. */
  private needed = 1;
  private buffer: Buffer = Buffer.alloc(0);
  private offset = 0;
  private readonly open: { items: RespValue[]; length: number }[] = [];

  constructor(private readonly onReply: (reply: RespValue) => void) {}

  /** Adds bytes from the socket. Throws {@link RespProtocolError} on a stream that is not RESP2. */
  write(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.available += chunk.length;
    if (this.available < this.needed) return;
    this.buffer = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks, this.available);
    this.offset = 0;
    for (;;) {
      const value = this.readElement();
      if (value === INCOMPLETE) break;
      if (value !== ARRAY_STARTED) this.complete(value);
    }
    const rest = this.buffer.subarray(this.offset);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.available = rest.length;
  }

  /** Replies that had started arriving are dropped: after a reconnect the stream starts afresh. */
  reset(): void {
    this.chunks = [];
    this.available = 0;
    this.needed = 1;
    this.open.length = 0;
  }

  private complete(value: RespValue): void {
    let done = value;
    for (;;) {
      const parent = this.open.at(-1);
      if (!parent) {
        this.onReply(done);
        return;
      }
      parent.items.push(done);
      if (parent.items.length < parent.length) return;
      this.open.pop();
      done = parent.items;
    }
  }

  private readElement(): RespValue | typeof INCOMPLETE | typeof ARRAY_STARTED {
    const start = this.offset;
    const lineEnd = this.buffer.indexOf(CRLF, start + 1);
    if (lineEnd < 0) return this.incomplete(this.buffer.length - start + 1);
    const type = this.buffer[start];
    const line = this.buffer.toString('utf8', start + 1, lineEnd);
    const next = lineEnd + 2;
    switch (type) {
      case 0x2b: // '+' status
        this.offset = next;
        return line;
      case 0x2d: // '-' error
        this.offset = next;
        return new RespErrorReply(line);
      case 0x3a: // ':' integer
        this.offset = next;
        return this.integer(line);
      case 0x24: {
        // '$' bulk string
        const length = this.integer(line);
        if (length < 0) {
          this.offset = next;
          return null;
        }
        if (this.buffer.length < next + length + 2) return this.incomplete(next + length + 2 - start);
        this.offset = next + length + 2;
        return this.buffer.subarray(next, next + length);
      }
      case 0x2a: {
        // '*' array
        const length = this.integer(line);
        this.offset = next;
        if (length < 0) return null;
        if (length === 0) return [];
        this.open.push({ items: [], length });
        return ARRAY_STARTED;
      }
      default:
        throw new RespProtocolError(`unexpected RESP type byte 0x${(type ?? 0).toString(16)}`);
    }
  }

  private incomplete(needed: number): typeof INCOMPLETE {
    this.needed = needed;
    return INCOMPLETE;
  }

  private integer(line: string): number {
    if (!/^-?\d+$/.test(line)) throw new RespProtocolError(`not a RESP integer: ${JSON.stringify(line)}`);
    return Number(line);
  }
}
