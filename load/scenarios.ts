/**
 * The requests of each load scenario, built up front as vegeta targets (one target per request, used in order), so
 * a run is deterministic and the hits its key mix allows can be counted before it starts.
 *   reads          GetEntity over every tenant with skewed keys: repeats of hot keys are edge-cache hits, first
 *                  sightings of cold keys are misses that reach the origin and Neo4j
 *   writes         UpsertEntity creating a new entity (persisted mutation → origin → Neo4j leader, audit entry)
 *   nlq            Nlq questions from the NLQ evaluation set over each tenant's own graph
 *   cypher-1hop    Neighbors, 1 hop, a distinct centre per request (no two share a cache key)
 *   cypher-2-3hop  Neighbors, 2 or 3 hops, likewise
 *   intake         POST /intake with 10 new ER events per request (producer role)
 */
import { operationByName } from '../functions/core/manifest/index.js';
import { persistedQueryBody } from '../infra/local/origin-request.js';
import type { tenantGraph } from '../infra/local/seed/graph.js';
import { mulberry32 } from '../infra/local/seed/names.js';
import { generateEvents } from './er-events.js';
import { evalQuestions } from './nlq-eval/questions.js';
import { eventsPerIntakeRequest, type ScenarioName } from './profiles.js';
import type { VegetaTarget } from './vegeta.js';

type Graph = ReturnType<typeof tenantGraph>;

export interface ScenarioPlan {
  targets: VegetaTarget[];
  /** Index of the first measured request (the ones before are warm-up). */
  measuredFrom: number;
  /** Measured requests whose key was already requested earlier within its TTL: the most hits the edge can give. */
  possibleHits?: number;
  /** Distinct cache keys and tenants the measured requests spread over. */
  keys: number;
  tenants: number;
}

export interface ScenarioInputs {
  edgeUrl: string;
  intakeUrl: string;
  /** Graph tenants with their reader/writer token and their seeded graph. */
  tenants: { tenant: string; token: string; graph: Graph }[];
  /** ER producer tenants with their producer token. */
  producers: { tenant: string; token: string }[];
  /** Requests per scenario (warm-up + measured) and the warm-up share. */
  counts: Record<Exclude<ScenarioName, 'er-lag'>, { total: number; warmup: number }>;
  seed: number;
}

/** Neighbourhood size limit of the Cypher scenarios (the template refuses larger answers). */
export const neighborsLimit = 200;

const post = (url: string, token: string, body: string): VegetaTarget => ({
  method: 'POST',
  url,
  header: { authorization: [`Bearer ${token}`], 'content-type': ['application/json'] },
  body,
});

/** Entities within `hops` (undirected, an upper bound of what the template returns) of each entity of `graph`. */
function neighbourhoodSizes(graph: Graph, hops: number): Map<string, number> {
  const adj = new Map<string, string[]>();
  for (const e of graph.edges) {
    adj.set(e.row.from, [...(adj.get(e.row.from) ?? []), e.row.to]);
    adj.set(e.row.to, [...(adj.get(e.row.to) ?? []), e.row.from]);
  }
  const sizes = new Map<string, number>();
  for (const { id } of graph.entities) {
    const seen = new Set([id]);
    let frontier = [id];
    for (let h = 0; h < hops && frontier.length && seen.size <= neighborsLimit; h++) {
      const next: string[] = [];
      for (const n of frontier) for (const m of adj.get(n) ?? []) if (!seen.has(m)) seen.add(m) && next.push(m);
      frontier = next;
    }
    sizes.set(id, seen.size - 1);
  }
  return sizes;
}

/** Reads: tenant uniform, entity index skewed (u³: a few hot keys, a long cold tail). */
function reads(inp: ScenarioInputs, rand: () => number): ScenarioPlan {
  const url = `${inp.edgeUrl}/graphql`;
  const { total, warmup } = inp.counts.reads;
  const seen = new Set<string>();
  let possibleHits = 0;
  const measuredKeys = new Set<string>();
  const targets: VegetaTarget[] = [];
  for (let i = 0; i < total; i++) {
    const t = inp.tenants[Math.floor(rand() * inp.tenants.length)]!;
    const entity = t.graph.entities[Math.floor(t.graph.entities.length * rand() ** 3)]!;
    const key = `${t.tenant}/${entity.id}`;
    // GetEntity's cache TTL (5 min) outlasts every profile, so a repeat within the run can be a hit.
    if (i >= warmup) {
      if (seen.has(key)) possibleHits++;
      measuredKeys.add(key);
    }
    seen.add(key);
    targets.push(post(url, t.token, persistedQueryBody('GetEntity', { id: entity.id })));
  }
  return { targets, measuredFrom: warmup, possibleHits, keys: measuredKeys.size, tenants: inp.tenants.length };
}

function writes(inp: ScenarioInputs, rand: () => number): ScenarioPlan {
  const url = `${inp.edgeUrl}/graphql`;
  const { total, warmup } = inp.counts.writes;
  const run = Date.now().toString(36);
  const targets = Array.from({ length: total }, (_, i) => {
    const t = inp.tenants[Math.floor(rand() * inp.tenants.length)]!;
    const input = { kind: 'ORGANISATION', names: [`Load Org ${run} ${i}`], purposes: ['investigation'] };
    return post(url, t.token, persistedQueryBody('UpsertEntity', { input }));
  });
  return { targets, measuredFrom: warmup, keys: total - warmup, tenants: inp.tenants.length };
}

