/** In-memory audit ledger for unit tests of logic (integration tests use the DynamoDB adapter on dynalite). */
import { nextEntry } from './chain.js';
import type {
  AuditLedger,
  LedgerEntry,
  LedgerEntryInput,
  LedgerReadOptions,
  OnceEntryInput,
  OnceResult,
} from './types.js';

export class MemoryAuditLedger implements AuditLedger {
  readonly #chains = new Map<string, LedgerEntry[]>();

  async append(tenant: string, entry: LedgerEntryInput): Promise<LedgerEntry> {
    const chain = this.#chains.get(tenant) ?? [];
    const next = nextEntry(tenant, chain.at(-1) ?? null, entry);
    chain.push(next);
    this.#chains.set(tenant, chain);
    return structuredClone(next);
  }

  async appendAll(tenant: string, entries: readonly LedgerEntryInput[]): Promise<LedgerEntry[]> {
    const written: LedgerEntry[] = [];
    for (const entry of entries) written.push(await this.append(tenant, entry));
    return written;
  }

  async appendOnce(tenant: string, entry: OnceEntryInput): Promise<OnceResult> {
    const earlier = this.#chains.get(tenant)?.find((e) => e.kind === entry.kind && e.subject === entry.subject);
    if (earlier) return { entry: structuredClone(earlier), appended: false };
    return { entry: await this.append(tenant, entry), appended: true };
  }

  async appendAfter(
    tenant: string,
    previous: LedgerEntry | null,
    entries: readonly LedgerEntryInput[],
  ): Promise<LedgerEntry[]> {
    const chain = this.#chains.get(tenant) ?? [];
    if ((chain.at(-1)?.seq ?? 0) !== (previous?.seq ?? 0)) return [];
    const written: LedgerEntry[] = [];
    for (const entry of entries) written.push(await this.append(tenant, entry));
    return written;
  }

  async *read(tenant: string, options: LedgerReadOptions = {}): AsyncIterable<LedgerEntry> {
    const from = options.fromSeq ?? 1;
    const rows = (this.#chains.get(tenant) ?? []).filter((e) => e.seq >= from).slice(0, options.limit ?? Infinity);
    for (const row of rows) yield structuredClone(row);
  }

  async head(tenant: string): Promise<LedgerEntry | null> {
    const last = this.#chains.get(tenant)?.at(-1);
    return last ? structuredClone(last) : null;
  }

  /** The stored entries themselves, so a test can tamper with them (what an attacker with table access could do). */
  rawEntries(tenant: string): LedgerEntry[] {
    return this.#chains.get(tenant) ?? [];
  }
}
