import { Redis, type Requester } from '@upstash/redis';
import { type Manifest, manifest } from '../../functions/core/manifest/index.js';
import type { PolicyEngine } from '../../functions/core/policy/index.js';
import { type Background, createEdgeApp } from '../app.js';
import type { EdgeConfig } from '../config.js';
import { createOriginClient, createOriginStream } from '../origin.js';

/** Builds the edge app from a validated config; the adapters differ only in how they get config, policy and waitUntil. */
export function buildEdge(
  config: EdgeConfig,
  policy: PolicyEngine,
  background: Background,
  /**
   * Seams: the hop to the origin, the clock, a registry other than the bundled one, and the Upstash transport (the
   * Node adapter brings a keep-alive undici pool; elsewhere @upstash/redis's fetch client).
   */
  seams: { fetch?: typeof fetch; now?: () => number; manifest?: Manifest; upstash?: Requester } = {},
) {
  // One retry at most: the edge has its own timeout and fails open; the client's default 5 retries would hold requests.
  // UTF-8 replies: everything the edge reads is JSON text or numbers, and base64 costs a per-byte loop in JS.
  // No automatic deserialisation: the edge reads only its script's reply (numbers, and strings it reads as they are),
  // and the client's try-JSON.parse-every-string threw twice per hit (ratelimit.ts, cache-read.ts say why `#…`).
  const redis = seams.upstash
    ? new PipelinedRedis(seams.upstash).pipelined()
    : new Redis({
        url: config.upstash.url,
        token: config.upstash.token,
        retry: { retries: 1, backoff: () => 20 },
        responseEncoding: false,
        automaticDeserialization: false,
      });
  const callOrigin = createOriginClient({
    originUrl: config.originUrl,
    signingKey: config.signingKey,
    timeoutMs: config.timeouts.originMs,
    fetch: seams.fetch,
  });
  const originOptions = {
    originUrl: config.originUrl,
    signingKey: config.signingKey,
    timeoutMs: config.timeouts.originMs,
  };
  return createEdgeApp({
    config,
    manifest: seams.manifest ?? manifest,
    redis,
    policy,
    callOrigin,
    // A runtime that keeps running after it answers (Node, Workers) can hold a stream open; Lambda@Edge cannot.
    streamOrigin: background ? createOriginStream({ ...originOptions, fetch: seams.fetch }) : undefined,
    background,
    now: seams.now,
  });
}

/**
 * A client over a transport of our own that auto-pipelines as the url/token client does (built from a requester,
 * @upstash/redis leaves auto-pipelining off): a hit's limit check and cache read, sent in one tick, go out as one
 * `POST /pipeline` instead of two calls.
 */
class PipelinedRedis extends Redis {
  constructor(requester: Requester) {
    super(requester);
    // What the url/token client above takes as an option; built from a requester, the client has no way to say it.
    this.opts = { ...this.opts, automaticDeserialization: false };
  }

  pipelined(): Redis {
    return this.autoPipeline();
  }
}