function nlq(inp: ScenarioInputs): ScenarioPlan {
  const url = `${inp.edgeUrl}/graphql`;
  const { total, warmup } = inp.counts.nlq;
  // The benchmark's choice (load/bench-nlq.ts): answerable questions an investigator asks, without path families.
  const work = inp.tenants.flatMap((t) =>
    evalQuestions(t.graph)
      .filter(
        (q) => q.intent && q.as === 'investigator' && !q.family.startsWith('hops2') && !q.family.startsWith('path'),
      )
      .map((q) => ({ t, question: q.question })),
  );
  if (work.length === 0) throw new Error('nlq scenario: the evaluation set gave no question for these graphs');
  const targets = Array.from({ length: total }, (_, i) => {
    const w = work[(i * 7) % work.length]!;
    return post(url, w.t.token, persistedQueryBody('Nlq', { question: w.question, purpose: 'investigation' }));
  });
  return { targets, measuredFrom: warmup, keys: Math.min(work.length, total - warmup), tenants: inp.tenants.length };
}

function cypher(inp: ScenarioInputs, which: 'cypher-1hop' | 'cypher-2-3hop', rand: () => number): ScenarioPlan {
  const url = `${inp.edgeUrl}/graphql`;
  const { total, warmup } = inp.counts[which];
  const hopsOf = (i: number) => (which === 'cypher-1hop' ? 1 : 2 + (i % 2));
  // Centres per tenant and hop count whose neighbourhood fits the limit: the run measures answers, not refusals.
  const pools = inp.tenants.map((t) => {
    const byHops = new Map<number, string[]>();
    for (const hops of which === 'cypher-1hop' ? [1] : [2, 3]) {
      const sizes = neighbourhoodSizes(t.graph, hops);
      byHops.set(
        hops,
        [...sizes].filter(([, n]) => n >= 1 && n < neighborsLimit).map(([id]) => id),
      );
    }
    return { t, byHops };
  });
  // Distinct (tenant, centre, hops, limit) per request, so every request is a miss that reaches Neo4j.
  const used = new Set<string>();
  const targets: VegetaTarget[] = [];
  for (let i = 0; targets.length < total; i++) {
    if (i > total * 50) throw new Error(`${which}: not enough distinct neighbourhoods for ${total} requests`);
    const p = pools[Math.floor(rand() * pools.length)]!;
    const hops = hopsOf(targets.length);
    const ids = p.byHops.get(hops)!;
    if (ids.length === 0) continue;
    const id = ids[Math.floor(rand() * ids.length)]!;
    const limit = neighborsLimit - (Math.floor(i / (ids.length * pools.length)) % 50);
    const key = `${p.t.tenant}/${id}/${hops}/${limit}`;
    if (used.has(key)) continue;
    used.add(key);
    targets.push(post(url, p.t.token, persistedQueryBody('Neighbors', { id, hops, limit })));
  }
  return { targets, measuredFrom: warmup, possibleHits: 0, keys: total - warmup, tenants: inp.tenants.length };
}

function intake(inp: ScenarioInputs): ScenarioPlan {
  const { total, warmup } = inp.counts.intake;
  const perProducer = Math.ceil(total / inp.producers.length);
  const bodies = inp.producers.map((p, pi) => {
    const { unique } = generateEvents({
      total: perProducer * eventsPerIntakeRequest,
      duplicateShare: 0,
      poisonShare: 0,
      tenants: 1,
      seed: inp.seed + pi,
    });
    return Array.from({ length: perProducer }, (_, r) =>
      JSON.stringify({
        events: unique
          .slice(r * eventsPerIntakeRequest, (r + 1) * eventsPerIntakeRequest)
          .map((e) => ({ idempotencyKey: `${p.tenant}-${e.idempotencyKey}`, record: e.record })),
      }),
    );
  });
  const targets = Array.from({ length: total }, (_, i) => {
    const pi = i % inp.producers.length;
    return post(
      `${inp.intakeUrl}/intake`,
      inp.producers[pi]!.token,
      bodies[pi]![Math.floor(i / inp.producers.length)]!,
    );
  });
  return {
    targets,
    measuredFrom: warmup,
    keys: (total - warmup) * eventsPerIntakeRequest,
    tenants: inp.producers.length,
  };
}

/** Every scenario's requests. */
export function buildScenarios(inp: ScenarioInputs): Record<Exclude<ScenarioName, 'er-lag'>, ScenarioPlan> {
  const rand = mulberry32(inp.seed);
  // Fail at build time, not under load, if an operation this run sends is not registered.
  for (const op of ['GetEntity', 'UpsertEntity', 'Nlq', 'Neighbors']) operationByName(op);
  return {
    reads: reads(inp, rand),
    writes: writes(inp, rand),
    nlq: nlq(inp),
    'cypher-1hop': cypher(inp, 'cypher-1hop', rand),
    'cypher-2-3hop': cypher(inp, 'cypher-2-3hop', rand),
    intake: intake(inp),
  };
}
