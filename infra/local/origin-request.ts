/** Requests to the GraphQL origin built the way the edge builds them, for local tools and benchmarks. */
import { operationByName } from '../../functions/core/manifest/index.js';
import {
  type InternalClaims,
  type SigningKey,
  signInternalRequest,
} from '../../functions/core/signing/internal-request.js';

/** The JSON body of a persisted-query POST of operation `name` (its manifest id as the APQ hash). */
export function persistedQueryBody(name: string, variables: Record<string, unknown> = {}): string {
  const op = operationByName(name);
  return JSON.stringify({
    operationName: op.name,
    variables,
    extensions: { persistedQuery: { version: 1, sha256Hash: op.id } },
  });
}

/** One persisted operation sent straight to the origin. */
export interface OriginCall {
  /** The origin's GraphQL URL; its path is part of the signature. */
  url: string;
  /** The edge↔origin key to sign with (the twin's: `ensureDevKeys().signing`). */
  key: SigningKey;
  operation: string;
  variables?: Record<string, unknown>;
  claims: InternalClaims;
  /** Extra headers; the forwarded ones among them (bookmark, step-up grant) are signed as the edge signs them. */
  headers?: Record<string, string>;
}

/**
 * A persisted-operation POST signed with the internal-request HMAC, as the edge sends it to the origin.
 * @example await fetch(await signedOriginRequest({ url, key: ensureDevKeys().signing, operation: 'Search', claims }));
 */
export async function signedOriginRequest(call: OriginCall): Promise<Request> {
  const url = new URL(call.url);
  const body = persistedQueryBody(call.operation, call.variables);
  const signed = await signInternalRequest(
    call.key,
    { method: 'POST', path: url.pathname, body, headers: call.headers },
    call.claims,
  );
  return new Request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signed, ...call.headers },
    body,
  });
}
