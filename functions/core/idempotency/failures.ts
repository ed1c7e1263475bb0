/**
 * Failure reasons of queue messages. Every failed receive records its code and message under the hash of the message
 * body, so when SQS moves the message to the DLQ after maxReceiveCount its reason is still retrievable (the body is
 * the one thing a redrive never changes). Replay prints and filters on it.
 */
import { createHash } from 'node:crypto';

export interface FailureRecord {
  /** sha256 (hex) of the SQS message body. */
  bodyHash: string;
  messageId: string;
  tenant: string | null;
  eventId: string | null;
  code: string;
  message: string;
  /** ApproximateReceiveCount of the failed receive (== maxReceiveCount: the last one before the DLQ). */
  receiveCount: number;
  /** ISO-8601 time of the failure. */
  at: string;
}

/** The port: one latest failure per body. */
export interface FailureStore {
  record(failure: FailureRecord): Promise<void>;
  get(bodyHash: string): Promise<FailureRecord | null>;
}

/** The key of a message body. */
export function bodyHash(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

/** In-memory failure store for unit tests. */
export class MemoryFailureStore implements FailureStore {
  readonly records = new Map<string, FailureRecord>();
  async record(failure: FailureRecord): Promise<void> {
    this.records.set(failure.bodyHash, { ...failure });
  }
  async get(hash: string): Promise<FailureRecord | null> {
    return this.records.get(hash) ?? null;
  }
}
