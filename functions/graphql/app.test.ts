import { describe, expect, it } from 'vitest';
import { createStaticPolicyEngine } from '../core/policy/index.js';
import { MemoryNonceStore } from '../core/signing/memory-nonces.js';
import { createOrigin } from './app.js';
import { MemoryGraph } from './test-support/memory-graph.js';
import { signedGraphqlRequest, testKey } from './test-support/requests.js';

/** Scope like the real policy: analysts see entity, investigators also pii. */
const classesOf = (input: unknown) => {
  const roles = ((input as { caller: { roles?: string[] } }).caller.roles ?? []) as string[];
  return roles.includes('investigator') ? ['entity', 'pii'] : roles.includes('analyst') ? ['entity'] : [];
};
/** Writes like the real policy, simplified: both classes must be in scope. */
const policy = createStaticPolicyEngine({
  'graphgate/scope/decision': (input) => ({
    allow: true,
    classes: classesOf(input),
    purposes: ['investigation'],
    reasons: [{ rule: 'scope.roles', message: 'by role', unlock: 'none' }],
  }),
  'graphgate/write/decision': (input) => {
    const w = (input as { write: { current_class: string | null; new_class: string } }).write;
    const classes = classesOf(input);
    const allow = classes.includes(w.new_class) && (w.current_class === null || classes.includes(w.current_class));
    return {
      allow,
      lowering: false,
      reasons: [{ rule: 'write.scope', message: 'by scope', unlock: allow ? null : 'a wider scope' }],
    };
  },
});

function setup() {
  const repo = new MemoryGraph();
  const invalidated: { tenant: string; ids: string[] }[] = [];
  const { yoga } = createOrigin({
    repo,
    policy,
    signingKeys: [testKey],
    nonces: new MemoryNonceStore(),
    invalidate: async (tenant, ids) => {
      invalidated.push({ tenant, ids });
    },
  });
  return { repo, yoga, invalidated };
}

const person = (names: string[], dataClass = 'ENTITY') => ({
  input: { kind: 'PERSON', names, dataClass, licence: 'INTERNAL_ONLY' },
});

describe('graphql origin', () => {
  it('refuses an unsigned request with 401 UNSIGNED_REQUEST', async () => {
    const { yoga } = setup();
    const res = await yoga.fetch(
      await signedGraphqlRequest({ tenant: 'acme', operation: 'GetEntity', unsigned: true }),
    );
    expect(res.status).toBe(401);
    expect((await res.json()).errors[0].extensions.code).toBe('UNSIGNED_REQUEST');
  });

  it('refuses an unknown persisted id with 400 PERSISTED_QUERY_NOT_IN_LIST', async () => {
    const { yoga } = setup();
    const res = await yoga.fetch(await signedGraphqlRequest({ tenant: 'acme', id: 'f'.repeat(64) }));
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });

  it('refuses a document instead of an id with 400 PERSISTED_QUERY_ONLY', async () => {
    const { yoga } = setup();
    const rawBody = JSON.stringify({ query: '{ entity(id: "x") { id } }' });
    const res = await yoga.fetch(await signedGraphqlRequest({ tenant: 'acme', rawBody }));
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].extensions.code).toBe('PERSISTED_QUERY_ONLY');
  });

  it('writes and reads back inside the signed tenant, and invalidates the touched entity', async () => {
    const { yoga, invalidated } = setup();
    const created = await yoga.fetch(
      await signedGraphqlRequest({ tenant: 'acme', operation: 'UpsertEntity', variables: person(['Ada Lovelace']) }),
    );
    const id = (await created.json()).data.upsertEntity.id as string;

    const read = await yoga.fetch(
      await signedGraphqlRequest({ tenant: 'acme', operation: 'GetEntity', variables: { id } }),
    );
    const other = await yoga.fetch(
      await signedGraphqlRequest({ tenant: 'evil', operation: 'GetEntity', variables: { id } }),
    );

    expect((await read.json()).data.entity.names).toEqual(['Ada Lovelace']);
    expect((await other.json()).data.entity).toBeNull();
    expect(invalidated).toEqual([{ tenant: 'acme', ids: [id] }]);
    expect(created.headers.get('x-gg-bookmark')).toMatch(/^gb1\.[\w-]+\.[\w-]+$/);
  });

  it('hides entities whose data class is outside the caller scope', async () => {
    const { yoga } = setup();
    const created = await yoga.fetch(
      await signedGraphqlRequest({
        tenant: 'acme',
        operation: 'UpsertEntity',
        variables: person(['Secret'], 'PII'),
        attributes: { roles: ['investigator'] },
      }),
    );
    const id = (await created.json()).data.upsertEntity.id as string;
    const call = (roles: string[]) =>
      signedGraphqlRequest({ tenant: 'acme', operation: 'GetEntity', variables: { id }, attributes: { roles } });

    const analyst = await (await yoga.fetch(await call(['analyst']))).json();
    const investigator = await (await yoga.fetch(await call(['investigator']))).json();

    expect(analyst.data.entity).toBeNull();
    expect(investigator.data.entity.id).toBe(id);
  });

  it('keeps coded domain errors and masks unexpected ones without a stack', async () => {
    const { yoga, repo } = setup();
    repo.failNext = Object.assign(new Error('too big'), { code: 'RESULT_TOO_LARGE' });
    const codedRes = await yoga.fetch(
      await signedGraphqlRequest({ tenant: 'a', operation: 'GetEntity', variables: { id: 'x' } }),
    );
    const coded = await codedRes.json();
    repo.failNext = new Error('neo4j exploded at 10.0.0.7');
    const maskedRes = await yoga.fetch(
      await signedGraphqlRequest({ tenant: 'a', operation: 'GetEntity', variables: { id: 'x' } }),
    );
    const masked = await maskedRes.json();

    expect(coded.errors[0].extensions.code).toBe('RESULT_TOO_LARGE');
    expect(codedRes.status).toBeLessThan(500);
    expect(masked.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    // An unexpected error is a server error for the SLO: HTTP 500, with the internal `http` extension stripped.
    expect(maskedRes.status).toBe(500);
    expect(masked.errors[0].extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(JSON.stringify(masked)).not.toMatch(/10\.0\.0\.7|stack|at /);
  });

  it('answers an oversized body with 413 before parsing it', async () => {
    const { yoga } = setup();
    const rawBody = JSON.stringify({ variables: { id: 'x'.repeat(70_000) } });
    const res = await yoga.fetch(await signedGraphqlRequest({ tenant: 'acme', rawBody }));
    expect(res.status).toBe(413);
    expect((await res.json()).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
