import { GraphQLError } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';

/**
 * The one place origin errors become client errors. Expected failures keep their stable `extensions.code`;
 * anything else is masked as INTERNAL_SERVER_ERROR with no message detail and no stack.
 */
const httpStatusByCode: Record<string, number> = {
  UNSIGNED_REQUEST: 401,
  BAD_SIGNATURE: 401,
  SIGNATURE_EXPIRED: 401,
  MALFORMED_SIGNATURE: 401,
  PERSISTED_QUERY_NOT_IN_LIST: 400,
  PERSISTED_QUERY_ONLY: 400,
  PAYLOAD_TOO_LARGE: 413,
  BAD_REQUEST: 400,
};

/** A client-facing error with a stable code (and optional HTTP status). */
export function clientError(code: string, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  const status = httpStatusByCode[code];
  return createGraphQLError(message, {
    extensions: { code, ...extra, ...(status ? { http: { status } } : {}) },
  });
}

/** Domain errors (graph, policy, …) carry a string `code`; these are safe to show as they are. */
interface CodedError {
  code: string;
  message: string;
}

const exposedCodes = new Set([
  'NOT_FOUND',
  'RESULT_TOO_LARGE',
  'INVALID_INPUT',
  'BAD_USER_INPUT',
  'CONFLICT',
  'FORBIDDEN',
  'STEP_UP_REQUIRED',
  'POLICY_DENIED',
  'BOOKMARK_NOT_REACHED',
  'JOURNAL_UNAVAILABLE',
  'WRITE_IN_DOUBT',
]);

/** Exposed codes that answer with their own HTTP status (and headers) rather than yoga's 200 for execution errors. */
const httpOfExposed: Record<string, { status: number; headers?: Record<string, string> }> = {
  // The write is committed and the read may simply be retried: a conflict with the client's expected state, not a 5xx.
  BOOKMARK_NOT_REACHED: { status: 409, headers: { 'retry-after': '1' } },
  // Nothing was written (the intent could not be journaled ahead): the same call may be sent again.
  JOURNAL_UNAVAILABLE: { status: 503, headers: { 'retry-after': '1' } },
  // The write committed but was not confirmed in the journal, so it is not acknowledged: send it again.
  WRITE_IN_DOUBT: { status: 503, headers: { 'retry-after': '1' } },
};

/**
 * A policy deny's explain for `extensions`: which decision, which rules, why, what would unlock it (and, for a refused
 * export, every refused record). Only these fields are copied, never the error's internal context.
 */
function explainOf(err: CodedError): Record<string, unknown> {
  const e = err as CodedError & { reasons?: unknown; decisionId?: unknown; refused?: unknown; exportId?: unknown };
  if (err.code !== 'POLICY_DENIED' || !Array.isArray(e.reasons)) return {};
  return {
    decisionId: e.decisionId,
    reasons: e.reasons,
    ...(Array.isArray(e.refused) ? { refused: e.refused, exportId: e.exportId } : {}),
  };
}

function isCoded(err: unknown): err is CodedError {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string';
}

/**
 * Duck-typed: graphql can be loaded twice (ESM and CJS builds through different packages), so `instanceof` lies.
 */
function isGraphQLError(e: unknown): e is GraphQLError {
  return e instanceof GraphQLError || (e instanceof Error && e.name === 'GraphQLError' && 'extensions' in e);
}

/** Neo4j client errors caused by what the client sent (not by the server), mapped to stable codes. */
const neo4jClientErrors: [prefix: string, code: string, message: string][] = [
  [
    'Neo.ClientError.Transaction.InvalidBookmark',
    'INVALID_BOOKMARK',
    'the x-gg-bookmark header is not a bookmark this service issued',
  ],
];

/**
 * yoga `maskedErrors.maskError`: keeps coded errors, turns graphql-js request errors (variable coercion, validation,
 * unsupported operation — a GraphQLError with no underlying exception) into BAD_USER_INPUT, and masks the rest as
 * INTERNAL_SERVER_ERROR with HTTP 500 (coded client errors keep their 4xx or yoga's 200).
 */
export function maskError(error: unknown, message: string): Error {
  const gql = isGraphQLError(error) ? error : undefined;
  const original = gql ? (gql.originalError ?? gql) : error;
  if (gql && typeof gql.extensions?.code === 'string') {
    // Codes are only ever set on purpose: graphql/yoga validation, persisted operations, our clientError and scalars.
    return gql;
  }
  const location = { nodes: gql?.nodes, path: gql?.path };
  if (gql && (!gql.originalError || isGraphQLError(gql.originalError))) {
    const inner = gql.originalError && isGraphQLError(gql.originalError) ? gql.originalError : gql;
    // yoga marks request errors (validation, variable coercion) with a 400. GraphQL over HTTP wants that status
    // under application/graphql-response+json only, 200 under application/json: `spec: true` tells yoga so.
    const http = (gql.extensions?.http ?? inner.extensions?.http) as Record<string, unknown> | undefined;
    return createGraphQLError(inner.message, {
      ...location,
      extensions: { code: 'BAD_USER_INPUT', ...(http ? { http: { ...http, spec: true } } : {}) },
    });
  }
  if (isCoded(original)) {
    if (exposedCodes.has(original.code)) {
      return createGraphQLError(original.message, {
        ...location,
        extensions: {
          code: original.code,
          ...explainOf(original),
          ...(httpOfExposed[original.code] ? { http: httpOfExposed[original.code] } : {}),
        },
      });
    }
    const client = neo4jClientErrors.find(([prefix]) => original.code.startsWith(prefix));
    if (client) return createGraphQLError(client[2], { ...location, extensions: { code: client[1] } });
  }
  // A server error, whatever else the response carries: HTTP 500, so the function URL's 5xx count, the origin's
  // `outcome="5xx"` and the edge all count it against the availability SLO. `http` never reaches the client.
  return createGraphQLError(message, {
    path: gql?.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR', http: { status: 500 } },
  });
}

/** What a client needs to start the step-up ceremony, returned with STEP_UP_REQUIRED. */
export interface StepUpChallenge {
  operation: string;
  /** Scopes to request at the options endpoint. */
  scopes: string[];
  /** Why the call was refused (GRANT_MISSING, GRANT_EXPIRED, GRANT_SESSION_MISMATCH, …). */
  reason: string;
  /** Where to get authentication options (POST {"scopes": [...]}); registration is next to it. */
  optionsUrl: string;
  registerUrl: string;
  acrValues: string;
  /** Seconds a grant stays valid (RFC 9470 `max_age`). */
  maxAgeS: number;
}

/**
 * STEP_UP_REQUIRED: GraphQL error with HTTP 401 and an RFC 9470 challenge
 * (`WWW-Authenticate: Bearer error="insufficient_user_authentication", …`), plus the ceremony details in extensions.
 */
export function stepUpRequiredError(message: string, c: StepUpChallenge): GraphQLError {
  const description = message.replace(/["\\]/g, "'");
  return createGraphQLError(message, {
    extensions: {
      code: 'STEP_UP_REQUIRED',
      stepUp: c,
      http: {
        status: 401,
        headers: {
          'www-authenticate': `Bearer error="insufficient_user_authentication", error_description="${description}", acr_values="${c.acrValues}", max_age=${c.maxAgeS}`,
        },
      },
    },
  });
}
