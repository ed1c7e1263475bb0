/**
 * How the local worker makes one batch out of several SQS receives, as Lambda's event source hands an invocation a
 * batch larger than one receive: pure logic over a `receive` function, so it is unit-tested without a queue.
 */
import { sqsMaxBatch } from '../core/aws/sqs.js';

export interface GatherOptions {
  /** Messages per batch at most. */
  batchSize: number;
  /** How long after the first receive the batch may keep gathering. */
  windowMs: number;
  /** Long-poll seconds of the first receive. */
  waitS: number;
  /** False once the worker stops: gathering ends with what it has. */
  running: () => boolean;
  /** Told of a follow-up receive that failed (the batch leaves with what it has). */
  onError?: (err: unknown) => void;
  now?: () => number;
}

/**
 * One batch: a long poll, then — if it came back full, the batch has room, its window is open and the worker runs —
 * receives that do not wait for the rest of the batch, side by side (one round trip instead of one per ten messages,
 * as Lambda's pollers receive in parallel). A short receive sends the batch on at once: on ElasticMQ it means the
 * backlog is drained (SQS itself may hand out fewer than it holds, so there a short receive only ends the gathering
 * early), and waiting out the window would only add latency. A follow-up receive that fails ends the gathering too:
 * the messages already received, by it or its neighbours, are processed, not left to come back after their
 * visibility timeout. `receivedAt` is when the first messages became invisible: the batch's deadline counts from it.
 */
export async function gatherBatch<M>(
  receive: (max: number, waitS: number) => Promise<M[]>,
  o: GatherOptions,
): Promise<{ messages: M[]; receivedAt: number }> {
  const now = o.now ?? Date.now;
  const perReceive = Math.min(sqsMaxBatch, o.batchSize);
  const first = await receive(perReceive, o.waitS);
  const receivedAt = now();
  const messages = [...first];
  // One round asks for exactly the room left, so there is never a second.
  if (o.running() && first.length === perReceive && messages.length < o.batchSize && now() < receivedAt + o.windowMs) {
    const room = o.batchSize - messages.length;
    const asks = Array.from({ length: Math.ceil(room / perReceive) }, (_, i) =>
      Math.min(perReceive, room - i * perReceive),
    );
    for (const r of await Promise.allSettled(asks.map((max) => receive(max, 0)))) {
      if (r.status === 'fulfilled') messages.push(...r.value);
      else o.onError?.(r.reason);
    }
  }
  return { messages, receivedAt };
}
