import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Stable error codes of the edge; clients branch on `code`, never on the message. */
export type EdgeErrorCode =
  | 'PERSISTED_QUERY_NOT_IN_LIST'
  | 'PERSISTED_QUERY_ONLY'
  | 'BAD_REQUEST'
  | 'PAYLOAD_TOO_LARGE'
  | 'METHOD_NOT_ALLOWED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNAUTHENTICATED'
  | 'RATE_LIMITED'
  | 'ORIGIN_UNAVAILABLE'
  | 'NOT_FOUND';

/** An edge failure with its status, stable code and extra headers; turned into a response only in `onError`. */
export class EdgeError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: EdgeErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(status, { message });
  }
}

/** The one mapping from errors to responses at the edge: GraphQL-shaped JSON with `code`, never a stack. */
export function errorResponse(err: unknown): Response {
  if (err instanceof EdgeError) {
    return new Response(
      JSON.stringify({ errors: [{ message: err.message, extensions: { code: err.code } }], code: err.code }),
      { status: err.status, headers: { 'content-type': 'application/json', ...err.headers } },
    );
  }
  if (err instanceof HTTPException) {
    return new Response(
      JSON.stringify({ errors: [{ message: err.message, extensions: { code: 'BAD_REQUEST' } }], code: 'BAD_REQUEST' }),
      {
        status: err.status,
        headers: { 'content-type': 'application/json' },
      },
    );
  }
  console.error('edge: unexpected error', err instanceof Error ? err.message : err);
  return new Response(
    JSON.stringify({ errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }),
    { status: 500, headers: { 'content-type': 'application/json' } },
  );
}
