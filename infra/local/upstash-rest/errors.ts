/**
 * Errors of the local Upstash-REST endpoint. Each carries the HTTP status it maps to; server.ts turns them into
 * `{ error }` JSON bodies in one place. Redis error *replies* are data (resp.ts `RespErrorReply`), not these.
 */
export class RestRequestError extends Error {
  override name = 'RestRequestError';
  constructor(
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Redis cannot be reached, the connection dropped while a request waited, or the reply did not come in time. */
export class RedisUnavailableError extends RestRequestError {
  override name = 'RedisUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(503, `redis unavailable: ${message}`, options);
  }
}
