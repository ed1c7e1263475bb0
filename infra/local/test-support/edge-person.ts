/**
 * A person of a tenant calling persisted operations through the edge of the in-process step-up stack, with a session
 * and, on demand, a step-up grant from a soft passkey (registered on first use).
 */
import { apqBody } from '../../../edge/test-support/fixtures.js';
import { SoftAuthenticator } from '../passkey/soft-authenticator.js';
import type { stepUpStack } from './stepup-stack.js';

type Stack = Awaited<ReturnType<typeof stepUpStack>>;

/** A person of `tenant` with a session, calling persisted operations through the edge. */
export async function edgePerson(
  stack: Stack,
  pageOrigin: string,
  tenant: string,
  subject: string,
  claims: Record<string, unknown>,
) {
  const sid = `sess-${subject}`;
  const token = await stack.issuer.sign({ tenant, sid, ...claims }, { sub: subject });
  const authenticator = new SoftAuthenticator({ origin: pageOrigin });
  const post = async (path: string, body: unknown) =>
    (
      await stack.stepUp.request(path, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    ).json();
  let registered = false;
  /** Registers a passkey (once) and returns a grant for `scopes`. */
  const stepUp = async (scopes: string[]): Promise<string> => {
    if (!registered) {
      const reg = await post('/stepup/register/options', {});
      await post('/stepup/register/verify', {
        challengeId: reg.challengeId,
        response: await authenticator.register(reg.options),
      });
      registered = true;
    }
    const auth = await post('/stepup/authenticate/options', { scopes });
    const response = await authenticator.authenticate(auth.options);
    return (await post('/stepup/authenticate/verify', { challengeId: auth.challengeId, response })).grant;
  };
  const call = async (operation: string, variables: Record<string, unknown>, grant?: string) => {
    const res = await stack.edge.request('/graphql', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(grant ? { 'x-gg-step-up-grant': grant } : {}),
      },
      body: apqBody(operation, variables),
    });
    // biome-ignore lint/suspicious/noExplicitAny: each test asserts the fields it reads.
    return { status: res.status, json: (await res.json()) as { data?: any; errors?: any[] } };
  };
  return { subject, sessionId: sid, stepUp, call };
}
