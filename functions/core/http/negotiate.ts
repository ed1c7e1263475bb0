/**
 * Content negotiation for GraphQL over HTTP: the response media type comes from the client's `Accept` header on every
 * path (cache hit, miss, stale, error), never from where the answer came from.
 */
import { HttpError } from './errors.js';

/** The GraphQL response media type (GraphQL over HTTP): status codes follow request errors. */
export const graphqlResponseJson = 'application/graphql-response+json';
/** The legacy JSON media type: request errors in a well-formed request come back 200. */
export const applicationJson = 'application/json';

/** The two response media types a GraphQL-over-HTTP server may answer in. */
export type GraphqlMediaType = typeof graphqlResponseJson | typeof applicationJson;

/** The `content-type` header value of a response in `type`. */
export const contentTypeOf = (type: GraphqlMediaType) => `${type}; charset=utf-8`;

interface Range {
  type: string;
  q: number;
}

function parseAccept(header: string): Range[] {
  return header.split(',').flatMap((part) => {
    const [type, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    if (!type) return [];
    const qParam = params.map((p) => p.split('=').map((x) => x.trim())).find(([name]) => name === 'q');
    const q = qParam === undefined ? 1 : Number(qParam[1]);
    return Number.isFinite(q) && q >= 0 && q <= 1 ? [{ type, q }] : [];
  });
}

/** How specific a range is for `type`: 3 exact, 2 `application/*`, 1 `*` + `/*`, 0 no match. */
function specificity(range: string, type: string): number {
  if (range === type) return 3;
  if (range === 'application/*') return 2;
  return range === '*/*' ? 1 : 0;
}

/** The q the header gives `type`: that of its most specific matching range (RFC 9110 §12.5.1), or 0. */
function qualityOf(ranges: Range[], type: GraphqlMediaType): { q: number; specificity: number } {
  let best = { q: 0, specificity: 0 };
  for (const r of ranges) {
    const s = specificity(r.type, type);
    if (s > best.specificity) best = { q: r.q, specificity: s };
  }
  return best;
}

/**
 * The response media type for an `Accept` header, by RFC 9110 rules (each type's q from its most specific range, so
 * `application/json;q=0, *\/*` excludes JSON). On equal q, the GraphQL type if the client named it,
 * else `application/json` (for wildcards too, as the GraphQL-over-HTTP spec asks for legacy clients). No header (or an empty one) means `application/json`. Returns
 * undefined when neither type is acceptable.
 */
export function negotiateGraphqlMediaType(accept: string | null | undefined): GraphqlMediaType | undefined {
  if (!accept?.trim()) return applicationJson;
  const ranges = parseAccept(accept);
  const gql = qualityOf(ranges, graphqlResponseJson);
  const json = qualityOf(ranges, applicationJson);
  if (gql.q === 0 && json.q === 0) return undefined;
  if (gql.q !== json.q) return gql.q > json.q ? graphqlResponseJson : applicationJson;
  // Equal q: the GraphQL type when the client named it, JSON when it named only JSON or a wildcard.
  return gql.specificity === 3 ? graphqlResponseJson : applicationJson;
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
