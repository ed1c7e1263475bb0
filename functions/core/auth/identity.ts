/** Who is calling, from verified JWT claims. */
export interface Identity {
  tenant: string;
  subject: string;
  sessionId: string | undefined;
  /** Attributes the policy scope reads (roles, clearances, …). */
  attributes: Record<string, unknown>;
}
