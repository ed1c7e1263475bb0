import { HttpError, parseJsonRequest, readCappedText, requireJsonMediaType } from '../functions/core/http/index.js';
import { parseDocumentId } from '../functions/core/manifest/ids.js';
import type { ManifestEntry } from '../functions/core/manifest/index.js';
import type { DocumentRecogniser } from '../functions/core/manifest/recognise.js';

/** A validated request for a registered operation. */
export interface PersistedRequest {
  operation: ManifestEntry;
  variables: Record<string, unknown>;
}

interface RawParams {
  query?: unknown;
  documentId?: unknown;
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
      documentId: q.get('documentId') ?? undefined,
      operationName: q.get('operationName') ?? undefined,
      variables: parseJsonParam('variables', q.get('variables') ?? undefined),
      extensions: parseJsonParam('extensions', q.get('extensions') ?? undefined),
    };
  }
  // Only GET and POST reach here: the route answers other methods with 405 before reading anything.
  requireJsonMediaType(request.headers);
  // Depth and size are checked as it is parsed: the variables feed JSON.stringify and the cache key, which must
  // never see a value deep enough to exhaust the stack of a cold process.
  const body = parseJsonRequest(await readCappedText(request, maxBodyBytes));
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'BAD_REQUEST', 'request body must be a JSON object (batched requests are not supported)');
  }
  return body as RawParams;
}

const badRequest = (message: string) => new HttpError(400, 'BAD_REQUEST', message);

/** A parameter that must be a string when present; `null` counts as absent (the spec allows it). */
function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`${name} must be a string`);
  return value;
}

/** A parameter that must be a JSON object (a map) when present; `null` counts as absent. */
function optionalMap(value: unknown, name: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest(`${name} must be a JSON object (a map)`);
  return value as Record<string, unknown>;
}

/** The APQ hash from `extensions.persistedQuery`, checked for shape and version. */
function apqHash(extensions: Record<string, unknown> | undefined): string | undefined {
  const pq = extensions?.persistedQuery;
  if (pq === undefined || pq === null) return undefined;
  if (typeof pq !== 'object' || Array.isArray(pq)) throw badRequest('extensions.persistedQuery must be an object');
  const { sha256Hash, version } = pq as { sha256Hash?: unknown; version?: unknown };
  if (version !== undefined && version !== 1) throw badRequest('extensions.persistedQuery.version must be 1');
  if (typeof sha256Hash !== 'string') throw badRequest('extensions.persistedQuery.sha256Hash must be a string');
  return sha256Hash;
}

/** APQ clients retry with the document only on this exact message or code (Apollo, urql). */
const apqNotFound = () =>
  new HttpError(
    400,
    'PERSISTED_QUERY_NOT_FOUND',
    'PersistedQueryNotFound',
    {},
    {
      hint: 'the id is not registered; send the registered document in query, or register it as a trusted document',
    },
  );

const notInList = (message: string) => new HttpError(400, 'PERSISTED_QUERY_NOT_IN_LIST', message);

/**
 * The registered operation a request names, in any of the shapes clients send: `documentId` (GraphQL over HTTP,
 * persisted documents), `extensions.persistedQuery.sha256Hash` (APQ), or the document itself in `query`, which must
 * normalise to a registered document (nothing is registered at run time).
 */
function resolveOperation(params: RawParams, operationName: string | undefined, recogniser: DocumentRecogniser) {
  const extensions = optionalMap(params.extensions, 'extensions');
  const hash = apqHash(extensions);
  const documentId = optionalString(params.documentId, 'documentId');
  const query = optionalString(params.query, 'query');
  const ids = [documentId, hash].filter((id): id is string => id !== undefined);
  const byId = (id: string) => (id.length <= 80 ? recogniser.byId(id) : undefined);
  const mismatch = () =>
    new HttpError(400, 'PERSISTED_QUERY_HASH_MISMATCH', 'the ids and the document sent do not name the same operation');

  if (query !== undefined && query !== '') {
    const found = recogniser.recognise(query, operationName);
    if ('reason' in found) {
      if (found.reason === 'syntax') throw new HttpError(400, 'GRAPHQL_PARSE_FAILED', found.message);
      if (found.reason === 'operation') throw badRequest(found.message);
      throw notInList(found.message);
    }
    // Every id sent beside the document must name it: a registered id of the same entry, or (an APQ retry) the
    // sha256 of the very text sent.
    for (const id of ids) {
      const named = byId(id);
      const parsed = parseDocumentId(id);
      const sameText = parsed?.algorithm === 'sha256' && parsed.hex === found.textHash;
      if (named ? named.id !== found.entry.id : !sameText) throw mismatch();
    }
    return found.entry;
  }
  if (ids.length === 0) {
    throw new HttpError(
      400,
      'PERSISTED_QUERY_ONLY',
      'send a registered operation: documentId, extensions.persistedQuery.sha256Hash, or its registered document in query',
    );
  }
  const entries = ids.map(byId);
  if (entries.length === 2 && entries[0]?.id !== entries[1]?.id) {
    throw badRequest('documentId and extensions.persistedQuery.sha256Hash name different documents');
  }
  if (entries[0]) return entries[0];
  if (documentId === undefined) throw apqNotFound();
  throw notInList('the documentId is not in the trusted-document registry');
}

/**
 * Parses and validates a request for a registered operation (POST body or GET parameters) against the registry.
 * Equivalent requests — any id shape, or the document — resolve to the same entry, so they share one cache key.
 * Throws HttpError with a stable code for every way it can be wrong.
 */
export async function parsePersistedRequest(
  request: Request,
  recogniser: DocumentRecogniser,
  limits: { maxBodyBytes: number; maxVariablesBytes: number },
): Promise<PersistedRequest> {
  const url = new URL(request.url);
  const params = await rawParams(request, url, limits.maxBodyBytes);
  const operationName = optionalString(params.operationName, 'operationName');
  const operation = resolveOperation(params, operationName || undefined, recogniser);
  if (operationName && operationName !== operation.name) {
    throw badRequest(
      `operationName ${operationName.slice(0, 80)} does not match the registered operation ${operation.name}`,
    );
  }
  if (operation.kind === 'write' && request.method === 'GET') {
    throw new HttpError(405, 'METHOD_NOT_ALLOWED', 'mutations must be sent with POST', { allow: 'POST' });
  }
  const variables = optionalMap(params.variables, 'variables') ?? {};
  if (utf8Length(JSON.stringify(variables)) > limits.maxVariablesBytes) {
    throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `variables are larger than ${limits.maxVariablesBytes} bytes`);
  }
  return { operation, variables };
}
