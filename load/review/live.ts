/**
 * Server→client latency of the live review queue: MID pairs sent to the intake queue at a constant rate, the ER worker
 * commits each candidate and publishes it; the time from that commit (the event's `committedAt`) to the event read
 * from the edge's SSE stream, per tenant subscriber. The baseline reads the same Redis streams directly (no origin,
 * no edge, no policy read), so the difference is what the subscription path adds.
 */
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { Redis } from '@upstash/redis';
import { sqsClient } from '../../functions/core/aws/sqs.js';
import { upstashReviewEventBus } from '../../functions/core/er/review/events-upstash.js';
import { readSse } from '../../functions/core/http/sse-reader.js';
import { persistedQueryBody } from '../../infra/local/origin-request.js';
import type { TwinEndpoints } from '../../infra/local/types.js';
import { envelope, midPairRecords, uniqueNames } from './seed.js';

export interface LiveResult {
  /** commit → event at the subscriber through the edge (ms), one per candidate created. */
  edge: number[];
  /** commit → event read straight from the Redis stream (ms). */
  stream: number[];
  /** Candidates the worker created (each must reach the edge). */
  expected: number;
  /** Pairs sent; fewer than 80% of them as candidates fails the run. */
  sent: number;
  missingAtEdge: number;
  wallMs: number;
}

/** Waits until `check` holds or `ms` pass. */
async function until(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

export async function measureLive(args: {
  endpoints: TwinEndpoints;
  edgeUrl: string;
  tokens: Record<string, string>;
  pairsPerS: number;
  durationS: number;
}): Promise<LiveResult> {
  const tenants = Object.keys(args.tokens);
  const stop = new AbortController();
  const edgeSeen = new Map<string, number>();
  const streamSeen = new Map<string, number>();
  const readers: Promise<void>[] = [];
  for (const tenant of tenants) {
    const res = await fetch(args.edgeUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${args.tokens[tenant]}`,
        'content-type': 'application/json',
        accept: 'text/event-stream',
      },
      body: persistedQueryBody('ReviewQueueChanged', {}),
      signal: stop.signal,
    });
    if (res.status !== 200 || !res.body) throw new Error(`subscription of ${tenant} answered ${res.status}`);
    readers.push(
      readSse(
        res.body,
        (m) => {
          const e = m.data?.data?.reviewQueueChanged;
          if (m.event === 'next' && e?.kind === 'CREATED')
            edgeSeen.set(e.reviewId, Date.now() - Date.parse(e.committedAt));
        },
        stop.signal,
      ),
    );
    const bus = upstashReviewEventBus(
      new Redis({ url: args.endpoints.upstashUrl, token: args.endpoints.upstashToken }),
    );
    readers.push(
      (async () => {
        for await (const e of bus.subscribe(tenant, { signal: stop.signal })) {
          if (e.kind === 'CREATED') streamSeen.set(e.reviewId, Date.now() - e.committedAt);
        }
      })().catch(() => undefined),
    );
  }
  // Let every subscription reach its first poll before the first commit.
  await new Promise((r) => setTimeout(r, 1000));

  const sqs = sqsClient({ region: args.endpoints.region, endpoint: args.endpoints.sqsEndpoint });
  const total = Math.round(args.pairsPerS * args.durationS);
  const names = uniqueNames(total, 77 + (Date.now() % 1000));
  const started = Date.now();
  for (let i = 0; i < total; i++) {
    // Open model: pair i goes out at its slot whatever the previous ones are doing.
    const due = started + (i * 1000) / args.pairsPerS;
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    const tenant = tenants[i % tenants.length]!;
    const key = `live-${started}-${i}`;
    const [a, b] = midPairRecords(names[i]!, key);
    void sqs
      .send(
        new SendMessageBatchCommand({
          QueueUrl: args.endpoints.intakeQueueUrl,
          Entries: [
            { Id: 'a', MessageBody: JSON.stringify(envelope(tenant, `${key}-a`, a)) },
            { Id: 'b', MessageBody: JSON.stringify(envelope(tenant, `${key}-b`, b)) },
          ],
        }),
      )
      .catch((err: unknown) => console.error(`send failed: ${String(err)}`));
  }
  // A pair whose made-up name is rare enough scores HIGH and merges without a candidate: what the worker committed is
  // what the stream holds, and every one of those must reach the edge's subscriber.
  let last = -1;
  let stableSince = Date.now();
  await until(() => {
    if (streamSeen.size !== last) [last, stableSince] = [streamSeen.size, Date.now()];
    const settled = Date.now() - stableSince > 3_000 && streamSeen.size >= total * 0.8;
    return settled && [...streamSeen.keys()].every((id) => edgeSeen.has(id));
  }, 60_000);
  const wallMs = Date.now() - started;
  stop.abort();
  await Promise.allSettled(readers);
  sqs.destroy();
  const missing = [...streamSeen.keys()].filter((id) => !edgeSeen.has(id)).length;
  return {
    edge: [...edgeSeen.values()],
    stream: [...streamSeen.values()],
    expected: streamSeen.size,
    sent: total,
    missingAtEdge: missing,
    wallMs,
  };
}
