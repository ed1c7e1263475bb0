/** The caller attributes from verified JWT claims that policy reads: always arrays of non-empty strings. */
export type CallerClaims = {
  roles: string[];
  clearances: string[];
  purposes: string[];
};

/** Who is calling, from verified JWT claims. */
export interface Identity {
  tenant: string;
  subject: string;
  sessionId: string | undefined;
  /** Attributes the policy scope reads (roles, clearances, purposes), validated by the verifier. */
  attributes: CallerClaims;
}
