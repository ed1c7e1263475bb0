/**
 * JSON request bodies on every web surface (edge, origin, intake, step-up): one media-type rule and one parse that
 * refuses what later code could not walk, each failure a 4xx with a stable code.
 */
import { assertJsonWithin, defaultJsonLimits, JsonLimitError, type JsonLimits } from '../json/limits.js';
import { HttpError } from './errors.js';

/** The media type of `content-type`, lower-cased, without parameters (`application/json; charset=utf-8` → `application/json`). */
export function mediaType(headers: Headers): string {
  return (headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Throws 415 `UNSUPPORTED_MEDIA_TYPE` unless the body is declared `application/json`. Exact match: look-alikes such as
 * `application/jsonp` or `application/graphql-response+json` (a response type) are refused.
 */
export function requireJsonMediaType(headers: Headers, what = 'the request body'): void {
  const type = mediaType(headers);
  if (type !== 'application/json') {
    throw new HttpError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `send ${what} as application/json${type ? `, not ${type.slice(0, 80)}` : ''}`,
    );
  }
  // JSON is UTF-8 (RFC 8259); a body declared in another charset would be misread, so it is refused.
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(headers.get('content-type') ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `send ${what} as UTF-8, not ${charset.slice(0, 40)}`);
  }
}

/** Maps a {@link JsonLimitError} to its 400 (same code, same message). */
export function jsonLimitHttpError(err: JsonLimitError): HttpError {
  return new HttpError(400, err.code, err.message, {}, err.context);
}

/**
 * Parses request JSON and checks it against `limits`: 400 `BAD_REQUEST` when it is not JSON, 400 `JSON_TOO_DEEP` or
 * `JSON_TOO_MANY_VALUES` when it is too nested or too large to handle safely.
 * @example const body = parseJsonRequest(await readCappedText(req, max), { what: 'request body' });
 */
export function parseJsonRequest(text: string, options: { what?: string; limits?: JsonLimits } = {}): unknown {
  const what = options.what ?? 'request body';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', `${what} is not valid JSON`);
  }
  checkJsonRequest(value, { what, limits: options.limits });
  return value;
}

/** {@link assertJsonWithin} for an already parsed request value, as the same 400 {@link parseJsonRequest} gives. */
export function checkJsonRequest(value: unknown, options: { what?: string; limits?: JsonLimits } = {}): void {
  try {
    assertJsonWithin(value, options.limits ?? defaultJsonLimits, options.what ?? 'request body');
  } catch (err) {
    if (err instanceof JsonLimitError) throw jsonLimitHttpError(err);
    throw err;
  }
}
