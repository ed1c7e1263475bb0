/**
 * The one base class of domain errors. Each area (cache, graph, policy, …) extends it once with its own code union,
 * and its subclasses add only what they carry beyond a code, a message, context and a cause.
 */

/** What every domain error takes besides its code and message. */
export interface DomainErrorOptions {
  /** The error this one wraps; kept on `cause` for logs, never sent to clients. */
  cause?: unknown;
  /** Ids and codes safe to log (never record contents or another tenant's data). */
  context?: Record<string, unknown>;
}

/**
 * A failure with a stable `code` callers branch on (never the message); `name` is the concrete class name, so logs
 * and `instanceof` agree without each subclass repeating it.
 * @example class CacheError extends DomainError<CacheErrorCode> {}
 */
export class DomainError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly context: Record<string, unknown>;

  constructor(code: Code, message: string, options: DomainErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.context = options.context ?? {};
  }
}
