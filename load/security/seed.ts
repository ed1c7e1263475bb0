/**
 * The world the corpus attacks, written straight to Neo4j (so it does not depend on the write path under test): in the
 * attacker's tenant two ENTITY entities and a PII entity linked to one of them; in a victim tenant one entity. The PII
 * entity's and the victim's stored values are secrets no answer may ever carry.
 */
import { randomBytes } from 'node:crypto';
import { createDriver, Neo4jGraphRepository } from '../../functions/core/graph/index.js';
import type { CorpusContext } from './types.js';

const suffix = () => randomBytes(4).toString('hex');

/** Seeds a fresh attacker/victim tenant pair and returns the context the generators build cases from. */
export async function seedCorpusWorld(neo4jUri: string): Promise<CorpusContext> {
  const run = suffix();
  const tenant = `t-corpus-${run}`;
  const victimTenant = `t-victim-${run}`;
  const ids = {
    entity: `corpus-entity-${run}`,
    other: `corpus-other-${run}`,
    pii: `corpus-pii-${run}`,
    missing: `corpus-missing-${run}`,
    missingOther: `corpus-missing2-${run}`,
    victim: `victim-entity-${run}`,
  };
  const piiName = `Zebulon Quartz-${suffix()}`;
  const piiNote = `pii-note-${suffix()}`;
  const victimName = `Quillon Vexby-${suffix()}`;
  const victimNote = `victim-note-${suffix()}`;
  const driver = createDriver(neo4jUri);
  try {
    const repo = new Neo4jGraphRepository(driver);
    const person = (
      id: string,
      names: string[],
      dataClass: 'ENTITY' | 'PII',
      attributes: Record<string, unknown> = {},
    ) =>
      ({ id, kind: 'PERSON', names, dataClass, licence: 'INTERNAL_ONLY', attributes }) as Parameters<
        typeof repo.upsertEntity
      >[1];
    await repo.upsertEntity(tenant, person(ids.entity, ['Corpus Entity'], 'ENTITY'));
    await repo.upsertEntity(tenant, person(ids.other, ['Corpus Other'], 'ENTITY'));
    await repo.upsertEntity(tenant, person(ids.pii, [piiName], 'PII', { note: piiNote }));
    await repo.linkEntities(tenant, { from: ids.entity, to: ids.pii, type: 'KNOWS' } as Parameters<
      typeof repo.linkEntities
    >[1]);
    await repo.upsertEntity(victimTenant, person(ids.victim, [victimName], 'ENTITY', { note: victimNote }));
  } finally {
    await driver.close();
  }
  return { tenant, victimTenant, ids, secrets: [piiName, piiNote, victimName, victimNote, victimTenant] };
}
