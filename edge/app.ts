import { trace } from '@opentelemetry/api';
import type { Redis } from '@upstash/redis';
import { Hono } from 'hono';
import { createVerifier, defaultVerifyMemo, type Identity } from '../functions/core/auth/index.js';
import {
  applicationJson,
  contentTypeOf,
  errorResponse,
  type GraphqlMediaType,
  HttpError,
  negotiateGraphqlMediaType,
  requireGraphqlMediaType,
} from '../functions/core/http/index.js';
import type { Manifest } from '../functions/core/manifest/index.js';
import { DocumentRecogniser } from '../functions/core/manifest/recognise.js';
import type { CallerAttributes, PolicyEngine } from '../functions/core/policy/index.js';
import { createScopeResolver } from '../functions/core/policy/index.js';
import { pickForwardedHeaders } from '../functions/core/signing/forwarded-headers.js';
import { traceRequests } from '../functions/core/telemetry/http-span.js';
import { throttledLog } from '../functions/core/throttled-log.js';
import { cachedHeaders, classify, etagMatches, requestCacheKey } from './cache-read.js';
import type { EdgeConfig } from './config.js';
import { createEdgeMetrics, type EdgeMetrics } from './metrics.js';
import { type CallOrigin, type OriginResult, OriginUnreachableError, type StreamOrigin } from './origin.js';
import { createRateLimiter } from './ratelimit.js';
import { parsePersistedRequest } from './request.js';

/**
 * Runs a promise after the response: `waitUntil` where the runtime has it (Workers), fire-and-forget on a long-lived
 * Node process, and `undefined` where neither is safe (Lambda@Edge freezes the sandbox once it answers), in which
 * case the edge refreshes inline before answering.
 */
export type Background = ((work: Promise<unknown>) => void) | undefined;

export interface EdgeDeps {
  config: EdgeConfig;
  manifest: Manifest;
  redis: Redis;
  policy: PolicyEngine;
  callOrigin: CallOrigin;
  /**
   * Opens subscription streams at the origin; absent where the runtime cannot hold a response open (Lambda@Edge),
   * where subscriptions answer STREAMING_UNAVAILABLE and clients poll (see README, "Live review queue").
   */
  streamOrigin?: StreamOrigin;
  metrics?: EdgeMetrics;
  background?: Background;
  now?: () => number;
}

/** Does the client ask for server-sent events (a subscription's stream)? */
const wantsEventStream = (accept: string | null) => /(^|,)\s*text\/event-stream\s*(;|,|$)/i.test(accept ?? '');

/**
 * The origin's body as this runtime's own stream, read on demand and cancelled with the client. An origin in the same
 * process (tests) answers with yoga's stream class, which Node's Response would wrap as an async iterable whose
 * close after a cancel throws outside any promise; a native stream around its reader ends cleanly either way.
 */
function passThrough(body: ReadableStream<Uint8Array> | null): ReadableStream<Uint8Array> | null {
  if (!body) return null;
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      try {
        if (done) controller.close();
        else controller.enqueue(value);
      } catch {
        // cancelled while the read was pending: nothing left to deliver
      }
    },
    cancel: (reason) => reader.cancel(reason).catch(() => undefined),
  });
}

function fromOrigin(result: OriginResult, xCache: 'MISS' | 'BYPASS'): Response {
  const headers = new Headers(result.headers);
  headers.set('x-cache', xCache);
  if (!headers.has('cache-control')) headers.set('cache-control', 'private, no-store');
  headers.set('vary', 'authorization, accept');
  return new Response(result.body, { status: result.status, headers });
}

/**
 * The edge: persisted queries only, JWT identity, per-tenant/subject rate limits, reads answered from the tenant-scoped
 * cache (HIT / STALE with one refresh), everything else forwarded to the origin with a signed internal request.
 */
