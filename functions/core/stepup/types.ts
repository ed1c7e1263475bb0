/**
 * The step-up area's records and store ports. Three kinds of short-lived state, each bound to who asked for it:
 * challenges (single-use), registered passkeys (per tenant + subject) and grants (per session + credential + scopes).
 */

/** Who is asking: from the verified JWT at the step-up routes, from the edge-signed claims at the origin. */
export interface StepUpCaller {
  tenant: string;
  subject: string;
  /** The JWT `sid`/`jti`. Step-up is impossible without one: a grant must be bound to something. */
  sessionId: string;
}

/** Which ceremony a challenge belongs to; a registration challenge can never finish an authentication. */
export type CeremonyKind = 'register' | 'authenticate';

/** A challenge as stored: the random WebAuthn challenge plus everything it is bound to. */
export interface ChallengeRecord {
  /** Opaque random id the client sends back with its response (and the id written to the audit ledger). */
  challengeId: string;
  kind: CeremonyKind;
  /** base64url challenge the authenticator signs (`expectedChallenge` comes from here, never from the client). */
  challenge: string;
  tenant: string;
  subject: string;
  sessionId: string;
  /** Step-up scopes an authentication challenge asks for; empty for registration. */
  scopes: string[];
  /** Epoch seconds; after this the challenge is refused even if still stored (dynalite has no TTL deletion). */
  expiresAt: number;
}

/** A registered passkey (the WebAuthn credential plus bookkeeping). */
export interface CredentialRecord {
  /** base64url credential id. */
  credentialId: string;
  /** COSE public key bytes. */
  publicKey: Uint8Array;
  /** Signature counter last seen; 0 for authenticators that never count. */
  counter: number;
  transports: string[];
  /** ISO-8601 UTC. */
  createdAt: string;
}

/** A step-up grant as stored. The token itself is never stored: only its sha256 (`grantRef`). */
export interface GrantRecord {
  /** sha256 (hex) of the grant token: the store key and what the audit ledger names. */
  grantRef: string;
  tenant: string;
  subject: string;
  sessionId: string;
  credentialId: string;
  /** The challenge whose verification produced this grant. */
  challengeId: string;
  scopes: string[];
  /** Epoch seconds. */
  expiresAt: number;
}

/** Challenge store port: put, and take exactly once. */
export interface ChallengeStore {
  put(record: ChallengeRecord): Promise<void>;
  /**
   * Removes and returns the challenge if it exists and is bound to `caller` and `kind`. Atomic: of two concurrent
   * takes one wins. Throws CHALLENGE_NOT_FOUND (unknown or already used) or CHALLENGE_BINDING_MISMATCH; the caller
   * checks expiry on the returned record.
   */
  take(challengeId: string, caller: StepUpCaller, kind: CeremonyKind): Promise<ChallengeRecord>;
}

/** Credential store port, keyed by tenant + subject. */
export interface CredentialStore {
  list(tenant: string, subject: string): Promise<CredentialRecord[]>;
  /** Adds a credential; throws CREDENTIAL_EXISTS when this subject already registered it. */
  add(tenant: string, subject: string, credential: CredentialRecord): Promise<void>;
  /**
   * Moves the counter forward atomically: succeeds when `next > stored`, or when both are 0 (authenticators that never
   * count). Throws COUNTER_REGRESSION otherwise, so two racing assertions with the same counter cannot both pass.
   */
  advanceCounter(tenant: string, subject: string, credentialId: string, next: number): Promise<void>;
}

/** Grant store port. */
export interface GrantStore {
  put(record: GrantRecord): Promise<void>;
  get(grantRef: string): Promise<GrantRecord | undefined>;
}

/** The three stores together (one DynamoDB table, or memory). */
export interface StepUpStores {
  challenges: ChallengeStore;
  credentials: CredentialStore;
  grants: GrantStore;
}
