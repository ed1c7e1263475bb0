import { describe, expect, it } from 'vitest';
import { type LedgerEntry, MemoryAuditLedger } from '../audit/index.js';
import { createStaticPolicyEngine } from '../policy/static-engine.js';
import { createGrantChecker } from './grants.js';
import { memoryStepUpStores } from './memory-stores.js';
import { gateSensitiveCall, type SensitiveCallGate } from './sensitive-call.js';

const reason = { rule: 'stepup.required', message: 'sensitive operations need a step-up', unlock: 'step up' };

function gate(options: { enforced?: boolean; exemption?: string | null } = {}) {
  const ledger = new MemoryAuditLedger();
  const g: SensitiveCallGate = {
    checkGrant: createGrantChecker({ grants: memoryStepUpStores().grants }),
    ledger,
    enforced: () => options.enforced ?? true,
    policy: createStaticPolicyEngine({
      'graphgate/stepup/decision': () => ({
        allow: options.exemption != null,
        reasons: [reason],
        exemption: options.exemption ?? null,
        audit: true,
      }),
    }),
  };
  return { g, ledger };
}

const call = {
  caller: { tenant: 't-gate', subject: 'alice', sessionId: 's-1', attributes: {} },
  operation: 'MergeEntities',
  scopes: ['mutate:merge'],
  grantToken: null,
};

async function entries(ledger: MemoryAuditLedger): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  for await (const e of ledger.read('t-gate')) out.push(e);
  return out;
}

describe('sensitive call gate', () => {
  it('refuses a call without a grant and audits the refusal with its code', async () => {
    const { g, ledger } = gate();
    await expect(gateSensitiveCall(g, call)).rejects.toMatchObject({ code: 'GRANT_MISSING' });
    expect((await entries(ledger)).map((e) => e.data)).toMatchObject([{ outcome: 'denied', reason: 'GRANT_MISSING' }]);
  });

  it('lets a policy exemption through and audits it with the decision id', async () => {
    const { g, ledger } = gate({ exemption: 'replay-service' });
    await gateSensitiveCall(g, call);
    expect((await entries(ledger)).map((e) => e.data)).toMatchObject([
      { outcome: 'exempted', reason: 'replay-service', decisionId: expect.any(String) },
    ]);
  });

  it('runs calls of tenants without enforcement, audited as not enforced', async () => {
    const { g, ledger } = gate({ enforced: false });
    await gateSensitiveCall(g, call);
    expect((await entries(ledger)).map((e) => e.data)).toMatchObject([{ outcome: 'not-enforced' }]);
  });
});
