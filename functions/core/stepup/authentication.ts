/** Step-up authentication: options for requested scopes, verification, counter check and the grant it yields. */
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  type PublicKeyCredentialRequestOptionsJSON,
  verifyAuthenticationResponse,
} from '@simplewebauthn/server';
import { type CeremonyContext, putChallenge, takeLiveChallenge, verifiedBy, verifyBody } from './ceremony.js';
import { CeremonyError } from './errors.js';
import { grantRefOf, newGrantToken, randomId, signCountOf } from './tokens.js';
import type { StepUpCaller } from './types.js';

/** What a successful step-up returns to the client. */
export interface IssuedGrant {
  /** The opaque grant token to send as `x-gg-step-up-grant`. Shown once; the server keeps only its sha256. */
  grant: string;
  /** Epoch seconds. */
  expiresAt: number;
  scopes: string[];
  credentialId: string;
  challengeId: string;
}

function parseScopes(ctx: CeremonyContext, body: unknown): string[] {
  const scopes = (body as { scopes?: unknown } | null)?.scopes;
  if (
    !Array.isArray(scopes) ||
    scopes.length === 0 ||
    scopes.length > 16 ||
    !scopes.every((s) => typeof s === 'string')
  ) {
    throw new CeremonyError('BAD_REQUEST', 'send {"scopes": ["mutate:merge"]}: the scopes the 401 challenge named');
  }
  const unknown = scopes.filter((s) => !ctx.knownScopes.has(s));
  if (unknown.length > 0) throw new CeremonyError('UNKNOWN_SCOPE', `unknown step-up scope ${unknown.join(', ')}`);
  return [...new Set(scopes as string[])].sort();
}

/** Authentication ceremony methods of the step-up service. */
export function authenticationCeremony(ctx: CeremonyContext) {
  return {
    /** Request options for the caller's registered passkeys, with a fresh challenge bound to session and scopes. */
    authenticationOptions(
      caller: StepUpCaller,
      body: unknown,
    ): Promise<{ challengeId: string; scopes: string[]; options: PublicKeyCredentialRequestOptionsJSON }> {
      const challengeId = randomId();
      return ctx.audited('stepup.authenticate.options', { ...caller, challengeId }, async (fields) => {
        const scopes = parseScopes(ctx, body);
        fields.scopes = scopes;
        const credentials = await ctx.stores.credentials.list(caller.tenant, caller.subject);
        if (credentials.length === 0) {
          throw new CeremonyError('NO_CREDENTIALS', 'no passkey is registered for this user; register one first');
        }
        const options = await generateAuthenticationOptions({
          rpID: ctx.rp.id,
          allowCredentials: credentials.map((c) => ({ id: c.credentialId, transports: c.transports })),
          userVerification: 'required',
          timeout: ctx.challengeTtlS * 1000,
        });
        await putChallenge(ctx, caller, { challengeId, kind: 'authenticate', challenge: options.challenge, scopes });
        return { challengeId, scopes, options };
      });
    },

    /**
     * Verifies an assertion against the stored challenge and the caller's own passkey, moves its counter forward and
     * issues a grant bound to the session, the credential and the challenge's scopes.
     */
    verifyAuthentication(caller: StepUpCaller, body: unknown): Promise<IssuedGrant> {
      const { challengeId, response } = verifyBody<AuthenticationResponseJSON>(body);
      return ctx.audited('stepup.authenticate.verify', { ...caller, challengeId }, async (fields) => {
        fields.credentialId = typeof response.id === 'string' ? response.id.slice(0, 256) : null;
        const record = await takeLiveChallenge(ctx, challengeId, caller, 'authenticate');
        fields.scopes = record.scopes;
        const credential = (await ctx.stores.credentials.list(caller.tenant, caller.subject)).find(
          (c) => c.credentialId === response.id,
        );
        if (!credential) {
          throw new CeremonyError('CREDENTIAL_NOT_REGISTERED', 'this passkey is not registered to this user');
        }
        const counter = signCountOf(String(response.response?.authenticatorData ?? ''));
        if (counter !== undefined && (counter > 0 || credential.counter > 0) && counter <= credential.counter) {
          throw new CeremonyError(
            'COUNTER_REGRESSION',
            `signature counter ${counter} is not above ${credential.counter}`,
          );
        }
        const verification = await verifiedBy('assertion', () =>
          verifyAuthenticationResponse({
            response,
            expectedChallenge: record.challenge,
            expectedOrigin: ctx.rp.origins,
            expectedRPID: ctx.rp.id,
            credential: {
              id: credential.credentialId,
              publicKey: new Uint8Array(credential.publicKey),
              counter: credential.counter,
              transports: credential.transports,
            },
            requireUserVerification: true,
          }),
        );
        // Conditional write: two assertions racing with the same counter cannot both pass.
        await ctx.stores.credentials.advanceCounter(
          caller.tenant,
          caller.subject,
          credential.credentialId,
          verification.authenticationInfo.newCounter,
        );
        const grant = newGrantToken();
        const grantRef = grantRefOf(grant);
        fields.grantRef = grantRef;
        const expiresAt = ctx.nowS() + ctx.grantTtlS;
        await ctx.stores.grants.put({
          grantRef,
          ...caller,
          credentialId: credential.credentialId,
          challengeId,
          scopes: record.scopes,
          expiresAt,
        });
        return { grant, expiresAt, scopes: record.scopes, credentialId: credential.credentialId, challengeId };
      });
    },
  };
}
