import { describe, expect, it } from 'vitest';
import { SoftAuthenticator } from '../../../infra/local/passkey/soft-authenticator.js';
import { MemoryAuditLedger } from '../audit/index.js';
import { memoryStepUpStores } from './memory-stores.js';
import { createStepUpService } from './service.js';

const origin = 'http://localhost:4321';

function setup(options: { counter?: 'increment' | 'zero'; now?: () => number } = {}) {
  const ledger = new MemoryAuditLedger();
  const service = createStepUpService({
    stores: memoryStepUpStores(),
    ledger,
    rp: { id: 'localhost', name: 'graphgate', origins: [origin] },
    knownScopes: ['mutate:merge', 'mutate:unmerge'],
    now: options.now,
  });
  const caller = { tenant: 't-unit', subject: 'alice', sessionId: 's-1' };
  const authenticator = new SoftAuthenticator({ origin, counter: options.counter });
  return { ledger, service, caller, authenticator };
}

async function registered(s: ReturnType<typeof setup>) {
  const { challengeId, options } = await s.service.registrationOptions(s.caller);
  await s.service.verifyRegistration(s.caller, { challengeId, response: await s.authenticator.register(options) });
}

describe('step-up service (memory stores)', () => {
  it('registers a passkey, steps up and issues a grant usable only by its session', async () => {
    const s = setup();
    await registered(s);
    const opts = await s.service.authenticationOptions(s.caller, { scopes: ['mutate:merge'] });
    const grant = await s.service.verifyAuthentication(s.caller, {
      challengeId: opts.challengeId,
      response: await s.authenticator.authenticate(opts.options),
    });
    await expect(s.service.checkGrant(s.caller, grant.grant, ['mutate:merge'])).resolves.toMatchObject({
      credentialId: s.authenticator.credentialId,
    });
    await expect(
      s.service.checkGrant({ ...s.caller, sessionId: 's-2' }, grant.grant, ['mutate:merge']),
    ).rejects.toMatchObject({ code: 'GRANT_SESSION_MISMATCH' });
    await expect(s.service.checkGrant(s.caller, grant.grant, ['mutate:unmerge'])).rejects.toMatchObject({
      code: 'GRANT_SCOPE_INSUFFICIENT',
    });
    const kinds = s.ledger.rawEntries('t-unit').map((e) => `${e.kind}:${e.data.outcome}`);
    expect(kinds).toEqual([
      'stepup.register.options:ok',
      'stepup.register.verify:ok',
      'stepup.authenticate.options:ok',
      'stepup.authenticate.verify:ok',
    ]);
  });

  it('accepts authenticators whose counter is always 0', async () => {
    const s = setup({ counter: 'zero' });
    await registered(s);
    for (let i = 0; i < 2; i++) {
      const opts = await s.service.authenticationOptions(s.caller, { scopes: ['mutate:merge'] });
      const response = await s.authenticator.authenticate(opts.options);
      await expect(
        s.service.verifyAuthentication(s.caller, { challengeId: opts.challengeId, response }),
      ).resolves.toHaveProperty('grant');
    }
  });

  it('refuses an expired challenge and audits the reason', async () => {
    let now = 1_700_000_000_000;
    const s = setup({ now: () => now });
    await registered(s);
    const opts = await s.service.authenticationOptions(s.caller, { scopes: ['mutate:merge'] });
    now += 121_000;
    const response = await s.authenticator.authenticate(opts.options);
    await expect(
      s.service.verifyAuthentication(s.caller, { challengeId: opts.challengeId, response }),
    ).rejects.toMatchObject({ code: 'CHALLENGE_EXPIRED' });
    expect(s.ledger.rawEntries('t-unit').at(-1)?.data).toMatchObject({
      outcome: 'denied',
      reason: 'CHALLENGE_EXPIRED',
      challengeId: opts.challengeId,
    });
  });

  it('refuses scopes the manifest does not know', async () => {
    const s = setup();
    await registered(s);
    await expect(s.service.authenticationOptions(s.caller, { scopes: ['root'] })).rejects.toMatchObject({
      code: 'UNKNOWN_SCOPE',
    });
  });
});
