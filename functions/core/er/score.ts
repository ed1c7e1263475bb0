/**
 * The band decision: a record scored against each blocking candidate with the tenant's Fellegi–Sunter model
 * (model/model.ts). A candidate is an entity that may have absorbed several records, so it is compared on every
 * birth date and address it has seen (`attributes.observed`), not only the first. The stored explanation is the
 * winning pair's waterfall: each comparison's level and Bayes factor, the prior, the final probability.
 */
import { type Observed, observedOfValues } from '../graph/merge-props.js';
import type { EntityCore } from '../graph/model.js';
import type { Entity } from '../graph/types.js';
import type { Band } from './config.js';
import { type AddressParts, addressOf, type ComparableRecord } from './model/comparisons.js';
import { bandOfProbability, type FsScore, type MatchModel, score } from './model/model.js';
import type { NormalisedRecord } from './normalise.js';

/** What a candidate must offer to be scored (an `Entity` from blocking is enough). */
export type Candidate = EntityCore;

/** A record's comparable form: its normalised values and the attributes its address lives in. */
export function comparableOfRecord(record: NormalisedRecord, attributes: Readonly<Record<string, unknown>>) {
  return { ...record, attributes } satisfies ComparableRecord;
}

/**
 * Every source's own attribute map, rebuilt from the observations (each value lists the sources that gave it), so
 * an address is compared as one source wrote it instead of mixing one record's postcode with another's street.
 */
function attributesBySource(observed: Observed): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const [key, observations] of Object.entries(observed)) {
    if (key.startsWith('dates.')) continue;
    for (const o of observations) {
      for (const s of o.sources) {
        const attrs = out.get(s) ?? {};
        attrs[key] ??= o.value;
        out.set(s, attrs);
      }
    }
  }
  return out;
}

/** The comparable form of an entity: its names and identifiers, and every date and address its records carried. */
export function comparableOfEntity(c: Candidate): ComparableRecord {
  const attributes = (c.attributes ?? {}) as Record<string, unknown>;
  const observed = observedOfValues(attributes, c.sources ?? []);
  const dateSets: Record<string, string[]> = {};
  for (const [key, observations] of Object.entries(observed)) {
    if (!key.startsWith('dates.')) continue;
    dateSets[key.slice('dates.'.length)] = observations.map((o) => o.value).filter((v) => typeof v === 'string');
  }
  const addresses: AddressParts[] = [addressOf(attributes)];
  for (const attrs of attributesBySource(observed).values()) addresses.push(addressOf(attrs));
  const seen = new Set<string>();
  return {
    names: c.names,
    identifiers: c.identifiers ?? [],
    dates: {},
    dateSets,
    attributes,
    addresses: addresses.filter((a) => {
      const key = JSON.stringify(a);
      if (seen.has(key) || (!a.postcode && !a.locality && !a.street)) return false;
      seen.add(key);
      return true;
    }),
  };
}

/** One candidate's score. */
export interface CandidateScore {
  candidateId: string;
  score: FsScore;
}

/** A band decision with its explanation. */
export interface Decision {
  band: Band;
  /** The best candidate's match probability (0 when there is none). */
  probability: number;
  /** The best-scoring candidate (absent when blocking found none of the same kind). */
  candidateId: string | null;
  /** The best pair's waterfall; null without a candidate. */
  explanation: FsScore | null;
  /** Other candidates the record also matches at HIGH: one person split over several entities (cluster repair). */
  alsoHigh: CandidateScore[];
  /** How many candidates were scored. */
  candidatesScored: number;
  modelVersion: string;
}

/**
 * Scores every candidate of the record's kind and bands the best one (ties: the lower id, so replays decide the same).
 *
 * @example
 * decide(comparableOfRecord(n, record.attributes), n.kind, candidates, model).band // 'HIGH' | 'MID' | 'LOW'
 */
export function decide(
  record: ComparableRecord,
  kind: Entity['kind'],
  candidates: readonly Candidate[],
  model: MatchModel,
): Decision {
  const scored = candidates
    .filter((c) => c.kind === kind)
    .map((c) => ({ candidateId: c.id, score: score(model, record, comparableOfEntity(c)) }))
    .sort((a, b) => b.score.matchWeight - a.score.matchWeight || a.candidateId.localeCompare(b.candidateId));
  const [best, ...rest] = scored;
  if (!best) {
    return {
      band: 'LOW',
      probability: 0,
      candidateId: null,
      explanation: null,
      alsoHigh: [],
      candidatesScored: 0,
      modelVersion: model.version,
    };
  }
  const band = bandOfProbability(best.score.probability, model.bands);
  return {
    band,
    probability: best.score.probability,
    candidateId: best.candidateId,
    explanation: best.score,
    alsoHigh: band === 'HIGH' ? rest.filter((s) => s.score.probability >= model.bands.high) : [],
    candidatesScored: scored.length,
    modelVersion: model.version,
  };
}
