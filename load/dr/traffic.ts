/**
 * Steady traffic of the DR drill, on 127.0.0.1 only, at a fixed rate (open model: a slow answer does not lower what
 * is offered) and bounded (a hard stop after `maxS`, at most `maxInFlight` requests in flight; a tick that finds the
 * cap full is counted, never queued). Per tick, for one tenant in turn: one GraphQL upsert through the edge, one
 * intake event, reads of entities the edge has cached, and an uncached probe read that only the origin can answer.
 *
 * What the platform acknowledged is kept — writes answered 200 without errors, events listed as accepted — because
 * that is what the RPO is measured against.
 */
import { persistedQueryBody } from '../../infra/local/origin-request.js';

export interface TrafficTargets {
  edgeUrl: string;
  intakeUrl: string;
  tenants: readonly string[];
  /** Tokens per tenant: an analyst for GraphQL, a producer for the intake. */
  tokens: Record<string, { analyst: string; producer: string }>;
  /** Entity ids per tenant whose reads the edge has cached. */
  cachedIds: Record<string, readonly string[]>;
  ticksPerSecond: number;
  maxInFlight: number;
  maxS: number;
}

export interface Sample {
  /** Epoch ms the request was sent, and when its answer (or its failure) came. */
  at: number;
  doneAt: number;
  kind: 'write' | 'event' | 'cached-read' | 'probe';
  status: number;
  /** x-cache of reads. */
  cache: string | null;
  ok: boolean;
}

export interface AcceptedWrite {
  tenant: string;
  id: string;
  name: string;
  at: number;
}
export interface AcceptedEvent {
  tenant: string;
  eventId: string;
  at: number;
}

const timeoutMs = 5_000;

/** The record of one drill event; names vary per event so ER creates entities and sometimes matches. */
export function drillRecord(n: number) {
  return {
    kind: 'PERSON' as const,
    names: [`Drill Person ${n % 40} ${Math.floor(n / 40)}`],
    identifiers: [{ scheme: 'drill', value: `D${n}` }],
    dates: [],
    source: { system: 'dr-drill', recordId: `r-${n}` },
    licence: 'INTERNAL_ONLY' as const,
    dataClass: 'ENTITY' as const,
    attributes: {},
  };
}

export class Traffic {
  readonly samples: Sample[] = [];
  readonly writes: AcceptedWrite[] = [];
  readonly events: AcceptedEvent[] = [];
  skippedTicks = 0;
  #n = 0;
  #inFlight = 0;
  #timer: NodeJS.Timeout | undefined;
  #hardStop: NodeJS.Timeout | undefined;
  readonly #pending = new Set<Promise<void>>();

  // Own copies: a tenant added during the drill never changes the targets the caller passed.
  #tenants: readonly string[];
  #tokens: TrafficTargets['tokens'];
  #cachedIds: Record<string, readonly string[]>;

  constructor(
    private readonly t: TrafficTargets,
    private readonly runId: string,
  ) {
    this.#tenants = [...t.tenants];
    this.#tokens = { ...t.tokens };
    this.#cachedIds = { ...t.cachedIds };
  }

  /**
   * Sends load to one more tenant from the next tick on (writes, events and probes; no cached reads, since the edge
   * holds nothing of it): the drill's tenant created after the backup.
   */
  addTenant(tenant: string, tokens: { analyst: string; producer: string }): void {
    this.#tokens = { ...this.#tokens, [tenant]: tokens };
    this.#cachedIds = { ...this.#cachedIds, [tenant]: [] };
    this.#tenants = [...this.#tenants, tenant];
  }

  start(): void {
    this.#timer = setInterval(() => this.#tick(), 1000 / this.t.ticksPerSecond);
    this.#hardStop = setTimeout(() => this.stop(), this.t.maxS * 1000);
  }

  /** Stops offering load and waits for what is in flight (each request is bounded by its timeout). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    clearTimeout(this.#hardStop);
    await Promise.all([...this.#pending]);
  }

  /** First moment after `since` at which a sample of `kind` succeeded (origin-answered for reads). */
  firstOk(kind: Sample['kind'], since: number): number | undefined {
    return this.samples.find((s) => s.kind === kind && s.at >= since && s.ok)?.at;
  }

  #tick(): void {
    const n = this.#n++;
    const tenant = this.#tenants[n % this.#tenants.length]!;
    const ids = this.#cachedIds[tenant]!;
    type Call = [Sample['kind'], () => Promise<Omit<Sample, 'at' | 'doneAt' | 'kind'>>];
    const cachedReads: Call[] = ids.length
      ? [
          ['cached-read', () => this.#read(tenant, ids[n % ids.length]!, true)],
          ['cached-read', () => this.#read(tenant, ids[(n + 1) % ids.length]!, true)],
        ]
      : [];
    const calls: Call[] = [
      ['write', () => this.#write(tenant, n)],
      ['event', () => this.#event(tenant, n)],
      ...cachedReads,
      ['probe', () => this.#read(tenant, `probe-${this.runId}-${n}`, false)],
    ];
    for (const [kind, call] of calls) {
      if (this.#inFlight >= this.t.maxInFlight) {
        this.skippedTicks++;
        continue;
      }
      this.#inFlight++;
      const at = Date.now();
      const p = call()
        .catch(() => ({ status: 0, cache: null, ok: false }))
        .then((r) => {
          this.samples.push({ at, doneAt: Date.now(), kind, ...r });
        })
        .finally(() => {
          this.#inFlight--;
          this.#pending.delete(p);
        });
      this.#pending.add(p);
    }
  }

  async #graphql(tenant: string, op: string, variables: Record<string, unknown>) {
    const res = await fetch(this.t.edgeUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.#tokens[tenant]!.analyst}`, 'content-type': 'application/json' },
      body: persistedQueryBody(op, variables),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const json = (await res.json().catch(() => ({}))) as { data?: unknown; errors?: unknown[] };
    return { res, json };
  }

  async #write(tenant: string, n: number) {
    const id = `w-${this.runId}-${n}`;
    const name = `Written ${n}`;
    const input = { id, kind: 'ORGANISATION', names: [name], dataClass: 'ENTITY', licence: 'PUBLIC' };
    const { res, json } = await this.#graphql(tenant, 'UpsertEntity', { input });
    const ok = res.status === 200 && !json.errors && json.data != null;
    if (ok) this.writes.push({ tenant, id, name, at: Date.now() });
    return { status: res.status, cache: res.headers.get('x-cache'), ok };
  }

  async #event(tenant: string, n: number) {
    const res = await fetch(this.t.intakeUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.#tokens[tenant]!.producer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: [{ idempotencyKey: `dr-${this.runId}-${n}`, record: drillRecord(n) }] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const json = (await res.json().catch(() => ({}))) as { accepted?: { eventId: string }[] };
    for (const a of json.accepted ?? []) this.events.push({ tenant, eventId: a.eventId, at: Date.now() });
    return { status: res.status, cache: null, ok: res.status === 202 && (json.accepted?.length ?? 0) === 1 };
  }

  /** A read; `cached` reads count as ok from any cache state, probes only when the origin answered. */
  async #read(tenant: string, id: string, cached: boolean) {
    const { res, json } = await this.#graphql(tenant, 'GetEntity', { id });
    const cache = res.headers.get('x-cache');
    const answered = res.status === 200 && !json.errors;
    return { status: res.status, cache, ok: answered && (cached || cache === 'MISS' || cache === 'BYPASS') };
  }
}
