/**
 * The Upstash REST transport of the Node adapter: undici's `request` on a keep-alive connection pool instead of the
 * global `fetch` (@upstash/redis's default), which on Node builds WHATWG Request/Response/stream objects per call and
 * was about a third of the edge's CPU per cache hit. Same wire form as @upstash/redis's own client: POST JSON to
 * `/`, `/pipeline` or `/multi-exec`, `{result}` / `{error}` back, UTF-8 replies (no base64: cached bodies are JSON).
 */
import type { Requester, UpstashRequest, UpstashResponse } from '@upstash/redis';
import { Pool } from 'undici';

export interface UndiciRequesterOptions {
  url: string;
  token: string;
  /** Most sockets to the endpoint (idle ones stay open for `keepAliveMs`). */
  connections?: number;
  keepAliveMs?: number;
}

/** Thrown for an error answer of the endpoint (4xx/5xx): what @upstash/redis's own client throws, by message. */
export class UpstashRestError extends Error {
  override name = 'UpstashRestError';
}

/** Connection errors before anything was sent: the endpoint never saw the request. */
const neverSent = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EAI_AGAIN']);
/**
 * Errors of an open connection before an answer (a pooled socket the server just closed, a reset): the request may
 * or may not have run.
 */
const maybeSent = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
/** Commands that change nothing, so running one twice is harmless. EVAL is not among them: a script may write. */
const readOnlyCommands = new Set([
  'get',
  'mget',
  'exists',
  'ttl',
  'pttl',
  'strlen',
  'type',
  'hget',
  'hmget',
  'hgetall',
  'hexists',
  'smembers',
  'sismember',
  'scard',
  'zscore',
  'zcard',
  'zrange',
  'eval_ro',
  'evalsha_ro',
  'ping',
]);

const errorCode = (err: unknown): string | undefined => {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' ? code : undefined;
};

/**
 * Whether a failed request may be sent again without running it twice: always when it never left (no connection),
 * only for read-only commands when the connection failed after it may have been sent, never otherwise (a rate
 * limiter's script run twice counts the request twice). `body` is a command (`/`) or a list of them (`/pipeline`,
 * `/multi-exec`).
 */
export function resendable(err: unknown, body: unknown): boolean {
  const code = errorCode(err);
  if (code && neverSent.has(code)) return true;
  if (!code || !maybeSent.has(code) || !Array.isArray(body) || body.length === 0) return false;
  const commands = Array.isArray(body[0]) ? (body as unknown[][]) : [body];
  return commands.every((c) => readOnlyCommands.has(String(c[0]).toLowerCase()));
}

/**
 * A {@link Requester} for `new Redis(requester)`. One resend after a network error when {@link resendable} (the
 * endpoint never got it, or it only reads), none on an answer: the edge has its own timeouts and fails open.
 * @example const redis = new Redis(undiciRequester({ url: config.upstash.url, token: config.upstash.token }));
 */
export function undiciRequester(options: UndiciRequesterOptions): Requester & { close(): Promise<void> } {
  const base = new URL(options.url);
  const prefix = base.pathname.replace(/\/$/, '');
  const pool = new Pool(base.origin, {
    connections: options.connections ?? 64,
    keepAliveTimeout: options.keepAliveMs ?? 30_000,
  });
  const headers = { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' };

  async function send(path: string, body: string) {
    const res = await pool.request({ method: 'POST', path, headers, body });
    const text = await res.body.text();
    return { status: res.statusCode, text };
  }

  return {
    readYourWrites: false,
    async request<TResult>(req: UpstashRequest): Promise<UpstashResponse<TResult>> {
      const path = `${prefix}/${(req.path ?? []).join('/')}`;
      const body = JSON.stringify(req.body);
      const answer = await send(path, body).catch((err: unknown) => {
        if (resendable(err, req.body)) return send(path, body);
        throw err;
      });
      let parsed: unknown;
      try {
        parsed = JSON.parse(answer.text);
      } catch (cause) {
        throw new UpstashRestError(`upstash answered ${answer.status} with a body that is not JSON`, { cause });
      }
      if (answer.status >= 300) {
        const message = (parsed as { error?: string }).error ?? `status ${answer.status}`;
        throw new UpstashRestError(`${message}, command was: ${body}`);
      }
      return parsed as UpstashResponse<TResult>;
    },
    close: () => pool.close(),
  };
}
