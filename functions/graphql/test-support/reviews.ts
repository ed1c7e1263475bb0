/** Fixtures of the review-queue integration tests: MID-band pairs made by the real ER effect (applyEvent). */
import type { Driver } from 'neo4j-driver';
import { applyEvent } from '../../core/er/apply.js';
import { defaultErConfig } from '../../core/er/config.js';
import { defaultModel } from '../../core/er/model/defaults.js';
import type { SourceRecord } from '../../core/er/schemas.js';
import { envelopeFor, personRecord } from '../../core/er/test-support/records.js';

/** A pair the queue holds: the review id, the record's entity and the candidate it may be. */
export interface SeededPair {
  reviewId: string;
  entityId: string;
  candidateId: string;
  probability: number;
  /** The record whose entity is `entityId`, and the one whose entity is `candidateId`. */
  record: SourceRecord;
  candidateRecord: SourceRecord;
}

/**
 * One MID pair per name: the same name once with a passport, once with a birth date (the name alone is evidence, the
 * rest neither agrees nor disagrees). Names share no token, so pairs never block on each other.
 */
export async function seedPairs(driver: Driver, tenant: string, names: readonly string[]): Promise<SeededPair[]> {
  const out: SeededPair[] = [];
  for (const [i, name] of names.entries()) {
    const first = personRecord({ names: [name], identifiers: [{ scheme: 'passport', value: `P-${i}-4711` }] });
    const second = personRecord({ names: [name], dates: [{ type: 'birth', value: `19${50 + i}-01-01` }] });
    await applyEvent(driver, envelopeFor(tenant, `${i}a`, first), defaultErConfig, defaultModel);
    const { outcome } = await applyEvent(driver, envelopeFor(tenant, `${i}b`, second), defaultErConfig, defaultModel);
    if (outcome.band !== 'MID' || !outcome.reviewId) throw new Error(`fixture ${name} is ${outcome.band}, not MID`);
    out.push({
      reviewId: outcome.reviewId,
      entityId: outcome.entityId,
      candidateId: outcome.candidateId!,
      probability: outcome.score,
      record: second,
      candidateRecord: first,
    });
  }
  return out;
}
