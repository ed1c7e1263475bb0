/**
 * Pairwise scoring and the band decision. Every feature reports its raw value, weight and contribution, so a decision
 * can be explained ("0.60 from name, 0.35 from lei:…") and audited without re-running it.
 */
import type { Entity } from '../graph/types.js';
import { type Band, bandOf, defaultErConfig, type ErConfig } from './config.js';
import type { NormalisedRecord } from './normalise.js';
import { bestNameSimilarity } from './similarity.js';

/** One feature's part of a score. */
export interface FeatureContribution {
  feature: 'name' | 'identifier' | 'date';
  /** Raw feature value: similarity 0..1, or +1 match / −1 conflict / 0 nothing to compare. */
  value: number;
  weight: number;
  contribution: number;
  /** What was compared, for a person reading the decision. */
  detail: string;
}

export interface PairScore {
  candidateId: string;
  /** Sum of contributions, clamped to [0, 1]. */
  score: number;
  features: FeatureContribution[];
}

/** What a candidate must offer to be scored (an `Entity` from blocking is enough). */
export type Candidate = Pick<Entity, 'id' | 'kind' | 'names' | 'identifiers' | 'attributes'>;

const round = (n: number) => Math.round(n * 10_000) / 10_000;

/** How much two partial dates agree: 1 same day, 0.6 same month, 0.3 same year, −1 disagree at the shared precision. */
export function dateAgreement(a: string, b: string): number {
  const pa = a.split('-');
  const pb = b.split('-');
  const shared = Math.min(pa.length, pb.length);
  for (let i = 0; i < shared; i++) if (pa[i] !== pb[i]) return -1;
  return shared === 3 ? 1 : shared === 2 ? 0.6 : 0.3;
}

function candidateDates(c: Candidate): Record<string, string> {
  const dates = (c.attributes as { dates?: unknown }).dates;
  return dates && typeof dates === 'object' && !Array.isArray(dates) ? (dates as Record<string, string>) : {};
}

function identifierFeature(r: NormalisedRecord, c: Candidate, config: ErConfig): FeatureContribution {
  const theirs = new Set(c.identifiers ?? []);
  const shared = r.identifiers.filter((i) => theirs.has(i));
  if (shared.length > 0) {
    const w = config.weights.identifierMatch;
    return { feature: 'identifier', value: 1, weight: w, contribution: w, detail: `shared ${shared.join(', ')}` };
  }
  const scheme = (i: string) => i.slice(0, i.indexOf(':'));
  const theirSchemes = new Set([...theirs].map(scheme));
  const clash = r.identifiers.find((i) => theirSchemes.has(scheme(i)));
  if (clash) {
    const w = config.weights.identifierConflict;
    return { feature: 'identifier', value: -1, weight: w, contribution: -w, detail: `different ${scheme(clash)}` };
  }
  return {
    feature: 'identifier',
    value: 0,
    weight: config.weights.identifierMatch,
    contribution: 0,
    detail: 'none comparable',
  };
}

function dateFeature(r: NormalisedRecord, c: Candidate, config: ErConfig): FeatureContribution {
  const theirs = candidateDates(c);
  const parts: string[] = [];
  let agree = 0;
  let conflict = false;
  for (const [type, value] of Object.entries(r.dates)) {
    const other = theirs[type];
    if (typeof other !== 'string') continue;
    const a = dateAgreement(value, other);
    parts.push(`${type} ${value}~${other}`);
    if (a < 0) conflict = true;
    else agree = Math.max(agree, a);
  }
  if (conflict) {
    const w = config.weights.dateConflict;
    return { feature: 'date', value: -1, weight: w, contribution: -w, detail: `disagree: ${parts.join(', ')}` };
  }
  const w = config.weights.dateMatch;
  const detail = parts.length ? `agree: ${parts.join(', ')}` : 'none comparable';
  return { feature: 'date', value: agree, weight: w, contribution: round(agree * w), detail };
}

/** Scores a normalised record against one candidate entity. */
export function scorePair(
  record: NormalisedRecord,
  candidate: Candidate,
  config: ErConfig = defaultErConfig,
): PairScore {
  const name = bestNameSimilarity(record.names, candidate.names);
  const nameFeature: FeatureContribution = {
    feature: 'name',
    value: round(name.value),
    weight: config.weights.name,
    contribution: round(name.value * config.weights.name),
    detail: name.pair ? `"${name.pair[0]}" ~ "${name.pair[1]}"` : 'no names',
  };
  const features = [nameFeature, identifierFeature(record, candidate, config), dateFeature(record, candidate, config)];
  const sum = features.reduce((s, f) => s + f.contribution, 0);
  return { candidateId: candidate.id, score: round(Math.min(1, Math.max(0, sum))), features };
}

/** A band decision with its explanation: the best candidate's score and each feature's contribution. */
export interface Decision {
  band: Band;
  score: number;
  /** The best-scoring candidate (absent when blocking found none of the same kind). */
  candidateId: string | null;
  features: FeatureContribution[];
  /** How many candidates were scored, and the config version used. */
  candidatesScored: number;
  configVersion: string;
}

/**
 * Scores every candidate of the record's kind and bands the best one (ties: the lower id, so replays decide the same).
 *
 * @example
 * decide(normaliseRecord(record), candidates).band // 'HIGH' | 'MID' | 'LOW'
 */
export function decide(
  record: NormalisedRecord,
  candidates: readonly Candidate[],
  config: ErConfig = defaultErConfig,
): Decision {
  const scored = candidates
    .filter((c) => c.kind === record.kind)
    .map((c) => scorePair(record, c, config))
    .sort((a, b) => b.score - a.score || a.candidateId.localeCompare(b.candidateId));
  const best = scored[0];
  if (!best) {
    return {
      band: 'LOW',
      score: 0,
      candidateId: null,
      features: [],
      candidatesScored: 0,
      configVersion: config.version,
    };
  }
  return {
    band: bandOf(best.score, config),
    score: best.score,
    candidateId: best.candidateId,
    features: best.features,
    candidatesScored: scored.length,
    configVersion: config.version,
  };
}
