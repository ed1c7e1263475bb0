import { operationByName } from '../../core/manifest/index.js';
import { type InternalClaims, type SigningKey, signInternalRequest } from '../../core/signing/internal-request.js';

export const testKey: SigningKey = { kid: 'test', secret: 'unit-test-signing-secret' };

export interface GqlCall {
  tenant: string;
  subject?: string;
  attributes?: Record<string, unknown>;
  /** A persisted operation by name … */
  operation?: string;
  /** … or a raw id / raw body for bad-input tests. */
  id?: string;
  variables?: Record<string, unknown>;
  /** Overrides the whole JSON body (malformed cases). */
  rawBody?: string;
  key?: SigningKey;
  unsigned?: boolean;
  headers?: Record<string, string>;
  base?: string;
  /** URL path (default `/graphql`); the signature covers it. */
  path?: string;
}

/** Builds an edge-signed APQ POST to the origin, as the edge would send it. */
export async function signedGraphqlRequest(call: GqlCall): Promise<Request> {
  const id = call.id ?? (call.operation ? operationByName(call.operation).id : undefined);
  const body =
    call.rawBody ??
    JSON.stringify({
      operationName: call.operation,
      variables: call.variables ?? {},
      extensions: id ? { persistedQuery: { version: 1, sha256Hash: id } } : undefined,
    });
  const claims: InternalClaims = {
    tenant: call.tenant,
    subject: call.subject ?? 'tester',
    attributes: call.attributes ?? { roles: ['analyst'] },
  };
  const path = call.path ?? '/graphql';
  const signed = call.unsigned
    ? {}
    : await signInternalRequest(call.key ?? testKey, { method: 'POST', path, body, headers: call.headers }, claims);
  return new Request(`${call.base ?? 'http://origin.local'}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signed, ...call.headers },
    body,
  });
}
