import { describe, expect, it } from 'vitest';
import { type LedgerEntry, MemoryAuditLedger } from '../audit/index.js';
import { createStaticPolicyEngine } from '../policy/static-engine.js';
import { createGrantChecker } from './grants.js';
import { memoryStepUpStores } from './memory-stores.js';
import { gateSensitiveCall, type SensitiveCallGate } from './sensitive-call.js';

const reason = { rule: 'stepup.required', message: 'sensitive operations need a step-up', unlock: 'step up' };

type Enforcement = 'enforce' | 'monitor' | 'exempt';

/** A gate whose policy answers like stepup.rego for `enforcement`; `inputs` records what it was asked. */
function gate(options: { enforcement?: Enforcement; exemption?: string | null } = {}) {
  const ledger = new MemoryAuditLedger();
  const inputs: unknown[] = [];
  const enforcement = options.enforcement ?? 'enforce';
  const exemption = options.exemption ?? (enforcement === 'exempt' ? 'enforcement-exempt' : null);
  const g: SensitiveCallGate = {
    checkGrant: createGrantChecker({ grants: memoryStepUpStores().grants }),
    ledger,
    stage: 'dev',
    policy: createStaticPolicyEngine({
      'graphgate/stepup/decision': (input) => {
        inputs.push(input);
        return {
          allow: exemption !== null || enforcement === 'monitor',
          reasons: [reason],
          exemption,
          audit: true,
          enforcement,
        };
      },
    }),
  };
  return { g, ledger, inputs };
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
  it('asks policy with the caller, the operation, the tenant and the stage', async () => {
    const { g, inputs } = gate();
    await gateSensitiveCall(g, call).catch(() => undefined);
    expect(inputs).toEqual([
      {
        caller: { kind: 'human' },
        request: { operation: { name: 'MergeEntities', sensitive: true } },
        tenant: 't-gate',
        stage: 'dev',
      },
    ]);
  });

  it('refuses a call without a grant and audits the refusal with its code and decision', async () => {
    const { g, ledger } = gate();
    await expect(gateSensitiveCall(g, call)).rejects.toMatchObject({ code: 'GRANT_MISSING' });
    expect((await entries(ledger)).map((e) => e.data)).toMatchObject([
      { outcome: 'denied', reason: 'GRANT_MISSING', decisionId: expect.any(String) },
    ]);
  });

  it('lets a policy exemption through and audits it with the decision id', async () => {
    const { g, ledger } = gate({ exemption: 'replay-service' });
    await gateSensitiveCall(g, call);
    expect((await entries(ledger)).map((e) => e.data)).toMatchObject([
      { outcome: 'exempted', reason: 'replay-service', decisionId: expect.any(String) },
    ]);
  });

  it('runs a call without a grant under monitor, audited as monitored with what was wrong', async () => {
    const { g, ledger } = gate({ enforcement: 'monitor' });
    await gateSensitiveCall(g, call);
    expect((await entries(ledger)).map((e) => e.data)).toMatchObject([
      { outcome: 'monitored', reason: 'GRANT_MISSING', decisionId: expect.any(String) },
    ]);
  });

  it('runs a call under exempt as an audited exemption', async () => {
    const { g, ledger } = gate({ enforcement: 'exempt' });
    await gateSensitiveCall(g, call);
    expect((await entries(ledger)).map((e) => e.data)).toMatchObject([
      { outcome: 'exempted', reason: 'enforcement-exempt' },
    ]);
  });
});
