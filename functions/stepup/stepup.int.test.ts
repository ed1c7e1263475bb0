import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apqBody } from '../../edge/test-support/fixtures.js';
import { SoftAuthenticator } from '../../infra/local/passkey/soft-authenticator.js';
import { stepUpStack } from '../../infra/local/test-support/stepup-stack.js';
import { testTenant } from '../../infra/local/test-support/twin.js';
import { entityInput } from '../core/graph/test-support/fixtures.js';

const pageOrigin = 'http://localhost:4300';
let clock = Date.now();
let stack: Awaited<ReturnType<typeof stepUpStack>>;

beforeAll(async () => {
  stack = await stepUpStack({ pageOrigin, now: () => clock });
});
afterAll(() => stack?.close());

/** A user in their own tenant with one session, two entities to merge and a passkey on a soft authenticator. */
async function user(label: string, knobs: { counter?: 'increment' | 'zero' } = {}) {
  const tenant = testTenant(label);
  const sid = `sess-${label}-1`;
  const token = await stack.issuer.sign({ tenant, roles: ['analyst'], sid }, { sub: 'alice' });
  const authenticator = new SoftAuthenticator({ origin: pageOrigin, counter: knobs.counter });
  for (const id of ['s', 'm']) {
    await stack.repo.upsertEntity(tenant, entityInput({ id, names: [`n-${id}`], dataClass: 'ENTITY' }));
  }
  const post = (path: string, body: unknown, bearer = token) =>
    stack.stepUp.request(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const register = async () => {
    const { challengeId, options: o } = await (await post('/stepup/register/options', {})).json();
    const res = await post('/stepup/register/verify', { challengeId, response: await authenticator.register(o) });
    expect(res.status).toBe(200);
  };
  const options = async (bearer = token) =>
    (await post('/stepup/authenticate/options', { scopes: ['mutate:merge'] }, bearer)).json() as Promise<{
      challengeId: string;
      options: Parameters<SoftAuthenticator['authenticate']>[0];
    }>;
  const merge = (grant?: string, bearer = token) =>
    stack.edge.request('/graphql', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${bearer}`,
        'content-type': 'application/json',
        ...(grant ? { 'x-gg-step-up-grant': grant } : {}),
      },
      body: apqBody('MergeEntity', { survivorId: 's', mergedId: 'm', reason: 'dup' }),
    });
  return { tenant, sid, token, authenticator, post, register, options, merge };
}

async function stepUp(u: Awaited<ReturnType<typeof user>>, knobs: { tamper?: boolean } = {}) {
  const o = await u.options();
  const response = await u.authenticator.authenticate(o.options, knobs);
  return { res: await u.post('/stepup/authenticate/verify', { challengeId: o.challengeId, response }), o };
}

describe('step-up on @sensitive mutations (dynalite, wasm policy, Neo4j)', () => {
  it('registers a passkey, steps up and runs the merge through the edge, all audited', async () => {
    const u = await user('happy');
    await u.register();
    const refused = await u.merge();
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(
      /^Bearer error="insufficient_user_authentication", error_description=".+", acr_values="[^"]+", max_age=300$/,
    );
    const body = await refused.json();
    expect(body.errors[0].extensions).toMatchObject({
      code: 'STEP_UP_REQUIRED',
      stepUp: { reason: 'GRANT_MISSING', scopes: ['mutate:merge'], optionsUrl: '/stepup/authenticate/options' },
    });

    const { res, o } = await stepUp(u);
    expect(res.status).toBe(200);
    const issued = await res.json();
    const merged = await u.merge(issued.grant);
    expect(merged.status).toBe(200);
    expect((await merged.json()).data.mergeEntity).toMatchObject({ mergedId: 'm', survivor: { id: 's' } });

    const entries = await stack.audit(u.tenant);
    expect(entries.map((e) => `${e.kind}:${e.data.outcome}:${e.data.reason ?? ''}`)).toEqual([
      'stepup.register.options:ok:',
      'stepup.register.verify:ok:',
      'stepup.sensitive-call:denied:GRANT_MISSING',
      'stepup.authenticate.options:ok:',
      'stepup.authenticate.verify:ok:',
      'stepup.sensitive-call:ok:',
    ]);
    expect(entries.at(-1)?.data).toMatchObject({
      challengeId: o.challengeId,
      credentialId: u.authenticator.credentialId,
      sessionId: u.sid,
      operation: 'MergeEntity',
    });
  });

  it('accepts an authenticator whose counter is always 0', async () => {
    const u = await user('zero', { counter: 'zero' });
    await u.register();
    expect((await stepUp(u)).res.status).toBe(200);
    expect((await stepUp(u)).res.status).toBe(200);
  });

  it('refuses an expired challenge', async () => {
    const u = await user('expired');
    await u.register();
    const o = await u.options();
    clock += 121_000;
    const response = await u.authenticator.authenticate(o.options);
    const res = await u.post('/stepup/authenticate/verify', { challengeId: o.challengeId, response });
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe('CHALLENGE_EXPIRED');
    expect((await stack.audit(u.tenant)).at(-1)?.data).toMatchObject({
      outcome: 'denied',
      reason: 'CHALLENGE_EXPIRED',
      challengeId: o.challengeId,
    });
  });

  it('refuses a reused challenge', async () => {
    const u = await user('reuse');
    await u.register();
    const o = await u.options();
    const response = await u.authenticator.authenticate(o.options);
    expect((await u.post('/stepup/authenticate/verify', { challengeId: o.challengeId, response })).status).toBe(200);
    const again = await u.post('/stepup/authenticate/verify', { challengeId: o.challengeId, response });
    expect((await again.json()).code).toBe('CHALLENGE_NOT_FOUND');
    expect((await stack.audit(u.tenant)).at(-1)?.data).toMatchObject({ reason: 'CHALLENGE_NOT_FOUND' });
  });

  it('refuses a grant replayed from another session', async () => {
    const u = await user('replay');
    await u.register();
    const issued = await (await stepUp(u)).res.json();
    const other = await stack.issuer.sign(
      { tenant: u.tenant, roles: ['analyst'], sid: 'sess-other' },
      { sub: 'alice' },
    );
    const res = await u.merge(issued.grant, other);
    expect(res.status).toBe(401);
    expect((await res.json()).errors[0].extensions.stepUp.reason).toBe('GRANT_SESSION_MISMATCH');
    expect((await stack.audit(u.tenant)).at(-1)?.data).toMatchObject({
      outcome: 'denied',
      reason: 'GRANT_SESSION_MISMATCH',
      sessionId: 'sess-other',
      credentialId: u.authenticator.credentialId,
    });
  });

  it('refuses a passkey registered to someone else', async () => {
    const u = await user('wrongcred');
    const mallory = await user('wrongcred-m');
    await u.register();
    await mallory.register();
    const o = await u.options();
    const response = await mallory.authenticator.authenticate(o.options);
    const res = await u.post('/stepup/authenticate/verify', { challengeId: o.challengeId, response });
    expect((await res.json()).code).toBe('CREDENTIAL_NOT_REGISTERED');
    expect((await stack.audit(u.tenant)).at(-1)?.data).toMatchObject({
      reason: 'CREDENTIAL_NOT_REGISTERED',
      credentialId: mallory.authenticator.credentialId,
    });
  });

  it('refuses a signature counter that goes backwards', async () => {
    const u = await user('counter');
    await u.register();
    expect((await stepUp(u)).res.status).toBe(200);
    expect((await stepUp(u)).res.status).toBe(200);
    u.authenticator.signCount = 0; // a cloned authenticator would report 1 again
    const { res } = await stepUp(u);
    expect((await res.json()).code).toBe('COUNTER_REGRESSION');
    expect((await stack.audit(u.tenant)).at(-1)?.data).toMatchObject({ reason: 'COUNTER_REGRESSION' });
  });

  it('refuses a tampered signature', async () => {
    const u = await user('tamper');
    await u.register();
    const { res } = await stepUp(u, { tamper: true });
    expect((await res.json()).code).toBe('VERIFICATION_FAILED');
    expect((await stack.audit(u.tenant)).at(-1)?.data).toMatchObject({
      outcome: 'denied',
      reason: 'VERIFICATION_FAILED',
    });
  });

  it('refuses step-up for a token without a session id', async () => {
    const u = await user('nosid');
    const token = await stack.issuer.sign({ tenant: u.tenant, roles: ['analyst'] }, { sub: 'alice' });
    const res = await u.post('/stepup/register/options', {}, token);
    expect(res.status).toBe(401);
    expect((await res.json()).code).toBe('SESSION_REQUIRED');
  });
});
