/** In-memory write journal for unit tests of logic (the DynamoDB adapter is tested against the twin). */
import type { JournalEntry, JournalPayload, WriteJournal } from './types.js';

export class MemoryWriteJournal implements WriteJournal {
  readonly entries: JournalEntry[] = [];
  /** Set to make every append fail, as an unreachable table would. */
  failWith: Error | undefined;

  async append(tenant: string, payloads: readonly JournalPayload[]): Promise<void> {
    if (this.failWith) throw this.failWith;
    const at = Date.now();
    for (const payload of payloads) this.entries.push({ tenant, at, id: String(this.entries.length), payload });
  }

  async *read(tenant: string, sinceMs: number): AsyncIterable<JournalEntry> {
    yield* this.entries.filter((e) => e.tenant === tenant && e.at >= sinceMs);
  }

  async *tenants(): AsyncIterable<string> {
    yield* new Set(this.entries.map((e) => e.tenant));
  }
}
