/**
 * Request-shape limits of the origin (a yoga plugin), checked before anything walks the request: POST bodies are
 * `application/json` only, and variables and extensions must be within the JSON depth and size limits that every
 * surface shares (core/json/limits.ts). Register it after the signature check, so unsigned callers learn nothing more.
 */
import type { Plugin } from 'graphql-yoga';
import { errorResponse, requireJsonMediaType } from '../core/http/index.js';
import { assertJsonWithin, defaultJsonLimits, JsonLimitError, type JsonLimits } from '../core/json/limits.js';
import { clientError } from './errors.js';

/** The plugin; `limits` default to {@link defaultJsonLimits}. */
export function useRequestLimits(limits: JsonLimits = defaultJsonLimits): Plugin {
  return {
    onRequest({ request, endResponse }) {
      if (request.method !== 'POST') return;
      // yoga itself would also parse multipart, form, application/graphql and application/graphql+json bodies (and
      // answer anything else with an empty 415): the edge only ever sends JSON, so nothing else is read, with a code.
      try {
        requireJsonMediaType(request.headers);
      } catch (err) {
        endResponse(errorResponse(err));
      }
    },
    onParams({ params }) {
      try {
        assertJsonWithin(params.variables ?? null, limits, 'variables');
        assertJsonWithin(params.extensions ?? null, limits, 'extensions');
      } catch (err) {
        if (!(err instanceof JsonLimitError)) throw err;
        throw clientError(err.code, err.message, { http: { status: 400 } });
      }
    },
  };
}
