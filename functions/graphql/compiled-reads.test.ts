import { buildSchema, type ExecutionArgs, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { operationByName } from '../core/manifest/index.js';
import { readSdl } from '../core/manifest/schema-source.js';
import { createStaticPolicyEngine } from '../core/policy/index.js';
import { MemoryNonceStore } from '../core/signing/memory-nonces.js';
import { createOrigin } from './app.js';
import { useCompiledReads } from './compiled-reads.js';
import { MemoryGraph } from './test-support/memory-graph.js';
import { signedGraphqlRequest, testKey } from './test-support/requests.js';

const schema = buildSchema(readSdl());

/** Whether the plugin hands `operation` with `variables` to graphql-jit. */
async function compiles(operation: string, variables: Record<string, unknown>): Promise<boolean> {
  const entry = operationByName(operation);
  let compiled = false;
  const args = {
    schema,
    document: parse(entry.document),
    operationName: entry.name,
    variableValues: variables,
    contextValue: { operation: entry },
  } as unknown as ExecutionArgs;
  const hook = useCompiledReads().onExecute as (p: unknown) => unknown;
  await hook({
    args,
    setExecuteFn: () => {
      compiled = true;
    },
  });
  return compiled;
}

describe('compiled reads', () => {
  it('compiles a listed read whose variables are all given and valid', async () => {
    expect(await compiles('Neighbors', { id: 'a', hops: 2, limit: 500 })).toBe(true);
  });

  it('leaves to graphql-js what graphql-jit would answer differently', async () => {
    // A defaulted variable left out (graphql-jit 0.8 refuses it), a bad variable (its own wording), a mutation.
    expect(await compiles('Neighbors', { id: 'a', hops: 2 })).toBe(false);
    expect(await compiles('Neighbors', { id: 'a', hops: 'two', limit: 5 })).toBe(false);
    expect(await compiles('UpsertEntity', { input: { kind: 'PERSON', names: ['x'] } })).toBe(false);
  });

  it('answers a neighbourhood the same compiled and not', async () => {
    // Prepare: a centre with two neighbours; the same request with its defaults written out (compiled) and left out.
    const why = { rule: 'test', message: 'allowed', unlock: null };
    const policy = createStaticPolicyEngine({
      'graphgate/scope/decision': () => ({ allow: true, classes: ['entity'], purposes: [], reasons: [why] }),
      'graphgate/write/decision': () => ({ allow: true, lowering: false, reasons: [why] }),
    });
    const { yoga } = createOrigin({
      repo: new MemoryGraph(),
      policy,
      signingKeys: [testKey],
      nonces: new MemoryNonceStore(),
    });
    const gql = async (operation: string, variables: Record<string, unknown>) =>
      (await yoga.fetch(await signedGraphqlRequest({ tenant: 'acme', operation, variables }))).json();
    for (const id of ['a', 'b', 'c']) {
      await gql('UpsertEntity', {
        input: { id, kind: 'PERSON', names: [id], dataClass: 'ENTITY', licence: 'INTERNAL_ONLY' },
      });
    }
    await gql('LinkEntities', { input: { from: 'a', to: 'b', type: 'KNOWS', confidence: 0.5, properties: { k: 1 } } });
    await gql('LinkEntities', { input: { from: 'c', to: 'a', type: 'WORKS_FOR' } });

    // Act
    const compiled = await gql('Neighbors', { id: 'a', hops: 1, limit: 50 });
    const interpreted = await gql('Neighbors', { id: 'a' });
    const refused = await gql('Neighbors', { id: 'a', hops: 'one', limit: 50 });

    // Assess
    expect(compiled.errors).toBeUndefined();
    expect(compiled.data.neighbors.entities).toHaveLength(2);
    expect(compiled).toEqual(interpreted);
    expect(refused.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});
