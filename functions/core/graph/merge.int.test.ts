import { describe, expect, it } from 'vitest';
import { testTenant } from '../../../infra/local/test-support/twin.js';
import { graphOnTwin } from '../../../infra/local/test-support/twin-graph.js';
import { dumpTenant, entityInput, linkInput } from './test-support/fixtures.js';

const g = graphOnTwin();

/** s and m are duplicates; both have neighbors, one shared; s and m know each other; m has a self-loop. */
async function duplicates(tenant: string) {
  await g.repo.upsertEntity(
    tenant,
    entityInput({ id: 's', names: ['Ann Lee'], attributes: { a: 1 }, identifiers: ['tax:1'] }),
  );
  await g.repo.upsertEntity(
    tenant,
    entityInput({ id: 'm', names: ['A. Lee'], attributes: { a: 2, b: 2 }, dataClass: 'IDENTITY_DOCUMENT' }),
  );
  for (const id of ['n1', 'n2', 'shared']) await g.repo.upsertEntity(tenant, entityInput({ id, names: [id] }));
  await g.repo.linkEntities(tenant, linkInput('s', 'shared'));
  await g.repo.linkEntities(tenant, linkInput('m', 'shared', { type: 'WORKS_FOR', confidence: 0.25 }));
  await g.repo.linkEntities(
    tenant,
    linkInput('n1', 'm', { properties: { note: 'in' }, since: '2001-02-03T04:05:06.000Z' }),
  );
  await g.repo.linkEntities(tenant, linkInput('m', 'n2', { type: 'OWNS', confidence: 1 }));
  await g.repo.linkEntities(tenant, linkInput('s', 'm'));
  await g.driver.executeQuery(
    `MATCH (m:Entity {tenant: $tenant, id: 'm'})
     CREATE (m)-[:RELATED_TO {tenant: $tenant, id: 'loop', properties: '{}', confidence: 0.5, createdAt: 7}]->(m)`,
    { tenant },
  );
}

describe('merge and unmerge', () => {
  it('merges: hides the merged entity, moves its relationships and unites its properties', async () => {
    const tenant = testTenant('merge');
    await duplicates(tenant);
    const merged = await g.repo.mergeEntity(tenant, {
      survivorId: 's',
      mergedId: 'm',
      reason: 'same person',
      actor: 'al',
    });

    expect(merged.value).toMatchObject({ mergedId: 'm', movedRelationships: 3 });
    expect(merged.value.survivor).toMatchObject({
      names: ['Ann Lee', 'A. Lee'],
      attributes: { a: 1, b: 2 },
      dataClass: 'IDENTITY_DOCUMENT',
    });
    expect(merged.touched.sort()).toEqual(['m', 'n1', 'n2', 's', 'shared']);
    expect(merged.bookmarks.length).toBeGreaterThan(0);
    expect(await g.repo.getEntity(tenant, 'm', { bookmarks: merged.bookmarks })).toBeNull();
    const around = (await g.repo.neighbors(tenant, { id: 's', hops: 1, limit: 10 }))!;
    expect(around.entities.map((e) => e.id).sort()).toEqual(['n1', 'n2', 'shared']);
    expect(around.relationships).toHaveLength(4);
    expect((await g.repo.search(tenant, { text: 'lee', limit: 10 })).map((h) => h.entity.id)).toEqual(['s']);
  });

  it('unmerge restores both entities and every relationship exactly, integer and float types included', async () => {
    const tenant = testTenant('merge');
    await duplicates(tenant);
    const before = await dumpTenant(g.driver, tenant);
    const merged = await g.repo.mergeEntity(tenant, { survivorId: 's', mergedId: 'm', actor: 'al' });
    const undone = await g.repo.unmergeEntity(tenant, { mergeId: merged.value.mergeId, actor: 'bo' });

    expect(undone.value).toMatchObject({ mergeId: merged.value.mergeId, restoredRelationships: 5 });
    expect(undone.value.restored.map((e) => e.id)).toEqual(['s', 'm']);
    expect(undone.touched.sort()).toEqual(['m', 'n1', 'n2', 's', 'shared']);
    expect(await dumpTenant(g.driver, tenant)).toEqual(before);
  });

  it('keeps a survivor change made after the merge when unmerging', async () => {
    const tenant = testTenant('merge');
    await duplicates(tenant);
    const merged = await g.repo.mergeEntity(tenant, { survivorId: 's', mergedId: 'm', actor: 'al' });
    await g.repo.upsertEntity(tenant, entityInput({ id: 's', names: ['Ann Lee-Smith'], licence: 'PUBLIC' }));
    await g.repo.unmergeEntity(tenant, { mergeId: merged.value.mergeId, actor: 'bo' });

    expect(await g.repo.getEntity(tenant, 's')).toMatchObject({ names: ['Ann Lee-Smith'], licence: 'PUBLIC' });
    expect(await g.repo.getEntity(tenant, 'm')).toMatchObject({ names: ['A. Lee'] });
  });

  it('refuses to merge twice, to update a merged entity and to undo a merge twice (CONFLICT)', async () => {
    const tenant = testTenant('merge');
    await duplicates(tenant);
    const merged = await g.repo.mergeEntity(tenant, { survivorId: 's', mergedId: 'm', actor: 'al' });

    await expect(g.repo.mergeEntity(tenant, { survivorId: 'n1', mergedId: 'm', actor: 'al' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(g.repo.upsertEntity(tenant, entityInput({ id: 'm' }))).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(g.repo.linkEntities(tenant, linkInput('m', 'n1'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await g.repo.unmergeEntity(tenant, { mergeId: merged.value.mergeId, actor: 'bo' });
    await expect(g.repo.unmergeEntity(tenant, { mergeId: merged.value.mergeId, actor: 'bo' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(g.repo.unmergeEntity(tenant, { mergeId: 'nope', actor: 'bo' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(g.repo.mergeEntity(tenant, { survivorId: 's', mergedId: 's', actor: 'al' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('refuses to undo a merge whose survivor was merged again, until the later merge is undone', async () => {
    const tenant = testTenant('merge');
    await duplicates(tenant);
    const before = await dumpTenant(g.driver, tenant);
    const first = await g.repo.mergeEntity(tenant, { survivorId: 's', mergedId: 'm', actor: 'al' });
    const second = await g.repo.mergeEntity(tenant, { survivorId: 'shared', mergedId: 's', actor: 'al' });

    await expect(g.repo.unmergeEntity(tenant, { mergeId: first.value.mergeId, actor: 'bo' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await g.repo.unmergeEntity(tenant, { mergeId: second.value.mergeId, actor: 'bo' });
    await g.repo.unmergeEntity(tenant, { mergeId: first.value.mergeId, actor: 'bo' });
    expect(await dumpTenant(g.driver, tenant)).toEqual(before);
  });
});
