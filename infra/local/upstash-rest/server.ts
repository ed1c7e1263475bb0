import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Redis } from 'ioredis';
import {
  assertAllowed,
  type Encoding,
  encodeReply,
  type ItemReply,
  parseCommand,
  parseCommandList,
  type RedisCommand,
  RestRequestError,
} from './protocol.js';
import { ScriptTranslator } from './scripts.js';

export interface UpstashRestOptions {
  redisUrl: string;
  /** Bearer token clients must present. */
  token: string;
  /** Largest accepted request body in bytes (Upstash's own limit is in the same range). */
  maxBodyBytes?: number;
}

const replyErrorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new RestRequestError(413, `request body is larger than ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function tokenMatches(header: string | undefined, token: Buffer): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice('Bearer '.length).trim());
  return given.length === token.length && timingSafeEqual(given, token);
}

/**
 * An Upstash-REST-compatible endpoint in front of a real Redis: `POST /` (one command), `POST /pipeline` and
 * `POST /multi-exec` (arrays of commands, per-item `{result}|{error}`), bearer token required, Redis errors as 400
 * `{error}`. Enough for the unmodified `@upstash/redis` client with its defaults (auto-pipelining, base64 encoding).
 */
export function createUpstashRestServer(options: UpstashRestOptions): { server: Server; redis: Redis } {
  const redis = new Redis(options.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 });
  const token = Buffer.from(options.token);
  const maxBody = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const scripts = new ScriptTranslator();

  const one = async (original: RedisCommand, encoding: Encoding): Promise<unknown> => {
    assertAllowed(original);
    const { command, reply } = scripts.rewrite(original);
    const [name, ...args] = command;
    const value = await redis.callBuffer(name!, ...args);
    return encodeReply(reply ? reply(value) : value, encoding);
  };

  const pipeline = async (commands: RedisCommand[], encoding: Encoding): Promise<ItemReply[]> => {
    commands.forEach(assertAllowed);
    const rewritten = commands.map((c) => scripts.rewrite(c));
    const p = redis.pipeline();
    for (const { command } of rewritten) p.callBuffer(command[0]!, ...command.slice(1));
    const results = (await p.exec()) ?? [];
    return results.map(([err, value], i) => {
      const reply = rewritten[i]?.reply;
      return err ? { error: replyErrorMessage(err) } : { result: encodeReply(reply ? reply(value) : value, encoding) };
    });
  };

  const transaction = async (commands: RedisCommand[], encoding: Encoding): Promise<ItemReply[]> => {
    commands.forEach(assertAllowed);
    const rewritten = commands.map((c) => scripts.rewrite(c));
    const m = redis.multi();
    for (const { command } of rewritten) m.callBuffer(command[0]!, ...command.slice(1));
    const results = await m.exec();
    if (!results) throw new RestRequestError(400, 'EXECABORT transaction discarded');
    return results.map(([err, value], i) => {
      const reply = rewritten[i]?.reply;
      return err ? { error: replyErrorMessage(err) } : { result: encodeReply(reply ? reply(value) : value, encoding) };
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (!req.headers.authorization) throw new RestRequestError(401, 'Unauthorized: missing bearer token');
    if (!tokenMatches(req.headers.authorization, token)) throw new RestRequestError(401, 'Unauthorized: invalid token');
    if (req.method !== 'POST') throw new RestRequestError(405, `method ${req.method} not allowed; use POST`);
    const encoding: Encoding =
      String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64' ? 'base64' : 'utf8';
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, maxBody)).toString('utf8'));
    } catch (err) {
      if (err instanceof RestRequestError) throw err;
      throw new RestRequestError(400, 'body is not valid JSON');
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/' || path === '') {
      try {
        send(res, 200, { result: await one(parseCommand(body), encoding) });
      } catch (err) {
        if (err instanceof RestRequestError) throw err;
        send(res, 400, { error: replyErrorMessage(err) });
      }
      return;
    }
    if (path === '/pipeline') return send(res, 200, await pipeline(parseCommandList(body), encoding));
    if (path === '/multi-exec') {
      try {
        send(res, 200, await transaction(parseCommandList(body), encoding));
      } catch (err) {
        if (err instanceof RestRequestError) throw err;
        send(res, 400, { error: replyErrorMessage(err) });
      }
      return;
    }
    throw new RestRequestError(404, `unknown path ${path}; use /, /pipeline or /multi-exec`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return;
      if (err instanceof RestRequestError) return send(res, err.status, { error: err.message });
      // Redis unreachable or an internal fault: a 5xx is honest here, the cache client fails open on it.
      send(res, 503, { error: `redis unavailable: ${replyErrorMessage(err)}` });
    });
  });
  server.keepAliveTimeout = 65_000;
  return { server, redis };
}
