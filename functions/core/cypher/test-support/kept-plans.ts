/**
 * What every template that keeps its first plan (`keepPlan`, graph/cypher/template.ts) must be planned as on a freshly
 * migrated, empty graph, which is where a new deployment makes the plan it then keeps: the index seeks or procedure
 * call it starts from, with representative parameters (a plan is cached per parameter types too). A keepPlan template
 * without an entry here fails registry.test.ts; cypher/kept-plans.int.test.ts EXPLAINs each one on a fresh Neo4j.
 */
import neo4j from 'neo4j-driver';
import { keepPlan } from '../../graph/cypher/template.js';
import { cypherRegistry, type RegisteredTemplate } from '../registry.js';

/** A kept plan's parameters and its anchors as {@link planAnchors} names them (sorted; `[]`: a plain CREATE). */
export interface KeptPlan {
  params: Record<string, unknown>;
  anchors: readonly string[];
}

const n = (v: number) => neo4j.int(v);
const now = n(1_765_000_000_000);
const tenant = 't-plans';
const entity = 'NodeUniqueIndexSeek :Entity(tenant, id)';
const decision = 'NodeUniqueIndexSeek :ErDecision(tenant, eventId)';
const fulltext = 'ProcedureCall db.index.fulltext.queryNodes';

/** Keyed `area.name` as in the Cypher registry. */
export const keptPlans: Readonly<Record<string, KeptPlan>> = {
  'graph.upsertEntity': {
    params: {
      tenant,
      returnEntity: false,
      rows: [
        {
          id: 'e1',
          kind: 'PERSON',
          names: ['Ada Lovelace'],
          nameTokens: ['ada', 'lovelace'],
          dataClass: 'PII',
          licence: 'INTERNAL_ONLY',
          fresh: null,
          createdAt: null,
          expiresAt: null,
          now,
          attributes: '{}',
          sources: '[]',
          identifiers: ['passport:P-1'],
          purposes: null,
          blockKeys: ['dm:ATLF'],
          erRecord: '{}',
        },
      ],
    },
    anchors: [entity],
  },
  'graph.mergeSubjects': { params: { tenant, survivorId: 'e1', mergedId: 'e2' }, anchors: [entity] },
  'graph.deleteRels': {
    params: { tenant, eids: ['5:0b3c7f3e-0000-0000-0000-000000000000:1'] },
    anchors: ['DirectedRelationshipByElementIdSeek'],
  },
  'graph.setEntityProps': {
    params: { tenant, id: 'e1', props: { kind: 'PERSON', names: ['Ada'], createdAt: now } },
    anchors: [entity],
  },
  'graph.markMerged': { params: { tenant, mergedId: 'e2', survivorId: 'e1' }, anchors: [entity] },
  'graph.createMergeRecord': {
    params: {
      tenant,
      mergeId: 'm1',
      survivorId: 'e1',
      mergedId: 'e2',
      reason: 'er HIGH',
      actor: 'er-intake',
      snapshot: '{}',
      now,
    },
    anchors: [],
  },
  'er.lockAndMarkEvents': {
    params: {
      tenant,
      stripes: [n(17), n(4242)],
      events: [{ eventId: 'ev-1', recordHash: 'a'.repeat(64), token: 'tok-1' }],
      now,
    },
    anchors: ['NodeUniqueIndexSeek :AppliedEvent(tenant, eventId)', 'NodeUniqueIndexSeek :ErBlockLock(tenant, stripe)'],
  },
  'er.blockingCandidates': {
    params: {
      tenant,
      queries: [
        { i: n(0), query: '+tenant:t-plans +(nameTokens:ada)', rejected: [] },
        { i: n(1), query: '+tenant:t-plans +(identifiers:lei\\:1)', rejected: ['e1'] },
      ],
      now,
      limit: n(50),
    },
    anchors: [fulltext],
  },
  'er.liveCandidatesById': {
    params: { tenant, ids: ['e1', 'e2'], now, rejected: [] },
    anchors: [entity],
  },
  'er.rejectedForSources': { params: { tenant, query: '+tenant:t-plans +(aSources:crm/1)' }, anchors: [fulltext] },
  'er.createDecisions': {
    params: {
      tenant,
      now,
      rows: [
        {
          eventId: 'ev-1',
          band: 'LOW',
          score: 0.1,
          entityId: 'e1',
          candidateId: null,
          mergeId: null,
          reviewId: null,
          repairMergeIds: [],
          explanation: 'null',
          modelVersion: 'fs-0',
          ledgerData: '{}',
          ledgerTraceId: null,
        },
      ],
    },
    anchors: [],
  },
  'er.getDecision': { params: { tenant, eventId: 'ev-1' }, anchors: [decision] },
  'er.recordLedgerChain': {
    params: { tenant, rows: [{ eventId: 'ev-1', seq: n(1) }], seq: n(1) },
    anchors: [decision, 'NodeUniqueIndexSeek :ErLedgerCursor(tenant)'],
  },
  'er.createReviewCandidate': {
    params: {
      tenant,
      id: 'rv-1',
      eventId: 'ev-1',
      entityId: 'e1',
      candidateId: 'e2',
      score: 0.7,
      explanation: 'null',
      now,
    },
    anchors: [],
  },
};

/** The registry key of a template (`er.getDecision`). */
export const keyOf = (r: RegisteredTemplate) => `${r.area}.${r.template.name}`;

/** Every registered template that keeps its plan. */
export const keptPlanTemplates: readonly RegisteredTemplate[] = cypherRegistry.filter((r) =>
  r.template.cypher.startsWith(keepPlan),
);

/** The parts of a driver plan (ResultSummary.plan) read here. */
export interface PlanNode {
  operatorType: string;
  arguments: Record<string, unknown>;
  children: PlanNode[];
}

/**
 * Where a plan starts reading: each leaf that seeks or scans, and each procedure call (a leaf or not), as `Operator :Label(keys)` (a seek
 * on a prefix of its keys only, `… IS NOT NULL`, gets ` partial`) or `ProcedureCall name`; sorted, without repeats.
 * Leaves that read nothing (Argument, EmptyRow, Unwind, Create) are left out.
 */
export function planAnchors(plan: PlanNode): string[] {
  const out = new Set<string>();
  const walk = (p: PlanNode): void => {
    const op = p.operatorType.replace(/@.*$/, '').replace('(Locking)', '');
    const details = String(p.arguments.Details ?? '');
    // A procedure call reads where it stands, a leaf or not (inside a subquery it sits on the subquery's argument).
    if (op === 'ProcedureCall') out.add(`${op} ${/^([\w.]+)\(/.exec(details)?.[1] ?? details}`);
    if (p.children.length > 0) {
      p.children.forEach(walk);
      return;
    }
    if (/Seek|Scan/.test(op)) {
      const index = /:(\w+)\(([^)]*)\)/.exec(details);
      const partial = /Seek/.test(op) && details.includes('IS NOT NULL') ? ' partial' : '';
      out.add(index ? `${op} :${index[1]}(${index[2]})${partial}` : op);
    }
  };
  walk(plan);
  return [...out].sort();
}
