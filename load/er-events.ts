/**
 * Deterministic intake load for the fault test and the ingest benchmark: envelopes as the intake API would enqueue
 * them, with a share of producer duplicates (same key, same record, later acceptedAt), a share of poison (VEHICLE
 * events, see er-faults.ts) and name/identifier overlaps so all three ER bands occur.
 */
import type { Envelope, SourceRecord } from '../functions/core/er/schemas.js';
import { eventIdFor } from '../functions/er-intake/enqueue.js';
import { mulberry32 } from '../infra/local/seed/names.js';

const first = [
  'Ada',
  'Alan',
  'Grace',
  'Edsger',
  'Barbara',
  'Donald',
  'Frances',
  'John',
  'Margaret',
  'Tim',
  'Radia',
  'Ken',
  'Hedy',
  'Dennis',
  'Sophie',
  'Niklaus',
];
const last = [
  'Lovelace',
  'Turing',
  'Hopper',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'McCarthy',
  'Hamilton',
  'Berners-Lee',
  'Perlman',
  'Thompson',
  'Lamarr',
  'Ritchie',
  'Wilson',
  'Wirth',
];

export interface GeneratedLoad {
  /** Every message in send order (shuffled). */
  messages: Envelope[];
  unique: Envelope[];
  poison: Envelope[];
  duplicates: number;
  tenants: string[];
}

/** Builds `total` messages: unique valid events, duplicates of them, and poison. */
export function generateEvents(o: {
  total: number;
  duplicateShare: number;
  poisonShare: number;
  tenants: number;
  seed: number;
  runId?: string;
}): GeneratedLoad {
  const rand = mulberry32(o.seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const runId = o.runId ?? `${o.seed}-${Date.now().toString(36)}`;
  const tenants = Array.from({ length: o.tenants }, (_, i) => `er-load-${runId}-${i}`.toLowerCase());
  const poisonN = Math.round(o.total * o.poisonShare);
  const dupN = Math.round(o.total * o.duplicateShare);
  const uniqueN = o.total - poisonN - dupN;
  const made: SourceRecord[] = [];
  const envelope = (tenant: string, key: string, record: SourceRecord): Envelope => ({
    v: 1,
    tenant,
    eventId: eventIdFor(tenant, key),
    idempotencyKey: key,
    acceptedAt: Date.now(),
    submittedBy: 'er-load',
    record,
  });
  const record = (i: number, kind: SourceRecord['kind']): SourceRecord => {
    const r = rand();
    const earlier = made.length ? pick(made) : null;
    // ~5% repeat an earlier entity with its identifier (HIGH), ~5% its name and birth date (MID), the rest are new.
    if (earlier && kind === 'PERSON' && r < 0.05)
      return { ...earlier, source: { system: 'crm-b', recordId: `b-${i}` } };
    if (earlier && kind === 'PERSON' && r < 0.1)
      return { ...earlier, identifiers: [], source: { system: 'crm-c', recordId: `c-${i}` } };
    const names = [`${pick(first)} ${pick(last)} ${i.toString(36)}`];
    return {
      kind,
      names,
      identifiers: [{ scheme: 'ref', value: `R${i}` }],
      dates: [
        {
          type: 'birth',
          value: `19${String(40 + Math.floor(rand() * 60))}-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)}`,
        },
      ],
      source: { system: 'crm-a', recordId: `a-${i}` },
      licence: 'INTERNAL_ONLY',
      dataClass: 'ENTITY',
      attributes: {},
    };
  };
  const unique: Envelope[] = [];
  for (let i = 0; i < uniqueN; i++) {
    const rec = record(i, 'PERSON');
    made.push(rec);
    unique.push(envelope(tenants[i % tenants.length]!, `u-${i}`, rec));
  }
  const poison = Array.from({ length: poisonN }, (_, i) =>
    envelope(tenants[i % tenants.length]!, `p-${i}`, { ...record(uniqueN + i, 'VEHICLE'), names: [`Vehicle ${i}`] }),
  );
  const dups = Array.from({ length: dupN }, () => ({ ...pick(unique), acceptedAt: Date.now() }));
  const messages = [...unique, ...poison, ...dups];
  for (let i = messages.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [messages[i], messages[j]] = [messages[j]!, messages[i]!];
  }
  return { messages, unique, poison, duplicates: dupN, tenants };
}
