/**
 * Authorisation inside a tenant (and across tenants) through the edge: roles that may not write, writes on entities
 * outside the caller's classes, class lowering, and existence oracles. An entity outside scope answers exactly as a
 * missing one does (`sameAnswerAs`), and no answer carries a value of the PII entity or of the other tenant.
 */
import type { Case, CorpusContext, Expectation, TokenSpec } from '../types.js';
import { apq, edgePost } from './helpers.js';

const refusedWrite: Expectation = {
  status: [200, 400, 401, 403, 404],
  code: ['FORBIDDEN', 'NOT_FOUND', 'POLICY_DENIED', 'STEP_UP_REQUIRED'],
  noData: true,
};
const absent: Expectation = { status: [200], noData: true };

/** Callers who may not write at all, or may not see PII. */
const roles: Record<string, TokenSpec> = {
  viewer: { claims: { roles: ['viewer'] } },
  unknown: { claims: { roles: ['reproducers'] } },
  none: { claims: { roles: [] } },
  analyst: { claims: { roles: ['analyst'] } },
  'analyst-claiming-pii-clearance': { claims: { roles: ['analyst'], clearances: ['pii'] } },
};
const noWriteRoles = ['viewer', 'unknown', 'none'];
const investigator: TokenSpec = {
  claims: { roles: ['investigator'], clearances: ['pii'], purposes: ['investigation'] },
};

