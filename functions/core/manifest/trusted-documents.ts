/**
 * Trusted documents as client tooling writes them, so an app team registers its operations with the file its own
 * build already produces:
 * - Apollo's persisted-query manifest (`@apollo/generate-persisted-query-manifest`):
 *   `{ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [{ id, name, type, body }] }`;
 * - GraphQL Codegen client preset `persisted-documents.json`: `{ "<hash>": "<document>" }` (sha1 or sha256).
 *
 * Every id must be the hash of its body (sha256 or sha1, hex, optionally `sha256:`-prefixed as the GraphQL-over-HTTP
 * persisted-documents appendix writes it): a registry entry whose id does not match its document is refused, since
 * the id is all a client sends.
 */
import { createHash } from 'node:crypto';
import { DomainError } from '../errors.js';
import { parseDocumentId } from './ids.js';

/** One registered document as a client tool wrote it, its id verified against its text. */
export interface TrustedDocument {
  /** The id as the client sends it, lower-case hex without an algorithm prefix. */
  id: string;
  body: string;
  /** Where it came from, for error messages (`file#index`). */
  origin: string;
}

/** A trusted-document file that cannot be registered (bad shape, an id that is not its document's hash). */
export class TrustedDocumentError extends DomainError<'TRUSTED_DOCUMENT_INVALID'> {
  constructor(message: string) {
    super('TRUSTED_DOCUMENT_INVALID', message);
  }
}

function verified(id: unknown, body: unknown, origin: string): TrustedDocument {
  if (typeof id !== 'string' || typeof body !== 'string') {
    throw new TrustedDocumentError(`${origin}: every entry needs a string id and a string document`);
  }
  const parsed = parseDocumentId(id);
  if (!parsed) throw new TrustedDocumentError(`${origin}: id ${id.slice(0, 80)} is not a sha256 or sha1 hex digest`);
  const actual = createHash(parsed.algorithm).update(body).digest('hex');
  if (actual !== parsed.hex) {
    throw new TrustedDocumentError(`${origin}: id ${id} is not the ${parsed.algorithm} of its document (${actual})`);
  }
  return { id: parsed.hex, body, origin };
}

/** Reads one client-produced file (either format), verifying every id against its document. */
export function readTrustedDocuments(json: unknown, origin: string): TrustedDocument[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new TrustedDocumentError(
      `${origin}: expected an Apollo persisted-query manifest or a persisted-documents map`,
    );
  }
  const record = json as Record<string, unknown>;
  if (record.format === 'apollo-persisted-query-manifest') {
    if (record.version !== 1 || !Array.isArray(record.operations)) {
      throw new TrustedDocumentError(
        `${origin}: only version 1 Apollo manifests with an operations list are supported`,
      );
    }
    return record.operations.map((op: { id?: unknown; body?: unknown }, i) =>
      verified(op?.id, op?.body, `${origin}#${i}`),
    );
  }
  return Object.entries(record).map(([id, body]) => verified(id, body, `${origin}#${id}`));
}

/** One entry of Apollo's persisted-query manifest format. */
export interface ApolloManifestOperation {
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

/** The registry in Apollo's manifest format, for `generatePersistedQueryIdsFromManifest` and Apollo's tooling. */
export function apolloManifest(operations: ApolloManifestOperation[]) {
  const sorted = [...operations].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
  return { format: 'apollo-persisted-query-manifest' as const, version: 1 as const, operations: sorted };
}
