/**
 * `npm run bench:nlq [-- --quick] [--allow-dirty]`: NLQ latency on a scratch twin with the demo graph in three
 * tenants, open model (constant arrival rate: a request is sent on schedule whatever the earlier ones do, and its
 * latency counts from its scheduled time), many anchors (keys) over all tenants.
 * - nlq-hit: questions whose plan is in the Upstash plan cache (warmed first): parse → cache → guard → READ → export.
 * - nlq-miss: every request in a fresh schema-version key space: translate → guard → EXPLAIN → cache put → READ → export.
 * - raw-cypher: the baseline — the same plans' Cypher with the same parameters straight on a READ session.
 * Rate: 2× the NLQ peak of one origin process ({@link nlqPeakPerS}).
 */
import neo4j from 'neo4j-driver';
import { parseQuestion } from '../functions/core/nlq/grammar.js';
import { signature, slots } from '../functions/core/nlq/intent.js';
import { bindPlan, planFor } from '../functions/core/nlq/plan.js';
import { createNlqService } from '../functions/core/nlq/service.js';
import { refuseDirtyTree, report, summarise, target } from './evidence.js';
import { startNlqHarness } from './nlq-eval/harness.js';
import { evalQuestions } from './nlq-eval/questions.js';
import { peakPerS } from './profiles.js';

const quick = process.argv.includes('--quick');
const allowDirty = process.argv.includes('--allow-dirty');
/**
 * The NLQ peak of one origin process: the load profile's `nlq` scenario (load/profiles.ts `peakPerS.nlq`), derived from
 * the plan's GA sizing in the cost model (300M GraphQL calls a month), the busiest hour at 2× the average, NLQ questions
 * 5% of calls, one process taking 1/8 of the peak → 1.5 questions/s. Neither DESIGN.md nor the issue states an NLQ rate
 * of its own.
 */
const nlqPeakPerS = peakPerS.nlq;
const params = {
  peakRps: nlqPeakPerS,
  factor: 2,
  rateRps: nlqPeakPerS * 2,
  durationS: quick ? 10 : 60,
  warmupS: quick ? 2 : 5,
  tenants: 3,
};
const investigator = { roles: ['investigator'], clearances: ['pii', 'financial'] };
const classes = ['ENTITY', 'CASE_NOTE', 'CONTACT', 'PII', 'FINANCIAL'] as const;

/** Sends `make(i)` at a constant rate for `seconds`; latency from each request's scheduled time. */
async function openLoad(rate: number, seconds: number, make: (i: number) => Promise<unknown>) {
  const total = Math.round(rate * seconds);
  const start = performance.now() + 50;
  const samples: number[] = [];
  let errors = 0;
  const all: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    all.push(
      new Promise<void>((resolve) => {
        setTimeout(
          () => {
            make(i)
              .then(
                () => samples.push(performance.now() - due),
                () => errors++,
              )
              .finally(resolve);
          },
          Math.max(0, due - performance.now()),
        );
      }),
    );
  }
  await Promise.all(all);
  const wall = performance.now() - start;
  return { samples, errors, wall };
}

