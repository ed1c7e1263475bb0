/** Passkey registration: options (a stored, session-bound challenge) and verification (@simplewebauthn/server). */
import {
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { type CeremonyContext, putChallenge, takeLiveChallenge, verifiedBy, verifyBody } from './ceremony.js';
import { randomId, userHandle } from './tokens.js';
import type { StepUpCaller } from './types.js';

/** Registration ceremony methods of the step-up service. */
export function registrationCeremony(ctx: CeremonyContext) {
  return {
    /** Creation options for a new passkey of `caller`, with a fresh challenge bound to the session. */
    registrationOptions(
      caller: StepUpCaller,
    ): Promise<{ challengeId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
      const challengeId = randomId();
      const base = { ...caller, challengeId };
      return ctx.audited('stepup.register.options', base, async () => {
        const existing = await ctx.stores.credentials.list(caller.tenant, caller.subject);
        const options = await generateRegistrationOptions({
          rpName: ctx.rp.name,
          rpID: ctx.rp.id,
          userName: caller.subject,
          userID: userHandle(caller.tenant, caller.subject),
          timeout: ctx.challengeTtlS * 1000,
          attestationType: 'none',
          excludeCredentials: existing.map((c) => ({ id: c.credentialId, transports: c.transports })),
          authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
        });
        await putChallenge(ctx, caller, { challengeId, kind: 'register', challenge: options.challenge, scopes: [] });
        return { challengeId, options };
      });
    },

    /** Verifies the authenticator's attestation against the stored challenge and stores the passkey. */
    verifyRegistration(caller: StepUpCaller, body: unknown): Promise<{ credentialId: string }> {
      const { challengeId, response } = verifyBody<RegistrationResponseJSON>(body);
      return ctx.audited('stepup.register.verify', { ...caller, challengeId }, async (fields) => {
        fields.credentialId = typeof response.id === 'string' ? response.id.slice(0, 256) : null;
        const record = await takeLiveChallenge(ctx, challengeId, caller, 'register');
        const verification = await verifiedBy('registration', () =>
          verifyRegistrationResponse({
            response,
            // From the stored record, never from the client: this is what binds the response to this session.
            expectedChallenge: record.challenge,
            expectedOrigin: ctx.rp.origins,
            expectedRPID: ctx.rp.id,
            requireUserVerification: true,
          }),
        );
        const { credential } = verification.registrationInfo;
        fields.credentialId = credential.id;
        await ctx.stores.credentials.add(caller.tenant, caller.subject, {
          credentialId: credential.id,
          publicKey: credential.publicKey,
          counter: credential.counter,
          transports: credential.transports ?? response.response.transports ?? [],
          createdAt: new Date(ctx.nowS() * 1000).toISOString(),
        });
        return { credentialId: credential.id };
      });
    },
  };
}
