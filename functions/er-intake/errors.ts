/**
 * Errors of the intake API, each with its HTTP status and stable code, turned into a response in exactly one place
 * (`errorResponse`). Stack traces and unexpected messages never leave the process.
 */
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Stable codes of the intake API (request-level and per-event). */
export type IntakeErrorCode =
  | 'BAD_REQUEST'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'NOT_FOUND'
  | 'INVALID_EVENT'
  | 'DUPLICATE_KEY_CONFLICT'
  | 'ENQUEUE_FAILED';

/** A request-level failure; `headers` carry Retry-After, WWW-Authenticate and the like. */
export class IntakeError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: IntakeErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly details?: unknown,
  ) {
    super(status, { message });
  }
}

/** The one mapping from errors to responses: `{code, message}` JSON; anything unexpected is a masked 500. */
export function errorResponse(err: unknown, log: (e: Record<string, unknown>) => void = () => {}): Response {
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
  if (err instanceof IntakeError) {
    return json(
      err.status,
      { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) },
      err.headers,
    );
  }
  // The shared JWT verifier (edge/auth.ts) throws the edge's HTTPException subclass with a code and headers.
  if (err instanceof HTTPException) {
    const e = err as HTTPException & { code?: string; headers?: Record<string, string> };
    return json(err.status, { code: e.code ?? 'BAD_REQUEST', message: err.message }, e.headers ?? {});
  }
  log({ level: 'error', msg: 'intake: unexpected error', error: err instanceof Error ? err.message : String(err) });
  return json(500, {
    code: 'INTERNAL',
    message: 'Unexpected error; nothing was enqueued for the events not listed as accepted.',
  });
}
