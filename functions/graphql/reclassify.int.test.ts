import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgePerson } from '../../infra/local/test-support/edge-person.js';
import { stepUpStack } from '../../infra/local/test-support/stepup-stack.js';
import { testTenant } from '../../infra/local/test-support/twin.js';
import { entityInput } from '../core/graph/test-support/fixtures.js';

const pageOrigin = 'http://localhost:4300';
let stack: Awaited<ReturnType<typeof stepUpStack>>;

beforeAll(async () => {
  stack = await stepUpStack({ pageOrigin });
});
afterAll(() => stack?.close());

const legal = { roles: ['legal'], clearances: ['pii'] };
const investigator = { roles: ['investigator'], clearances: ['pii'] };

/** A tenant holding one PII person, written by a trusted service (no caller scope). */
async function tenantWithPii(label: string) {
  const tenant = testTenant(label);
  const input = entityInput({ id: 'p', dataClass: 'PII', attributes: { passport: 'AB123456C' } });
  await stack.repo.upsertEntity(tenant, input);
  return tenant;
}

/** A person of `tenant` with a session, calling through the edge; `stepUp()` returns a reclassify grant. */
async function person(tenant: string, subject: string, claims: Record<string, unknown>) {
  const p = await edgePerson(stack, pageOrigin, tenant, subject, claims);
  const reclassify = (grant?: string) =>
    p.call('ReclassifyEntity', { id: 'p', dataClass: 'ENTITY', reason: 'published in the annual report' }, grant);
  return { call: p.call, stepUp: () => p.stepUp(['mutate:reclassify']), reclassify };
}

describe('reclassifyEntity: the one way to lower a class (edge, step-up on dynalite, OPA wasm, Neo4j, ledger)', () => {
  it('lets a role with the reclassify right lower PII to ENTITY after step-up, and audits from, to and reason', async () => {
    const tenant = await tenantWithPii('rc-legal');
    const lee = await person(tenant, 'lee', legal);
    const viewer = await person(tenant, 'vic', { roles: ['viewer'] });

    const refused = await lee.reclassify();
    const grant = await lee.stepUp();
    const done = await lee.reclassify(grant);

    expect(refused.status).toBe(401);
    expect(refused.json.errors![0].extensions).toMatchObject({
      code: 'STEP_UP_REQUIRED',
      stepUp: { scopes: ['mutate:reclassify'] },
    });
    expect(done.status).toBe(200);
    expect(done.json.data.reclassifyEntity).toMatchObject({
      from: 'PII',
      to: 'ENTITY',
      entity: { dataClass: 'ENTITY' },
    });
    const [entry, ...more] = await stack.audit(tenant, 'entity.');
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      tenant,
      kind: 'entity.reclassify',
      actor: 'lee',
      subject: 'p',
      data: {
        from: 'pii',
        to: 'entity',
        lowering: true,
        reason: 'published in the annual report',
        operation: 'ReclassifyEntity',
        decisionId: done.json.data.reclassifyEntity.decisionId,
      },
    });
    const calls = await stack.audit(tenant, 'stepup.sensitive-call');
    expect(calls.map((e) => [e.data.operation, e.data.outcome])).toEqual([
      ['ReclassifyEntity', 'denied'],
      ['ReclassifyEntity', 'ok'],
    ]);
    expect((await viewer.call('GetEntity', { id: 'p' })).json.data.entity).toMatchObject({ dataClass: 'ENTITY' });
  });

  it('refuses a caller who sees PII but lacks the reclassify right, even after step-up, and logs the deny', async () => {
    const tenant = await tenantWithPii('rc-investigator');
    const ivy = await person(tenant, 'ivy', investigator);

    const refused = await ivy.reclassify(await ivy.stepUp());

    expect(refused.status).toBeLessThan(500);
    expect(refused.json.data).toBeNull();
    expect(refused.json.errors![0].extensions).toMatchObject({
      code: 'POLICY_DENIED',
      reasons: [{ rule: 'write.role_cannot_write', unlock: 'be granted a role that may reclassify: legal' }],
    });
    expect((await ivy.call('GetEntity', { id: 'p' })).json.data.entity).toMatchObject({ dataClass: 'PII' });
    expect(await stack.audit(tenant, 'entity.')).toEqual([]);
    const [deny] = await stack.audit(tenant, 'policy.decision');
    expect(deny).toMatchObject({
      actor: 'ivy',
      subject: 'p',
      data: { entrypoint: 'graphgate/write/decision', allow: false, operation: 'ReclassifyEntity' },
    });
  });

  it('answers a caller who cannot see the entity exactly as for a missing one', async () => {
    const tenant = await tenantWithPii('rc-hidden');
    const lou = await person(tenant, 'lou', { roles: ['legal'] });
    const grant = await lou.stepUp();

    const hidden = await lou.reclassify(grant);
    const missing = await lou.call(
      'ReclassifyEntity',
      { id: 'q', dataClass: 'ENTITY', reason: 'published in the annual report' },
      grant,
    );

    expect(hidden.json.errors![0].extensions.code).toBe('NOT_FOUND');
    const anonymous = (json: { errors?: { message: string }[] }) => json.errors![0]!.message.replace(/ [pq] /, ' ID ');
    expect(anonymous(hidden.json)).toBe(anonymous(missing.json));
    expect(JSON.stringify(hidden.json)).not.toContain('AB123456C');
  });
});