async function main() {
  refuseDirtyTree('bench:nlq', allowDirty);
  const h = await startNlqHarness('bench-nlq', { tenants: params.tenants });
  try {
    // Questions with their tenant: every answerable eval question of each tenant's own graph (many anchors).
    const work = h.tenants.flatMap((tenant, ti) =>
      evalQuestions(h.graphs[ti]!)
        .filter(
          (q) => q.intent && q.as === 'investigator' && !q.family.startsWith('hops2') && !q.family.startsWith('path'),
        )
        .map((q) => ({ tenant, question: q.question })),
    );
    const ask = (w: (typeof work)[number], nlq = h.nlq) =>
      nlq.answer({
        tenant: w.tenant,
        actor: 'bench',
        question: w.question,
        purpose: 'investigation',
        caller: investigator,
        dataClasses: [...classes],
      });
    // Warm-up: one question per plan signature and tenant fills the plan cache; then load warms Neo4j and the JIT.
    const seen = new Set<string>();
    for (const w of work) {
      const parsed = parseQuestion(w.question);
      const key = `${w.tenant}|${parsed.ok ? signature(parsed.intent) : w.question}`;
      if (seen.has(key)) continue;
      seen.add(key);
      await ask(w);
    }
    await openLoad(params.rateRps, params.warmupS, (i) => ask(work[i % work.length]!));

    const hit = await openLoad(params.rateRps, params.durationS, (i) => ask(work[(i * 7) % work.length]!));
    let version = 0;
    const miss = await openLoad(params.rateRps, params.durationS, (i) => {
      const fresh = createNlqService({ ...h.deps, schemaVersion: `bench-miss-${Date.now()}-${version++}` });
      return ask(work[(i * 7) % work.length]!, fresh);
    });
    const session = () => h.driver.session({ defaultAccessMode: neo4j.session.READ });
    const raw = await openLoad(params.rateRps, params.durationS, async (i) => {
      const w = work[(i * 7) % work.length]!;
      const parsed = parseQuestion(w.question);
      if (!parsed.ok) throw new Error(`not parsed: ${w.question}`);
      const plan = planFor(parsed.intent);
      const p = bindPlan(plan, slots(parsed.intent), {
        tenant: w.tenant,
        dataClasses: classes,
        now: new Date(),
        limit: 100,
      });
      const s = session();
      try {
        await s.executeRead((tx) => tx.run(plan.cypher, p), { timeout: 1500 });
      } finally {
        await s.close();
      }
    });
    const cases = {
      'nlq-hit': {
        ...summarise(hit.samples, hit.wall, hit.errors),
        rate_rps: params.rateRps,
        keys: work.length,
        tenants: params.tenants,
      },
      'nlq-miss': {
        ...summarise(miss.samples, miss.wall, miss.errors),
        rate_rps: params.rateRps,
        keys: work.length,
        tenants: params.tenants,
      },
      'raw-cypher': {
        ...summarise(raw.samples, raw.wall, raw.errors),
        rate_rps: params.rateRps,
        keys: work.length,
        tenants: params.tenants,
      },
    };
    const ratios = {
      'nlq-hit/raw p95': cases['nlq-hit'].p95_ms / cases['raw-cypher'].p95_ms,
      'nlq-miss/raw p95': cases['nlq-miss'].p95_ms / cases['raw-cypher'].p95_ms,
    };
    report({
      name: 'nlq',
      command: `npm run bench:nlq${quick ? ' -- --quick' : ''}`,
      params: { ...params, model: 'open', questions: work.length, entitiesPerTenant: 5000, edgesPerTenant: 20000 },
      cases,
      ratios,
      targets: [
        target('NLQ p95 ms, cache hit (SLO 2 s)', '<=', 2000, cases['nlq-hit'].p95_ms),
        target('NLQ p95 ms, cache miss (SLO 2 s)', '<=', 2000, cases['nlq-miss'].p95_ms),
        target('Cypher p95 ms (A0.1: 1.5 s)', '<=', 1500, cases['raw-cypher'].p95_ms),
      ],
      notes: [
        '2 cores shared by system and load generator (the twin, the origin code and the load generator run on the same 2 cores)',
        `open model: constant arrival rate ${params.rateRps}/s per case, latency from each request's scheduled time`,
        `rate = 2 x the NLQ peak of one origin process, ${params.peakRps}/s (GA sizing 300M calls/month, busiest hour 2x the average, NLQ 5% of calls, 1/8 of the peak per process; issue 17's load profile derives the same); ${work.length} questions over ${params.tenants} tenants`,
        'entity answers go through the export policy over seeded records that carry collection purposes and times: most rows are released, the rest withheld by purpose, licence, retention or k-anonymity; every decision is logged to the ledger',
        'nlq-miss uses a fresh schema-version key space per request; the guard verdict of a known plan text is remembered in-process, so a miss pays translate, cache read and write, and EXPLAIN',
      ],
    });
  } finally {
    await h.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
