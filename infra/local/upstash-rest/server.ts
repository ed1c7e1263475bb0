import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { RespConnection } from './connection.js';
import { RestRequestError } from './errors.js';
import { execute } from './execute.js';
import type { Encoding } from './protocol.js';
import { allowedMethods, presentedToken, toRestCall } from './request.js';
import { ScriptTranslator } from './scripts.js';

export interface UpstashRestOptions {
  redisUrl: string;
  /**
   * Bearer token(s) the endpoint accepts. Several model a staged rotation: Upstash gives each ACL user its own REST
   * token (`ACL GENTOKEN` / `ACL RESTTOKEN`), so an old and a new token are both valid until the old user is deleted.
   */
  token: string | readonly string[];
  /** Largest accepted request body in bytes (Upstash's own limit is in the same range). */
  maxBodyBytes?: number;
  /** Longest a request waits for Redis before it is answered 503. */
  requestTimeoutMs?: number;
}

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
        // Stop reading but keep the socket: the 413 must reach the client before the connection closes.
        req.pause();
        req.removeAllListeners('data');
        reject(new RestRequestError(413, `request body is larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function tokenMatches(given: string, tokens: readonly Buffer[]): boolean {
  const bytes = Buffer.from(given);
  // Every token is compared (no early exit), so the time taken does not tell which one nearly matched.
  let ok = false;
  for (const token of tokens) ok = (bytes.length === token.length && timingSafeEqual(bytes, token)) || ok;
  return ok;
}

/**
 * An Upstash-REST-compatible endpoint in front of a real Redis, for the unmodified `@upstash/redis` client with any of
 * its options. Request forms: request.ts; replies and argument rules: protocol.ts; pipeline and transaction semantics:
 * execute.ts; the Redis connection (one pipelined RESP2 socket, no reply transformers): connection.ts.
 *
 * Bearer token (or `?_token=`) required, 401 JSON otherwise; Redis error replies are 400 `{error}`; Redis unreachable
 * or too slow is 503 `{error}`, which the cache client treats as a miss.
 */
export function createUpstashRestServer(options: UpstashRestOptions): { server: Server; redis: RespConnection } {
  const tokens = (typeof options.token === 'string' ? [options.token] : options.token).map((t) => Buffer.from(t));
  if (tokens.length === 0 || tokens.some((t) => t.length === 0))
    throw new Error('upstash-rest needs a non-empty token');
  const redis = RespConnection.fromUrl(options.redisUrl, { requestTimeoutMs: options.requestTimeoutMs });
  const maxBody = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const scripts = new ScriptTranslator();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    // Prefixing keeps a path like `//x` a path instead of a host.
    const url = new URL(`http://upstash.local${req.url ?? '/'}`);
    const given = presentedToken(req.headers.authorization, url);
    if (given === undefined) throw new RestRequestError(401, 'Unauthorized: missing bearer token');
    if (!tokenMatches(given, tokens)) throw new RestRequestError(401, 'Unauthorized: invalid token');
    const method = req.method ?? 'GET';
    if (!allowedMethods.has(method)) throw new RestRequestError(405, `method ${method} not allowed`);
    const encoding: Encoding =
      String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64' ? 'base64' : 'utf8';
    const call = toRestCall(method, url, await readBody(req, maxBody));
    const answer = await execute(call, redis, scripts, encoding);
    send(res, answer.status, answer.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return;
      if (err instanceof RestRequestError && err.status === 413) {
        res.setHeader('connection', 'close');
        res.once('finish', () => req.socket.destroy());
      }
      if (err instanceof RestRequestError) return send(res, err.status, { error: err.message });
      console.error('upstash-rest: unexpected error', err);
      send(res, 500, { error: 'internal error of the local upstash-rest endpoint (see its log)' });
    });
  });
  server.keepAliveTimeout = 65_000;
  return { server, redis };
}
