import { HttpError, parseJsonRequest, readCappedText, requireJsonMediaType } from '../functions/core/http/index.js';
import { findOperation, type Manifest, type ManifestEntry } from '../functions/core/manifest/index.js';

/** A validated persisted-query request. */
export interface PersistedRequest {
  operation: ManifestEntry;
  variables: Record<string, unknown>;
}

interface RawParams {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

const utf8Length = (s: string) => new TextEncoder().encode(s).byteLength;

function parseJsonParam(name: string, text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  return parseJsonRequest(text, { what: `query parameter ${name}` });
}

async function rawParams(request: Request, url: URL, maxBodyBytes: number): Promise<RawParams> {
  if (request.method === 'GET') {
    const q = url.searchParams;
    return {
      query: q.get('query') ?? undefined,
      operationName: q.get('operationName') ?? undefined,
      variables: parseJsonParam('variables', q.get('variables') ?? undefined),
      extensions: parseJsonParam('extensions', q.get('extensions') ?? undefined),
    };
  }
  if (request.method !== 'POST') {
    throw new HttpError(405, 'METHOD_NOT_ALLOWED', `method ${request.method} is not allowed; use GET or POST`, {
      allow: 'GET, POST',
    });
  }
  requireJsonMediaType(request.headers);
  // Depth and size are checked as it is parsed: the variables feed JSON.stringify and the cache key, which must
  // never see a value deep enough to exhaust the stack of a cold process.
  const body = parseJsonRequest(await readCappedText(request, maxBodyBytes));
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'BAD_REQUEST', 'request body must be a JSON object (batched requests are not supported)');
  }
  return body as RawParams;
}

/**
 * Parses and validates a persisted-query request (APQ shape, POST body or GET parameters) against the manifest.
 * Throws HttpError with a stable code for every way it can be wrong.
 */
export async function parsePersistedRequest(
  request: Request,
  manifest: Manifest,
  limits: { maxBodyBytes: number; maxVariablesBytes: number },
): Promise<PersistedRequest> {
  const url = new URL(request.url);
  const params = await rawParams(request, url, limits.maxBodyBytes);
  if (params.query !== undefined && params.query !== null && params.query !== '') {
    throw new HttpError(
      400,
      'PERSISTED_QUERY_ONLY',
      'this endpoint only runs persisted operations: send extensions.persistedQuery.sha256Hash, not a document',
    );
  }
  const pq = (params.extensions as { persistedQuery?: { sha256Hash?: unknown; version?: unknown } } | undefined)
    ?.persistedQuery;
  const hash = pq?.sha256Hash;
  if (typeof hash !== 'string') {
    throw new HttpError(400, 'PERSISTED_QUERY_ONLY', 'missing extensions.persistedQuery.sha256Hash');
  }
  if (pq?.version !== undefined && pq.version !== 1) {
    throw new HttpError(400, 'BAD_REQUEST', 'extensions.persistedQuery.version must be 1');
  }
  const operation = /^[a-f0-9]{64}$/.test(hash) ? findOperation(hash, manifest) : undefined;
  if (!operation) {
    throw new HttpError(
      400,
      'PERSISTED_QUERY_NOT_IN_LIST',
      'the operation id is not in the persisted-operation manifest',
    );
  }
  if (params.operationName != null && params.operationName !== operation.name) {
    throw new HttpError(
      400,
      'BAD_REQUEST',
      `operationName ${String(params.operationName)} does not match the persisted operation ${operation.name}`,
    );
  }
  if (operation.kind === 'write' && request.method === 'GET') {
    throw new HttpError(405, 'METHOD_NOT_ALLOWED', 'mutations must be sent with POST', { allow: 'POST' });
  }
  const variables = params.variables ?? {};
  if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
    throw new HttpError(400, 'BAD_REQUEST', 'variables must be a JSON object');
  }
  if (utf8Length(JSON.stringify(variables)) > limits.maxVariablesBytes) {
    throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `variables are larger than ${limits.maxVariablesBytes} bytes`);
  }
  return { operation, variables: variables as Record<string, unknown> };
}
