/**
 * The hostile corpus as data: each case is one HTTP request to one deployable plus what a correct answer looks like.
 * Generators (cases/*.ts) build cases from a {@link CorpusContext}; the runner (run.ts) materialises tokens and
 * signatures, sends them to the real processes and checks every answer against the same global rules.
 */

/** Which deployable a case is sent to (base URLs come from the running app stack). */
export type Target = 'edge' | 'origin' | 'intake' | 'stepUp';

/** The classes of hostile input the issue asks for. */
export type Category = 'jwt' | 'persisted-query' | 'headers' | 'bodies' | 'step-up' | 'intake' | 'authorisation';

/**
 * A bearer token the runner signs at run time. `claims` are merged over valid defaults for the corpus tenant; a claim
 * set to `null` is removed. `signing` picks a forgery: `none` (alg none), `hs256` (HMAC keyed with the public JWK, the
 * classic key confusion), `foreign` (a key the stack does not trust), `corrupt` (signature bytes flipped).
 */
export interface TokenSpec {
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  signing?: 'dev' | 'none' | 'hs256' | 'foreign' | 'corrupt';
  /** How the Authorization header carries it; default `Bearer <token>`. */
  scheme?: string;
}

/** An origin request signed as the edge signs it, optionally tampered with after signing. */
export interface SignatureSpec {
  claims?: { tenant?: string; subject?: string; attributes?: Record<string, unknown> };
  tamper?: 'body' | 'tenant' | 'stale' | 'future' | 'replay' | 'kid' | 'drop-nonce';
}

/** What a correct answer looks like, beyond the global rules (no 5xx, no leak, in time). */
export interface Expectation {
  /** Allowed HTTP statuses. */
  status?: number[];
  /** Allowed stable codes: the JSON `code`, else `errors[0].extensions.code`. */
  code?: string[];
  /** The operation must not have produced data: no non-null root field in `data`. */
  noData?: boolean;
}

export interface Case {
  /** Unique, readable: `<category>/<what>`. */
  id: string;
  category: Category;
  target: Target;
  method: string;
  /** Path and query, e.g. `/graphql?variables=…`. */
  path: string;
  headers?: Record<string, string>;
  /** Raw body text or bytes (the runner sends exactly these). */
  body?: string | Uint8Array;
  /** The bearer token to mint; `none` sends no Authorization header beyond what `headers` sets. */
  auth?: TokenSpec | 'none';
  signature?: SignatureSpec;
  expect: Expectation;
  /**
   * Another case whose answer must be the same once ids, uuids and timestamps are masked: an entity outside the
   * caller's scope must answer exactly as a missing one does.
   */
  sameAnswerAs?: string;
}

/** What the generators need to know about the seeded world. */
export interface CorpusContext {
  /** The attacker's tenant, where every token is issued. */
  tenant: string;
  /** Another tenant whose data must never appear in an answer. */
  victimTenant: string;
  ids: {
    /** ENTITY-class entities everyone in the tenant may see. */
    entity: string;
    other: string;
    /** A PII entity only investigator/legal (with clearance) may see. */
    pii: string;
    /** Ids that exist nowhere. */
    missing: string;
    missingOther: string;
    /** An entity in the victim tenant. */
    victim: string;
  };
  /**
   * Values that no case sends and no hostile caller may ever read: the PII entity's stored names and attributes, and
   * the victim tenant's id, names and attributes.
   */
  secrets: string[];
}

/** One answered case. */
export interface Outcome {
  id: string;
  category: Category;
  target: Target;
  status: number;
  code: string | null;
  /** When it was sent (ms after the run started) and how long the answer took. */
  startMs: number;
  ms: number;
  /** Global rule violations: 5xx, leaks, timeouts. */
  violations: string[];
  /** Expectation mismatches (what the case expected and what came back). */
  mismatches: string[];
  /** The start of the answer, kept only when the case failed (to read why). */
  excerpt?: string;
}