export function createEdgeApp(deps: EdgeDeps) {
  const { config, manifest } = deps;
  const metrics = deps.metrics ?? createEdgeMetrics();
  const now = deps.now ?? Date.now;
  // The hit path's two pure checks, memoised: a verified token until its exp (jwt.ts says why at most 5 minutes), and
  // the scope per attribute set (the policy bundle is fixed for the life of the engine).
  const verify = createVerifier(config.jwt, defaultVerifyMemo);
  const resolveScope = createScopeResolver(deps.policy);
  const warnCacheDown = throttledLog(30_000);
  const rateLimit = createRateLimiter(
    deps.redis,
    config.rateLimits,
    (err) => {
      metrics.inc('cache_fail_open');
      warnCacheDown(`edge: rate limiter unavailable, failing open: ${(err as Error).message}`);
    },
    now,
  );
  const refreshing = new Set<string>();
  const recogniser = new DocumentRecogniser(manifest);

  async function forward(
    identity: Identity,
    req: Request,
    op: Parameters<CallOrigin>[0]['operation'],
    variables: Record<string, unknown>,
    accept: GraphqlMediaType,
  ) {
    metrics.inc('origin_calls');
    return deps.callOrigin({
      operation: op,
      variables,
      identity,
      accept,
      forwardHeaders: pickForwardedHeaders(req.headers),
    });
  }

  /** Errors in the type the client accepts (JSON when it accepts neither: the 406 itself must be readable). */
  const graphqlError = (err: unknown, accept: string | undefined) => {
    const res = errorResponse(err, {
      graphql: { contentType: contentTypeOf(negotiateGraphqlMediaType(accept) ?? applicationJson) },
    });
    // A refusal is about this request only: no shared cache may keep it (an APQ miss is answered once learnt).
    res.headers.set('cache-control', 'no-store');
    res.headers.set('vary', 'authorization, accept');
    return res;
  };

  /** One refresh per key per edge instance; the origin treats the stale entry as a miss and writes a fresh one. */
  function refresh(key: string, run: () => Promise<OriginResult>): Promise<void> | undefined {
    if (refreshing.has(key)) return undefined;
    refreshing.add(key);
    metrics.inc('refreshes');
    return run()
      .then(() => undefined)
      .catch(() => metrics.inc('origin_errors'))
      .finally(() => refreshing.delete(key));
  }

  /**
   * A subscription: the origin's event stream passed through as it comes, never cached (by us or by any shared cache:
   * `no-store`, `vary: authorization`), never buffered by a proxy (`x-accel-buffering: no`); it ends when the client
   * goes away. The signature and the JWT are checked once, when the stream opens.
   */
  async function subscribe(
    identity: Identity,
    req: Request,
    op: Parameters<CallOrigin>[0]['operation'],
    variables: Record<string, unknown>,
    stream: boolean,
  ): Promise<Response> {
    if (!stream) {
      throw new HttpError(406, 'NOT_ACCEPTABLE', `${op.name} is a subscription: send accept: text/event-stream`);
    }
    if (!deps.streamOrigin) {
      throw new HttpError(
        400,
        'STREAMING_UNAVAILABLE',
        `this deployment does not stream subscriptions; poll the query instead (${op.name} is live only where it can stream)`,
      );
    }
    metrics.inc('origin_calls');
    metrics.inc('cache_bypass');
    let res: Response;
    try {
      res = await deps.streamOrigin(
        { operation: op, variables, identity, forwardHeaders: pickForwardedHeaders(req.headers) },
        req.signal,
      );
    } catch (err) {
      if (!(err instanceof OriginUnreachableError)) throw err;
      metrics.inc('origin_errors');
      throw new HttpError(503, 'ORIGIN_UNAVAILABLE', 'the origin is unavailable; retry shortly', {
        'retry-after': '5',
      });
    }
    const headers = new Headers({
      'content-type': res.headers.get('content-type') ?? 'text/event-stream',
      'cache-control': 'private, no-store, no-transform',
      vary: 'authorization, accept',
      'x-cache': 'BYPASS',
      'x-accel-buffering': 'no',
    });
    return new Response(passThrough(res.body), { status: res.status, headers });
  }

  const app = new Hono();
  // Every server error the edge answers (its own 503s and an origin 500 passed through): what the SLO counts as bad.
  app.use(async (c, next) => {
    await next();
    if (c.res.status >= 500) metrics.inc('server_errors');
  });
  app.use(traceRequests());
  app.onError((err, c) => {
    if (err instanceof HttpError && err.code === 'UNAUTHENTICATED') metrics.inc('unauthenticated');
    if (err instanceof HttpError && err.code === 'RATE_LIMITED') metrics.inc('rate_limited');
    return graphqlError(err, c.req.header('accept'));
  });
  app.notFound((c) =>
    graphqlError(
      new HttpError(404, 'NOT_FOUND', 'no such route; GraphQL is served at /graphql'),
      c.req.header('accept'),
    ),
  );

  app.all('/graphql', async (c) => {
    metrics.inc('requests');
    const req = c.req.raw;
    if (req.method !== 'GET' && req.method !== 'POST') {
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `method ${req.method} is not allowed; use GET or POST`, {
        allow: 'GET, POST',
      });
    }
    const acceptHeader = req.headers.get('accept');
    const stream = wantsEventStream(acceptHeader);
    // A stream request's errors (before the stream opens) are JSON like any other refusal.
    const accept = stream
      ? (negotiateGraphqlMediaType(acceptHeader) ?? applicationJson)
      : requireGraphqlMediaType(acceptHeader);
    const identity = await verify(req.headers.get('authorization') ?? undefined);
    metrics.usage(identity.tenant, 'calls');
    let parsed: Awaited<ReturnType<typeof parsePersistedRequest>>;
    try {
      parsed = await parsePersistedRequest(req, recogniser, config.limits);
    } catch (err) {
      // A refused request still counts against the caller's limit, so a flood of bad documents (each one parsed
      // before it is refused) is throttled like any other: past the limit the answer is the 429.
      await rateLimit(identity.tenant, identity.subject, config.timeouts.cacheMs);
      throw err;
    }
    const { operation, variables } = parsed;
    // What the collector's tail-sampling policies key on (SLO threshold per kind); the tenant for per-tenant views.
    trace.getActiveSpan()?.setAttributes({
      'graphgate.operation': operation.name,
      'graphgate.operation.kind': operation.kind,
      'graphgate.tenant': identity.tenant,
    });
    // A cacheable read asks the limiter and the cache in ONE script run (one command to Upstash per hit); anything
    // else asks the limiter alone. Either way the limit is checked before any other refusal below.
    let readKey: string | undefined;
    if (operation.kind === 'read' && !operation.sensitive && operation.cacheTtlMs !== 0) {
      const scopeFingerprint = resolveScope(identity.attributes as CallerAttributes).fingerprint;
      try {
        readKey = requestCacheKey({
          operation,
          variables,
          identity,
          scopeFingerprint,
          schemaVersion: manifest.schemaVersion,
        });
      } catch (err) {
        await rateLimit(identity.tenant, identity.subject, config.timeouts.cacheMs);
        throw err;
      }
    }
    const t = now();
    const limitCheck = rateLimit(identity.tenant, identity.subject, config.timeouts.cacheMs, readKey);
    let limitHeaders: Record<string, string> = {};
    const withLimits = (res: Response) => {
      for (const [k, v] of Object.entries(limitHeaders)) res.headers.set(k, v);
      return res;
    };

    if (operation.kind === 'subscription') {
      limitHeaders = (await limitCheck).headers;
      return withLimits(await subscribe(identity, req, operation, variables, stream));
    }
    if (stream && !negotiateGraphqlMediaType(acceptHeader)) {
      await limitCheck;
      throw new HttpError(406, 'NOT_ACCEPTABLE', `${operation.name} is not a subscription: accept ${applicationJson}`);
    }

    if (readKey === undefined) {
      limitHeaders = (await limitCheck).headers;
      metrics.inc('cache_bypass');
      const result = await forward(identity, req, operation, variables, accept).catch((err) => {
        if (err instanceof OriginUnreachableError) {
          metrics.inc('origin_errors');
          throw new HttpError(503, 'ORIGIN_UNAVAILABLE', 'the origin is unavailable; retry shortly', {
            'retry-after': '5',
          });
        }
        throw err;
      });
      if (result.status >= 500) metrics.inc('origin_errors');
      return withLimits(fromOrigin(result, 'BYPASS'));
    }

    const admitted = await limitCheck;
    limitHeaders = admitted.headers;
    const found = classify(readKey, admitted.read ?? { entry: undefined }, t);

    if (found.state === 'unavailable') {
      metrics.inc('cache_fail_open');
      warnCacheDown(`edge: cache unavailable, reads go to the origin: ${(found.error as Error).message}`);
    }
    if (found.state === 'fresh' || found.state === 'stale') {
      const entry = found.entry;
      if (found.state === 'stale') {
        metrics.inc('cache_stale');
        const work = refresh(found.key, () => forward(identity, req, operation, variables, accept));
        if (work && deps.background) deps.background(work);
        else if (work) await work; // no waitUntil on this runtime (Lambda@Edge): refresh inline, then answer stale
      } else {
        metrics.inc('cache_hit');
      }
      metrics.usage(identity.tenant, 'cache_hits');
      const headers = cachedHeaders(entry, found.state === 'fresh' ? 'HIT' : 'STALE', t, accept);
      if (etagMatches(req.headers.get('if-none-match'), entry.etag)) {
        metrics.inc('cache_not_modified');
        return withLimits(new Response(null, { status: 304, headers }));
      }
      return withLimits(new Response(entry.body, { status: 200, headers }));
    }

    metrics.inc('cache_miss');
    let result: OriginResult | undefined;
    try {
      result = await forward(identity, req, operation, variables, accept);
    } catch (err) {
      if (!(err instanceof OriginUnreachableError)) throw err;
    }
    if (result && result.status < 500) return withLimits(fromOrigin(result, 'MISS'));
    metrics.inc('origin_errors');
    throw new HttpError(
      503,
      'ORIGIN_UNAVAILABLE',
      'the origin is unavailable and no cached response is held; retry shortly',
      {
        'retry-after': '5',
      },
    );
  });

  return { app, metrics };
}
