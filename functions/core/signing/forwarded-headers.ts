/**
 * The client headers the edge forwards to the origin. The internal-request signature covers each of them, so a header
 * added, dropped or changed between edge and origin breaks the signature. Signer and verifier read this one list.
 */

/** The sealed read-your-writes bookmark a client sends back after a write (see ./bookmark.ts). */
export const bookmarkHeader = 'x-gg-bookmark';

/** The step-up grant a client sends with a sensitive operation. */
export const stepUpGrantHeader = 'x-gg-step-up-grant';

/** Every forwarded header, in signing order. */
export const forwardedHeaders = [bookmarkHeader, stepUpGrantHeader] as const;

/**
 * The W3C trace-context headers the edge adds for its own span (never copied from the client). Signed like the
 * forwarded headers, so the trace id the origin writes into the audit ledger is the one the edge sent.
 */
export const signedTraceHeaders = ['traceparent', 'tracestate'] as const;

/** Every header the internal-request signature covers, in signing order. */
export const signedHeaders = [...forwardedHeaders, ...signedTraceHeaders] as const;

/** The forwarded headers present in `headers`, by name (what the edge sends on). */
export function pickForwardedHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of forwardedHeaders) {
    const value = headers.get(name);
    if (value) out[name] = value;
  }
  return out;
}
