/**
 * Open review candidates for bench:review, made the way production makes them: MID-band pairs through the real ER
 * effect (block → score → band → candidate), one pair per made-up name so pairs never block on each other.
 */
import type { Driver } from 'neo4j-driver';
import { applyEvents } from '../../functions/core/er/apply.js';
import { defaultErConfig } from '../../functions/core/er/config.js';
import { defaultModel } from '../../functions/core/er/model/defaults.js';
import type { FsScore } from '../../functions/core/er/model/model.js';
import { seedReviewPairsCypher } from '../../functions/core/er/review/cypher.js';
import { Neo4jReviewStore } from '../../functions/core/er/review/store.js';
import type { Envelope, SourceRecord } from '../../functions/core/er/schemas.js';
import { epochMs } from '../../functions/core/graph/model.js';
import { nameTokens } from '../../functions/core/graph/name-tokens.js';
import { mulberry32, type Rng } from '../../functions/core/rng.js';

const onsets = ['b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'gr', 'tr', 'st', 'kl'];
const vowels = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou'];
const word = (rng: Rng) =>
  Array.from(
    { length: 3 },
    () => onsets[Math.floor(rng() * onsets.length)]! + vowels[Math.floor(rng() * vowels.length)]!,
  )
    .join('')
    .replace(/^./, (c) => c.toUpperCase());

/** Made-up two-word names, all distinct. */
export function uniqueNames(count: number, seed: number): string[] {
  const rng = mulberry32(seed);
  const names = new Set<string>();
  while (names.size < count) names.add(`${word(rng)} ${word(rng)}`);
  return [...names];
}

const record = (name: string, extra: Partial<SourceRecord>, recordId: string): SourceRecord => ({
  kind: 'PERSON',
  names: [name],
  identifiers: [],
  dates: [],
  source: { system: 'bench', recordId },
  licence: 'INTERNAL_ONLY',
  dataClass: 'ENTITY',
  attributes: {},
  ...extra,
});

/** The two records of a MID pair: the same name once with a passport, once with a birth date. */
export function midPairRecords(name: string, key: string): [SourceRecord, SourceRecord] {
  return [
    record(name, { identifiers: [{ scheme: 'passport', value: `P-${key}` }] }, `${key}-a`),
    record(name, { dates: [{ type: 'birth', value: '1970-01-01' }] }, `${key}-b`),
  ];
}

/** An envelope as the intake API enqueues it. */
export const envelope = (tenant: string, key: string, r: SourceRecord): Envelope => ({
  v: 1,
  tenant,
  eventId: `ev-${key}`,
  idempotencyKey: key,
  acceptedAt: Date.now(),
  submittedBy: 'bench-review',
  record: r,
});

/** Up to `count` MID pairs of a tenant made by the real ER effect (`batch` pairs per group transaction). */
async function erPairs(driver: Driver, tenant: string, names: readonly string[], batch = 25): Promise<string[]> {
  const ids: string[] = [];
  const models = { modelFor: async () => defaultModel };
  for (let from = 0; from < names.length; from += batch) {
    const pairs = names.slice(from, from + batch).map((name, j) => {
      const key = `${tenant}-er-${from + j}`;
      return { key, records: midPairRecords(name, key) };
    });
    for (const side of [0, 1] as const) {
      const work = pairs.map((p) => ({
        envelope: envelope(tenant, `${p.key}-${side === 0 ? 'a' : 'b'}`, p.records[side]),
        remainingMs: 60_000,
      }));
      const settled = await applyEvents(driver, work, defaultErConfig, models);
      if (side === 0) continue;
      for (const s of settled) {
        if (s.status === 'rejected') throw s.reason;
        // A rare made-up name can be strong enough evidence for HIGH: such a pair merged and opened no candidate.
        if (s.value.outcome.band === 'MID' && s.value.outcome.reviewId) ids.push(s.value.outcome.reviewId);
      }
    }
  }
  return ids;
}

/** An entity as the ER effect stores it (the properties reads and merges use). */
function entityProps(id: string, name: string, recordId: string, extra: Record<string, unknown>, now: number) {
  return {
    id,
    kind: 'PERSON',
    names: [name],
    nameTokens: nameTokens([name]),
    identifiers: [],
    attributes: JSON.stringify(extra),
    dataClass: 'ENTITY',
    licence: 'INTERNAL_ONLY',
    sources: JSON.stringify([{ system: 'bench', recordId }]),
    createdAt: epochMs(now),
    updatedAt: epochMs(now),
  };
}

/**
 * A MID-band probability as real queues hold them: most candidates just above the band's floor (a name and one weak
 * agreement), fewer towards the merge threshold (density falling with the probability, `x ** 1.8` of a uniform x).
 */
export function midProbability(rng: Rng, bands = defaultModel.bands): number {
  return bands.mid + (bands.high - bands.mid) * rng() ** 1.8;
}

/**
 * The explanation of an ER-made candidate re-priced to `probability`: what tells real MID pairs apart is mostly how
 * common the agreeing name is, so the name step's term-frequency u carries the difference and the waterfall still sums
 * to the match weight.
 */
export function repriced(explanation: FsScore, probability: number): FsScore {
  const matchWeight = Math.log2(probability / (1 - probability));
  const delta = matchWeight - explanation.matchWeight;
  const named = explanation.waterfall.findIndex((s) => s.comparison === 'name' && s.m !== null);
  if (named < 0) throw new Error(`the model candidate's explanation has no name step to re-price`);
  const waterfall = explanation.waterfall.map((s, i) => {
    if (i !== named) return s;
    const log2bf = s.log2bf + delta;
    return { ...s, log2bf, bayesFactor: 2 ** log2bf, termFrequencyU: s.m! / 2 ** log2bf };
  });
  return { ...explanation, probability, matchWeight, waterfall };
}

/**
 * Seeds `perTenant` open candidates in each tenant: `viaEr` pairs through the real ER effect (block → score → band →
 * candidate), the rest written directly in the same shape, with the model version of a real one and its explanation
 * re-priced to a probability spread over the MID band (so ordering by probability has something to order; scoring
 * 5,000 pairs one by one would take most of the run on this machine). Returns review ids per tenant.
 */
export async function seedCandidates(
  driver: Driver,
  tenants: readonly string[],
  perTenant: number,
  viaEr = 10,
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  const names = uniqueNames(perTenant * tenants.length * 2, 15);
  const store = new Neo4jReviewStore(driver);
  for (const [ti, tenant] of tenants.entries()) {
    const mine = names.slice(ti * perTenant * 2, (ti + 1) * perTenant * 2);
    const real = await erPairs(driver, tenant, mine.slice(0, viaEr));
    const model = await store.detail(tenant, real[0]!, ['ENTITY']);
    if (!model) throw new Error(`no ER-made candidate to model the seed on in ${tenant}`);
    if (!model.explanation) throw new Error(`the ER-made candidate ${real[0]} has no explanation`);
    const explanation = model.explanation;
    const rest = mine.slice(viaEr, viaEr + perTenant - real.length);
    const rng = mulberry32(31 + ti);
    const now = Date.now();
    const rows = rest.map((name, i) => {
      const key = `${tenant}-seed-${i}`;
      const at = now - (rest.length - i) * 1000; // one a second, oldest first
      const probability = midProbability(rng);
      return {
        entity: entityProps(`e-${key}-b`, name, `${key}-b`, { dates: [{ type: 'birth', value: '1970-01-01' }] }, at),
        candidate: entityProps(`e-${key}-a`, name, `${key}-a`, {}, at),
        review: {
          id: `rv-${key}`,
          eventId: `ev-${key}-b`,
          entityId: `e-${key}-b`,
          candidateId: `e-${key}-a`,
          score: probability,
          explanation: JSON.stringify(repriced(explanation, probability)),
          modelVersion: model.modelVersion,
          status: 'OPEN',
          createdAt: epochMs(at),
        },
      };
    });
    for (let from = 0; from < rows.length; from += 500) {
      await driver.executeQuery(seedReviewPairsCypher.cypher, { tenant, rows: rows.slice(from, from + 500) });
    }
    out[tenant] = [...real, ...rows.map((r) => r.review.id)];
  }
  return out;
}
