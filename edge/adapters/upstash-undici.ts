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

/** Most commands one merged `/pipeline` call carries; more in one turn go out in further calls. */
const maxMergedCommands = 128;

interface PipelinePart {
  commands: unknown[];
  resolve(items: unknown[]): void;
  reject(err: unknown): void;
}

/**
 * A {@link Requester} for `new Redis(requester)`. One resend after a network error when {@link resendable} (the
 * endpoint never got it, or it only reads), none on an answer: the edge has its own timeouts and fails open.
 *
 * Pipelines (what the auto-pipelining client sends: a hit's one script run) asked for in the same turn of the event
 * loop go out as ONE `POST /pipeline` after the turn's I/O callbacks, each caller getting its own items back: requests
 * that arrive together cost one HTTP exchange with the endpoint instead of one each (the exchange, not the command,
 * was most of the CPU per hit on both sides). A lone pipeline waits only for the end of its turn. An error of the
 * merged call (no answer, or an error status) fails every pipeline in it, as it would have failed each alone.
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

  async function call(path: string, commands: unknown): Promise<unknown> {
    const body = JSON.stringify(commands);
    const answer = await send(path, body).catch((err: unknown) => {
      if (resendable(err, commands)) return send(path, body);
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
    return parsed;
  }

  const pipelinePath = `${prefix}/pipeline`;
  let turn: PipelinePart[][] | undefined;

  function flush(groups: PipelinePart[][]) {
    for (const parts of groups) {
      const commands = parts.flatMap((p) => p.commands);
      call(pipelinePath, commands).then(
        (items) => {
          if (!Array.isArray(items) || items.length !== commands.length) {
            const err = new UpstashRestError(`upstash answered a pipeline of ${commands.length} with ${String(items)}`);
            for (const p of parts) p.reject(err);
            return;
          }
          let at = 0;
          for (const p of parts) {
            p.resolve(items.slice(at, at + p.commands.length));
            at += p.commands.length;
          }
        },
        (err: unknown) => {
          for (const p of parts) p.reject(err);
        },
      );
    }
  }

  function pipelineInTurn(commands: unknown[]): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      if (!turn) {
        const groups: PipelinePart[][] = [[]];
        turn = groups;
        setImmediate(() => {
          turn = undefined;
          flush(groups);
        });
      }
      let group = turn.at(-1)!;
      if (group.length > 0 && group.reduce((n, p) => n + p.commands.length, 0) + commands.length > maxMergedCommands) {
        group = [];
        turn.push(group);
      }
      group.push({ commands, resolve, reject });
    });
  }

  return {
    readYourWrites: false,
    async request<TResult>(req: UpstashRequest): Promise<UpstashResponse<TResult>> {
      const path = req.path ?? [];
      if (path.length === 1 && path[0] === 'pipeline' && Array.isArray(req.body) && req.body.length > 0) {
        return (await pipelineInTurn(req.body)) as UpstashResponse<TResult>;
      }
      return (await call(`${prefix}/${path.join('/')}`, req.body)) as UpstashResponse<TResult>;
    },
    close: () => pool.close(),
  };
}
