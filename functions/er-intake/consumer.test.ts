import { describe, expect, it } from 'vitest';
import { defaultErConfig, erConfigSchema } from '../core/er/config.js';
import { ConflictingPayloadError } from '../core/er/errors.js';
import { type Announcement, groupCommit } from '../core/er/group-commit.js';
import type { ErClaim } from '../core/er/idempotency.js';
import type { Effect } from '../core/er/pipeline.js';
import type { Envelope } from '../core/er/schemas.js';
import { lowOutcome } from '../core/er/test-support/outcomes.js';
import { envelopeFor, personRecord } from '../core/er/test-support/records.js';
import { bodyHash, MemoryFailureStore } from '../core/idempotency/failures.js';
import { type ConsumerDeps, type IntakeRecord, processBatch } from './consumer.js';
import { PromIntakeMetrics } from './metrics.js';

const outcome = (eventId: string) => lowOutcome(eventId, { ledgerSeq: 1 });

function depsWith(over: Partial<ConsumerDeps> = {}) {
  const seen = new Map<string, string>();
  const claim: ErClaim = async (event) => {
    const key = `${event.tenant}|${event.idempotencyKey}`;
    const json = JSON.stringify(event.record);
    if (seen.has(key)) {
      if (seen.get(key) !== json) throw new ConflictingPayloadError(event.eventId);
      return 'seen';
    }
    seen.set(key, json);
    return 'first';
  };
  // The effect's exactly-once marker, in memory: an event applied before answers `applied: false`.
  const applied = new Set<string>();
  let inFlight = 0;
  let maxInFlight = 0;
  const deps: ConsumerDeps = {
    claim,
    effect: async (e) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      const fresh = !applied.has(e.eventId);
      applied.add(e.eventId);
      return { ...outcome(e.eventId), applied: fresh };
    },
    config: defaultErConfig,
    failures: new MemoryFailureStore(),
    metrics: new PromIntakeMetrics(),
    concurrency: 3,
    maxReceiveCount: 3,
    log: () => {},
    ...over,
  };
  return { deps, maxInFlight: () => maxInFlight };
}

const msg = (id: string, body: string, receiveCount = 1): IntakeRecord => ({
  messageId: id,
  body,
  attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: String(Date.now()) },
});

describe('ER consumer batch', () => {
  it('answers only the failed messages as batch item failures, with bounded concurrency', async () => {
    const { deps, maxInFlight } = depsWith();
    const good = Array.from({ length: 8 }, (_, i) =>
      msg(`m${i}`, JSON.stringify(envelopeFor('acme', `k${i}`, personRecord()))),
    );
    const { batchItemFailures } = await processBatch(deps, [...good, msg('bad', '{"v":1}')], () => 5000);
    expect(batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
    expect(maxInFlight()).toBeLessThanOrEqual(3);
  });

  it('stores the failure reason under the body hash, marking the last receive', async () => {
    const { deps } = depsWith();
    const failures = deps.failures as MemoryFailureStore;
    await processBatch(deps, [msg('bad', 'not json', 3)], () => 5000);
    expect(failures.records.get(bodyHash('not json'))).toMatchObject({
      code: 'INVALID_EVENT',
      receiveCount: 3,
      messageId: 'bad',
    });
    const text = await (deps.metrics as PromIntakeMetrics).registry.metrics();
    expect(text).toMatch(/er_events_dead_lettered_total\{code="INVALID_EVENT"\} 1/);
  });

  it('treats a redelivery as a success and a conflicting payload as a coded failure', async () => {
    const { deps } = depsWith();
    const e = envelopeFor('acme', 'k1', personRecord());
    const conflicting = envelopeFor('acme', 'k1', personRecord({ names: ['Someone Else'] }));
    const first = await processBatch(deps, [msg('a', JSON.stringify(e))], () => 5000);
    const again = await processBatch(
      deps,
      [msg('b', JSON.stringify(e)), msg('c', JSON.stringify(conflicting))],
      () => 5000,
    );
    expect(first.results[0]).toMatchObject({ ok: true, duplicate: false });
    expect(again.results.map((r) => [r.ok, r.duplicate ?? r.code])).toEqual([
      [true, true],
      [false, 'CONFLICTING_PAYLOAD'],
    ]);
  });

  it('fails events of kinds not enabled with KIND_NOT_ENABLED', async () => {
    const { deps } = depsWith({ config: erConfigSchema.parse({ ...defaultErConfig, enabledKinds: ['ORGANISATION'] }) });
    const { results } = await processBatch(
      deps,
      [msg('a', JSON.stringify(envelopeFor('acme', 'k', personRecord())))],
      () => 5000,
    );
    expect(results[0]).toMatchObject({ ok: false, code: 'KIND_NOT_ENABLED' });
  });

  it('reports the review backlog of each tenant a batch opened reviews for, once per tenant', async () => {
    const asked: string[] = [];
    const created = new Date(Date.now() - 90_000).toISOString();
    const { deps } = depsWith({
      effect: async (e) => ({ ...outcome(e.eventId), band: 'MID', reviewId: `rv-${e.eventId}` }),
      reviewBacklog: async (tenant) => {
        asked.push(tenant);
        return { open: 7, oldestCreatedAt: created };
      },
    });
    const batch = ['a', 'b'].map((k) => msg(k, JSON.stringify(envelopeFor('acme', k, personRecord()))));

    await processBatch(deps, batch, () => 5000);

    expect(asked).toEqual(['acme']);
    const text = await (deps.metrics as PromIntakeMetrics).registry.metrics();
    expect(text).toMatch(/er_review_backlog_open\{tenant="acme"\} 7/);
    expect(text).toMatch(/er_review_backlog_oldest_age_seconds\{tenant="acme"\} (89|9\d)\.?\d*/);
  });

  it('ends every announcement to the graph group, also when the claim or the effect fails', async () => {
    // Prepare: a real group commit behind an effect that announces; one event's claim fails, another's effect throws.
    const groups: string[][] = [];
    const apply = groupCommit(
      async (ids: string[]) => {
        groups.push(ids);
        return ids;
      },
      { maxBatch: 50, maxInFlight: 1 },
    );
    const effect: Effect = Object.assign(
      async (e: Envelope, _ms: number, announced?: Announcement) => {
        if (e.eventId.endsWith('boom')) throw new Error('effect failed before submitting');
        await (announced ? apply.submit(e.eventId, announced) : apply(e.eventId));
        return { ...outcome(e.eventId), applied: true };
      },
      { announce: () => apply.announce() },
    );
    const { deps } = depsWith({ effect, concurrency: 10 });
    const claim = deps.claim;
    deps.claim = async (e) => {
      if (e.eventId.endsWith('refused')) throw new ConflictingPayloadError(e.eventId);
      return claim(e);
    };
    const body = (key: string) => JSON.stringify(envelopeFor('acme', key, personRecord()));

    // Act
    const first = await processBatch(
      deps,
      ['a', 'refused', 'boom', 'b'].map((k) => msg(k, body(k))),
      () => 5000,
    );
    const later = await processBatch(deps, [msg('c', body('c'))], () => 5000);

    // Assess: the two good events left together, and a later event was not held by an announcement left open.
    expect(first.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['boom', 'refused']);
    expect(later.batchItemFailures).toEqual([]);
    expect(groups.map((g) => g.length)).toEqual([2, 1]);
  });
});
