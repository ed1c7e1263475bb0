/**
 * Errors of the graph repository. Clients branch on `code`, never on the message; the origin maps each code to a
 * GraphQL `extensions.code` in one place.
 */
import { DomainError, type DomainErrorOptions } from '../errors.js';

/** Stable codes for graph errors. */
export type GraphErrorCode =
  | 'NOT_FOUND'
  | 'RESULT_TOO_LARGE'
  | 'INVALID_INPUT'
  | 'CONFLICT'
  | 'GRAPH_UNAVAILABLE'
  | 'BOOKMARK_NOT_REACHED';

/** Base class: every graph error carries a stable code and optional context (never tenant data of someone else). */
export class GraphError extends DomainError<GraphErrorCode> {}

/** An entity, relationship or merge record the write needs does not exist in the caller's tenant. */
export class NotFoundError extends GraphError {
  constructor(what: string, id: string) {
    super('NOT_FOUND', `${what} ${id} does not exist`, { context: { what, id } });
  }
}

/**
 * A read would return more than its template allows (rows or serialized bytes). We fail instead of truncating, so a
 * client never mistakes a partial neighborhood for the whole one.
 */
export class ResultTooLargeError extends GraphError {
  constructor(template: string, measure: 'rows' | 'bytes', limit: number) {
    super(
      'RESULT_TOO_LARGE',
      `${template} would return more than ${limit} ${measure}; narrow the query (fewer hops, relTypes, a larger limit up to the maximum)`,
      { context: { template, measure, limit } },
    );
  }
}

/** The input failed validation at the repository edge (hops out of 1..3, limit too large, bad id, …). */
export class InvalidInputError extends GraphError {
  constructor(message: string, options: DomainErrorOptions = {}) {
    super('INVALID_INPUT', message, options);
  }
}

/** The write contradicts the current state (entity already merged, merge already undone, constraint violated). */
export class ConflictError extends GraphError {
  constructor(message: string, options: DomainErrorOptions = {}) {
    super('CONFLICT', message, options);
  }
}

/** Neo4j could not be reached or the cluster had no member for the requested access mode; safe to retry later. */
export class GraphUnavailableError extends GraphError {
  constructor(options: { cause?: unknown } = {}) {
    super('GRAPH_UNAVAILABLE', 'the graph database is unavailable; retry later', options);
  }
}

/**
 * The database member serving a read had not caught up with the client's bookmark within the wait the repository
 * allows. The write it stands for is committed; the read may be retried shortly.
 */
export class BookmarkNotReachedError extends GraphError {
  constructor(waitMs: number, options: { cause?: unknown } = {}) {
    super(
      'BOOKMARK_NOT_REACHED',
      `the graph has not yet reached the write named by x-gg-bookmark (waited ${waitMs} ms); retry the read shortly`,
      { ...options, context: { waitMs } },
    );
  }
}
