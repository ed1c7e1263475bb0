/**
 * The HTTP error of every web surface (edge, intake, step-up, origin) and the one writer that turns errors into
 * responses. Clients branch on the JSON `code` or `errors[0].extensions.code`, never on the message; anything
 * unexpected is a masked 500 and its stack never leaves the process.
 */
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * A request-level failure with its status, stable code, extra headers (Retry-After, WWW-Authenticate, Allow, …) and
 * optional details a client can act on (validation issues). A Hono `HTTPException`, so a Hono app without its own
 * `onError` still answers with the same body.
 * @example throw new HttpError(413, 'PAYLOAD_TOO_LARGE', 'request body is larger than 16384 bytes');
 */
export class HttpError extends HTTPException {
  override name = 'HttpError';

  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly details?: unknown,
  ) {
    super(status, { message });
  }

  override getResponse(): Response {
    return errorResponse(this);
  }
}

/** How {@link errorResponse} reports what it masks. */
export interface ErrorResponseOptions {
  /** Receives unexpected errors (their message only); defaults to one JSON line on stderr. */
  log?: (entry: Record<string, unknown>) => void;
  /** Message of the masked 500: what the client can do about it. */
  maskedMessage?: string;
  /**
   * Answer as a GraphQL-over-HTTP surface: the body is `{ errors: [{ message, extensions: { code, details? } }] }`
   * and nothing else, in the negotiated `contentType`.
   */
  graphql?: { contentType: string };
}

/** The JSON error body: `code`, `message`, `details` for REST clients, also `errors[]` for GraphQL clients. */
function restBody(code: string, message: string, details?: unknown) {
  return {
    code,
    message,
    errors: [{ message, extensions: { code } }],
    ...(details === undefined ? {} : { details }),
  };
}

/** The GraphQL-over-HTTP error body: only `errors`, the code (and any details) under `extensions`. */
function graphqlBody(code: string, message: string, details?: unknown) {
  return { errors: [{ message, extensions: { code, ...(details === undefined ? {} : { details }) } }] };
}

const stderrLog = (entry: Record<string, unknown>) => console.error(JSON.stringify(entry));

/**
 * The one mapping from errors to HTTP responses: an {@link HttpError} keeps its status, code and headers; any other
 * `HTTPException` (thrown by Hono itself) is a `BAD_REQUEST` with its status; everything else is logged and answered
 * as a masked 500 `INTERNAL_SERVER_ERROR`.
 * @example app.onError((err) => errorResponse(err, { log }));
 */
export function errorResponse(err: unknown, options: ErrorResponseOptions = {}): Response {
  const body = options.graphql ? graphqlBody : restBody;
  const json = (status: number, value: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(value), {
      status,
      headers: { 'content-type': options.graphql?.contentType ?? 'application/json', ...headers },
    });
  if (err instanceof HttpError) return json(err.status, body(err.code, err.message, err.details), err.headers);
  if (err instanceof HTTPException) return json(err.status, body('BAD_REQUEST', err.message));
  (options.log ?? stderrLog)({
    level: 'error',
    msg: 'unexpected error',
    error: err instanceof Error ? err.message : String(err),
  });
  return json(500, body('INTERNAL_SERVER_ERROR', options.maskedMessage ?? 'Unexpected error.'));
}