export function authorisationCases(ctx: CorpusContext): Case[] {
  const { entity, other, pii, missing, victim } = ctx.ids;
  const cases: Case[] = [];
  const add = (id: string, body: string, expect: Expectation, auth: TokenSpec, sameAnswerAs?: string) =>
    cases.push(edgePost(`authz/${id}`, 'authorisation', body, expect, { auth, sameAnswerAs }));

  const newEntity = (dataClass: string) =>
    apq('UpsertEntity', { input: { kind: 'PERSON', names: ['Authz Probe'], dataClass } });
  for (const role of noWriteRoles) {
    add(`${role}-creates-entity`, newEntity('ENTITY'), refusedWrite, roles[role]!);
    add(`${role}-creates-pii`, newEntity('PII'), refusedWrite, roles[role]!);
    add(
      `${role}-links-visible`,
      apq('LinkEntities', { input: { from: entity, to: other, type: 'KNOWS' } }),
      refusedWrite,
      roles[role]!,
    );
    add(
      `${role}-updates-visible`,
      apq('UpsertEntity', { input: { id: entity, kind: 'PERSON', names: ['Renamed'] } }),
      refusedWrite,
      roles[role]!,
    );
  }
  for (const [role, auth] of Object.entries(roles)) {
    // Invisible PII: reads look absent, exactly like a missing id.
    add(`${role}-reads-missing`, apq('GetEntity', { id: missing }), absent, auth);
    add(`${role}-reads-pii`, apq('GetEntity', { id: pii }), absent, auth, `authz/${role}-reads-missing`);
    add(`${role}-neighbors-missing`, apq('Neighbors', { id: missing }), absent, auth);
    add(`${role}-neighbors-of-pii`, apq('Neighbors', { id: pii }), absent, auth, `authz/${role}-neighbors-missing`);
    add(`${role}-neighbors-hides-pii`, apq('Neighbors', { id: entity, hops: 2 }), { status: [200] }, auth);
    add(`${role}-path-to-missing`, apq('Path', { from: entity, to: missing }), absent, auth);
    add(`${role}-path-to-pii`, apq('Path', { from: entity, to: pii }), absent, auth, `authz/${role}-path-to-missing`);
    add(`${role}-searches-pii-name`, apq('Search', { text: 'Zebulon' }), { status: [200] }, auth);
    // Writes that touch the invisible entity: refused, and no different from the same write on a missing entity.
    add(
      `${role}-upserts-pii`,
      apq('UpsertEntity', { input: { id: pii, kind: 'PERSON', names: ['Overwritten'], dataClass: 'PII' } }),
      refusedWrite,
      auth,
    );
    add(
      `${role}-lowers-pii`,
      apq('UpsertEntity', { input: { id: pii, kind: 'PERSON', names: ['Lowered'], dataClass: 'ENTITY' } }),
      refusedWrite,
      auth,
    );
    add(
      `${role}-links-to-missing`,
      apq('LinkEntities', { input: { from: entity, to: missing, type: 'KNOWS' } }),
      refusedWrite,
      auth,
    );
    add(
      `${role}-links-to-pii`,
      apq('LinkEntities', { input: { from: entity, to: pii, type: 'KNOWS' } }),
      refusedWrite,
      auth,
      `authz/${role}-links-to-missing`,
    );
    add(
      `${role}-links-from-pii`,
      apq('LinkEntities', { input: { from: pii, to: entity, type: 'OWNS' } }),
      refusedWrite,
      auth,
    );
    add(`${role}-merges-pii`, apq('MergeEntity', { survivorId: entity, mergedId: pii }), refusedWrite, auth);
    add(
      `${role}-reclassifies-pii`,
      apq('ReclassifyEntity', { id: pii, dataClass: 'ENTITY', reason: 'probe' }),
      refusedWrite,
      auth,
    );
    add(
      `${role}-exports-missing`,
      apq('ExportEntities', { selection: { ids: [missing] }, purpose: 'investigation', audience: 'INTERNAL' }),
      { status: [200, 400] },
      auth,
    );
    add(
      `${role}-exports-pii`,
      apq('ExportEntities', { selection: { ids: [pii] }, purpose: 'investigation', audience: 'INTERNAL' }),
      { status: [200, 400] },
      auth,
      `authz/${role}-exports-missing`,
    );
  }
  // Lowering a class is its own sensitive operation, even for a caller who may see and write the entity.
  add(
    'investigator-lowers-pii-by-upsert',
    apq('UpsertEntity', { input: { id: pii, kind: 'PERSON', names: ['Lowered'], dataClass: 'ENTITY' } }),
    refusedWrite,
    investigator,
  );
  add(
    'investigator-reclassifies-without-step-up',
    apq('ReclassifyEntity', { id: pii, dataClass: 'ENTITY', reason: 'probe' }),
    { status: [401], code: ['STEP_UP_REQUIRED'], noData: true },
    investigator,
  );

  // Another tenant's entity, by a caller with every role of its own tenant: indistinguishable from a missing one.
  const all: TokenSpec = {
    claims: { roles: ['investigator', 'legal', 'admin', 'analyst'], clearances: ['pii', 'financial'] },
  };
  add('cross-reads-missing', apq('GetEntity', { id: missing }), absent, all);
  add('cross-reads-victim', apq('GetEntity', { id: victim }), absent, all, 'authz/cross-reads-missing');
  add('cross-neighbors-missing', apq('Neighbors', { id: missing }), absent, all);
  add('cross-neighbors-victim', apq('Neighbors', { id: victim }), absent, all, 'authz/cross-neighbors-missing');
  add(
    'cross-links-missing',
    apq('LinkEntities', { input: { from: entity, to: missing, type: 'KNOWS' } }),
    refusedWrite,
    all,
  );
  add(
    'cross-links-victim',
    apq('LinkEntities', { input: { from: entity, to: victim, type: 'KNOWS' } }),
    refusedWrite,
    all,
    'authz/cross-links-missing',
  );
  add(
    'cross-exports-missing',
    apq('ExportEntities', { selection: { ids: [missing] }, purpose: 'investigation', audience: 'INTERNAL' }),
    { status: [200, 400] },
    all,
  );
  add(
    'cross-exports-victim',
    apq('ExportEntities', { selection: { ids: [victim] }, purpose: 'investigation', audience: 'INTERNAL' }),
    { status: [200, 400] },
    all,
    'authz/cross-exports-missing',
  );
  add('cross-searches-victim-name', apq('Search', { text: 'Quillon' }), { status: [200] }, all);
  return cases;
}
