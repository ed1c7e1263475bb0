import type { Identity } from '../functions/core/auth/index.js';
import type { ManifestEntry } from '../functions/core/manifest/index.js';
import { type SigningKey, signInternalRequest } from '../functions/core/signing/internal-request.js';
import { traceHeaders } from '../functions/core/telemetry/propagation.js';

/** Response headers from the origin that matter to clients; the rest (hop-by-hop, server details) stay behind. */
const passThrough = ['content-type', 'x-gg-bookmark', 'www-authenticate', 'retry-after', 'cache-control'];

export interface OriginCall {
  operation: ManifestEntry;
  variables: Record<string, unknown>;
  identity: Identity;
  /** The response media type the client negotiated; the origin answers in it (status codes follow it). */
  accept?: string;
  /** Client headers to forward (read-your-writes bookmark, step-up grant); the signature covers them. */
  forwardHeaders?: Record<string, string>;
}

export interface OriginResult {
  status: number;
  headers: Headers;
  body: string;
}

/** Thrown when the origin cannot be reached in time (network error or timeout). */
export class OriginUnreachableError extends Error {
  override name = 'OriginUnreachableError';
}

/** The body and headers of the signed internal request for one call. */
async function signedCall(key: SigningKey, url: URL, call: OriginCall) {
  const body = JSON.stringify({
    operationName: call.operation.name,
    variables: call.variables,
    extensions: { persistedQuery: { version: 1, sha256Hash: call.operation.id } },
  });
  // The edge's own trace context goes along (and under the signature), so origin and Neo4j spans join its trace.
  const sent = { ...call.forwardHeaders, ...traceHeaders() };
  const signed = await signInternalRequest(
    key,
    { method: 'POST', path: url.pathname, body, headers: sent },
    {
      tenant: call.identity.tenant,
      subject: call.identity.subject,
      attributes: call.identity.attributes,
      sessionId: call.identity.sessionId,
    },
  );
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: call.accept ?? 'application/graphql-response+json',
    ...sent,
    ...signed,
  };
  return { headers, body };
}

/**
 * Sends a persisted operation to the origin with the signed internal request it requires, bounded by `timeoutMs`.
 */
export function createOriginClient(options: {
  originUrl: string;
  signingKey: SigningKey;
  timeoutMs: number;
  fetch?: typeof fetch;
}) {
  const url = new URL(options.originUrl);
  const doFetch = options.fetch ?? fetch;
  return async function callOrigin(call: OriginCall): Promise<OriginResult> {
    const { headers: sent, body } = await signedCall(options.signingKey, url, call);
    let res: Response;
    try {
      res = await doFetch(url, {
        method: 'POST',
        headers: sent,
        body,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (cause) {
      throw new OriginUnreachableError(`origin unreachable: ${(cause as Error).message}`, { cause });
    }
    const headers = new Headers();
    for (const h of passThrough) {
      const v = res.headers.get(h);
      if (v) headers.set(h, v);
    }
    return { status: res.status, headers, body: await res.text() };
  };
}
export type CallOrigin = ReturnType<typeof createOriginClient>;

/**
 * Opens a subscription's event stream at the origin (signed like every call) and hands back the origin's response
 * with its body unread, so the caller passes the stream through. `timeoutMs` bounds only the wait for the response
 * head; the stream then lasts until the origin ends it or `signal` (the client going away) aborts it.
 */
export function createOriginStream(options: {
  originUrl: string;
  signingKey: SigningKey;
  timeoutMs: number;
  fetch?: typeof fetch;
}) {
  const url = new URL(options.originUrl);
  const doFetch = options.fetch ?? fetch;
  return async function streamOrigin(call: OriginCall, signal: AbortSignal): Promise<Response> {
    const { headers, body } = await signedCall(options.signingKey, url, { ...call, accept: 'text/event-stream' });
    const abort = new AbortController();
    const onAbort = () => abort.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const headTimer = setTimeout(() => abort.abort(), options.timeoutMs);
    try {
      return await doFetch(url, { method: 'POST', headers, body, signal: abort.signal });
    } catch (cause) {
      signal.removeEventListener('abort', onAbort);
      throw new OriginUnreachableError(`origin unreachable: ${(cause as Error).message}`, { cause });
    } finally {
      clearTimeout(headTimer);
    }
  };
}
export type StreamOrigin = ReturnType<typeof createOriginStream>;
