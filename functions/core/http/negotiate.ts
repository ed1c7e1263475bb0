/**
 * Content negotiation for GraphQL over HTTP: the response media type comes from the client's `Accept` header on every
 * path (cache hit, miss, stale, error), never from where the answer came from.
 */
import { HttpError } from './errors.js';

export const graphqlResponseJson = 'application/graphql-response+json';
export const applicationJson = 'application/json';

export type GraphqlMediaType = typeof graphqlResponseJson | typeof applicationJson;

/** The `content-type` header value of a response in `type`. */
export const contentTypeOf = (type: GraphqlMediaType) => `${type}; charset=utf-8`;

interface Range {
  type: string;
  q: number;
  /** Position in the header: the client's order breaks ties between equal q. */
  order: number;
}

function parseAccept(header: string): Range[] {
  return header.split(',').flatMap((part, order) => {
    const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (!type) return [];
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    return Number.isFinite(q) ? [{ type, q, order }] : [];
  });
}

/** What a range grants: the GraphQL response type, JSON (also for wildcards, as the spec asks), or nothing. */
function grants(type: string): GraphqlMediaType | undefined {
  if (type === graphqlResponseJson) return graphqlResponseJson;
  if (type === applicationJson || type === 'application/*' || type === '*/*') return applicationJson;
  return undefined;
}

/**
 * The response media type for an `Accept` header: the acceptable range with the highest q, then the client's order;
 * no header (or an empty one) means `application/json`, as the GraphQL-over-HTTP spec says for legacy clients.
 * Returns undefined when nothing acceptable is offered.
 */
export function negotiateGraphqlMediaType(accept: string | null | undefined): GraphqlMediaType | undefined {
  if (!accept?.trim()) return applicationJson;
  const offered = parseAccept(accept)
    .filter((r) => r.q > 0 && grants(r.type))
    .sort((a, b) => b.q - a.q || a.order - b.order);
  return offered.length > 0 ? grants(offered[0]!.type) : undefined;
}

/** {@link negotiateGraphqlMediaType}, or 406 `NOT_ACCEPTABLE` naming what the server can produce. */
export function requireGraphqlMediaType(accept: string | null | undefined): GraphqlMediaType {
  const type = negotiateGraphqlMediaType(accept);
  if (type) return type;
  throw new HttpError(
    406,
    'NOT_ACCEPTABLE',
    `cannot answer in ${String(accept).slice(0, 80)}; accept ${graphqlResponseJson} or ${applicationJson}`,
  );
}
