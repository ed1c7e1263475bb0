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
]);

function isCoded(err: unknown): err is CodedError {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string';
}

/**
 * Duck-typed: graphql can be loaded twice (ESM and CJS builds through different packages), so `instanceof` lies.
 */
function isGraphQLError(e: unknown): e is GraphQLError {
  return e instanceof GraphQLError || (e instanceof Error && e.name === 'GraphQLError' && 'extensions' in e);
}

/** yoga `maskedErrors.maskError`: keeps coded domain errors, masks everything else. */
export function maskError(error: unknown, message: string): Error {
  const original = isGraphQLError(error) ? (error.originalError ?? error) : error;
  if (isGraphQLError(error) && typeof error.extensions?.code === 'string') {
    // Codes are only ever set on purpose: graphql/yoga validation, persisted operations, our clientError and scalars.
    return error;
  }
  if (isCoded(original) && exposedCodes.has(original.code)) {
    return createGraphQLError(original.message, {
      nodes: isGraphQLError(error) ? error.nodes : undefined,
      path: isGraphQLError(error) ? error.path : undefined,
      extensions: { code: original.code },
    });
  }
  return createGraphQLError(message, {
    path: isGraphQLError(error) ? error.path : undefined,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
}
