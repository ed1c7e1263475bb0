/**
 * Expected answers computed in TypeScript over the seeded graph as the seeder generates it (tenantGraph), with no
 * Cypher involved: what the evaluation compares NLQ's result sets with. Semantics follow the intents: names
 * match case-insensitively on any name, walks pass only through entities the caller may see, lists are the first
 * 100 by id.
 */
import { toNumber } from '../../functions/core/graph/model.js';
import type { Intent } from '../../functions/core/nlq/intent.js';
import type { ResultSet } from '../../functions/core/nlq/results.js';
import type { tenantGraph } from '../../infra/local/seed/graph.js';

type Graph = ReturnType<typeof tenantGraph>;
type Seeded = Graph['entities'][number];

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const limit = 100;

export function oracle(graph: Graph, dataClasses: readonly string[]) {
  const byId = new Map(graph.entities.map((e) => [e.id, e]));
  const visible = (e: Seeded | undefined) => e !== undefined && dataClasses.includes(e.props.dataClass);
  const named = (name: string) =>
    graph.entities.filter((e) => visible(e) && e.names.some((n) => n.toLowerCase() === name.toLowerCase()));
  const steps = new Map<string, { to: string; type: string; out: boolean }[]>();
  for (const { type, row } of graph.edges) {
    steps.set(row.from, [...(steps.get(row.from) ?? []), { to: row.to, type, out: true }]);
    steps.set(row.to, [...(steps.get(row.to) ?? []), { to: row.from, type, out: false }]);
  }
  /** Visible entities within `hops` of `start`, following `rel` (or any) in `direction`, through visible ones only. */
  function reach(
    start: string,
    hops: number,
    rel: string | null,
    direction: 'out' | 'in' | 'any',
  ): Map<string, number> {
    const dist = new Map([[start, 0]]);
    let frontier = [start];
    for (let d = 1; d <= hops; d++) {
      const next: string[] = [];
      for (const id of frontier)
        for (const s of steps.get(id) ?? []) {
          if (rel && s.type !== rel) continue;
          if (direction === 'out' && !s.out) continue;
          if (direction === 'in' && s.out) continue;
          if (dist.has(s.to) || !visible(byId.get(s.to))) continue;
          dist.set(s.to, d);
          next.push(s.to);
        }
      frontier = next;
    }
    return dist;
  }
  const ids = (set: Iterable<string>) => [...new Set(set)].sort().slice(0, limit);
  const kindOk = (kind: string | null) => (id: string) => kind === null || byId.get(id)?.kind === kind;

  function neighbours(intent: Extract<Intent, { op: 'neighbors' | 'countNeighbors' }>): Set<string> {
    const out = new Set<string>();
    for (const a of named(intent.anchor))
      for (const id of reach(a.id, intent.hops, intent.rel, intent.direction).keys())
        if (id !== a.id && kindOk(intent.kind)(id)) out.add(id);
    return out;
  }

  function via(anchor: string, middle: (e: Seeded) => boolean, kind: string | null): Set<string> {
    const out = new Set<string>();
    for (const a of named(anchor))
      for (const m of reach(a.id, 1, null, 'any').keys()) {
        const me = byId.get(m)!;
        if (m === a.id || !middle(me)) continue;
        for (const e of reach(m, 1, null, 'any').keys()) if (e !== m && e !== a.id && kindOk(kind)(e)) out.add(e);
      }
    return out;
  }

  return function expected(intent: Intent): ResultSet {
    switch (intent.op) {
      case 'find':
      case 'count': {
        const f = intent.filters;
        const hits = graph.entities.filter(
          (e) =>
            visible(e) &&
            (intent.kind === null || e.kind === intent.kind) &&
            (f.name === undefined || e.names.some((n) => n.toLowerCase() === f.name!.toLowerCase())) &&
            (f.identifier === undefined || e.identifiers.includes(f.identifier)) &&
            (f.source === undefined || e.props.sources.includes(`"system":${JSON.stringify(f.source)}`)) &&
            (f.licence === undefined || e.props.licence === f.licence) &&
            (f.createdAfter === undefined || toNumber(e.props.createdAt) >= day(f.createdAfter)) &&
            (f.createdBefore === undefined || toNumber(e.props.createdAt) < day(f.createdBefore)),
        );
        return intent.op === 'count'
          ? { shape: 'count', value: hits.length }
          : { shape: 'entities', ids: ids(hits.map((e) => e.id)) };
      }
      case 'neighbors':
        return { shape: 'entities', ids: ids(neighbours(intent)) };
      case 'countNeighbors':
        return { shape: 'count', value: neighbours(intent).size };
      case 'viaKind':
        return { shape: 'entities', ids: ids(via(intent.anchor, (m) => m.kind === intent.through, intent.kind)) };
      case 'viaNamed': {
        const through = intent.through.toLowerCase();
        const middle = (m: Seeded) => m.names.some((n) => n.toLowerCase() === through);
        return { shape: 'entities', ids: ids(via(intent.anchor, middle, intent.kind)) };
      }
      case 'path': {
        let best: number | null = null;
        for (const a of named(intent.from))
          for (const b of named(intent.to)) {
            if (a.id === b.id) continue;
            const d = reach(a.id, intent.hops, null, 'any').get(b.id);
            if (d !== undefined && (best === null || d < best)) best = d;
          }
        return { shape: 'path', hops: best, ids: [] };
      }
    }
  };
}

/** Result sets agree: same ids (as sets), same count, same path length (a shortest path is not unique). */
export function sameResult(a: ResultSet | null, b: ResultSet): boolean {
  if (!a || a.shape !== b.shape) return false;
  if (a.shape === 'count' && b.shape === 'count') return a.value === b.value;
  if (a.shape === 'path' && b.shape === 'path') return a.hops === b.hops;
  if (a.shape === 'entities' && b.shape === 'entities')
    return a.ids.length === b.ids.length && [...a.ids].sort().every((id, i) => id === [...b.ids].sort()[i]);
  return false;
}
