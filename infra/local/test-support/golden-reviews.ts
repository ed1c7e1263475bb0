/**
 * Golden review fixtures: a fixed, labelled set of person records pushed through the real intake (intake API → SQS
 * → ER worker → Neo4j), so the tenant's review queue holds known MID-band candidates. Each pair is one name seen
 * twice, once with a passport and once with a birth date: the name is evidence, the rest neither agrees nor
 * disagrees, which the default model puts in the MID band. The label says what a careful reviewer would decide.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK, SignJWT } from 'jose';
import type { Driver } from 'neo4j-driver';
import { sqsClient } from '../../../functions/core/aws/sqs.js';
import type { SourceRecord } from '../../../functions/core/er/schemas.js';
import { createIntakeRuntime } from '../../../functions/er-intake/api-runtime.js';
import { loadApiConfig } from '../../../functions/er-intake/config.js';
import { twinWorker } from '../../../functions/er-intake/test-support/twin-consumer.js';
import { intakeApiEnv } from '../apps.js';
import { ensureDevKeys } from '../dev-keys.js';
import { createQueuePair } from '../queues.js';
import { waitFor } from '../wait-for.js';
import { twin } from './twin.js';

/** Given names and surnames that share no token and no sound, so pairs never block on each other. */
const given = [
  'Mary',
  'John',
  'Ada',
  'Omar',
  'Priya',
  'Lars',
  'Keiko',
  'Tomasz',
  'Fatima',
  'Diego',
  'Ingrid',
  'Kwame',
  'Elif',
  'Bruno',
  'Svetlana',
  'Hamid',
  'Noor',
  'Pablo',
  'Wanjiru',
  'Yusuf',
  'Greta',
  'Ravi',
  'Olga',
  'Chidi',
  'Beatriz',
  'Anders',
  'Mei',
  'Tariq',
  'Zofia',
  'Emeka',
  'Hana',
  'Lucas',
  'Aisha',
  'Viktor',
  'Sunita',
  'Felix',
  'Ngozi',
  'Matteo',
  'Freya',
  'Kenji',
  'Leila',
  'Oskar',
  'Thandiwe',
  'Rafael',
  'Astrid',
];
const surnames = [
  'Smith',
  'Carter',
  'Byrne',
  'Haddad',
  'Raman',
  'Lindqvist',
  'Tanaka',
  'Nowak',
  'Zahra',
  'Alvarez',
  'Solberg',
  'Mensah',
  'Yilmaz',
  'Ferreira',
  'Volkova',
  'Karimi',
  'Qureshi',
  'Gutierrez',
  'Kamau',
  'Demir',
  'Eriksen',
  'Iyer',
  'Petrova',
  'Okafor',
  'Santos',
  'Holm',
  'Zhou',
  'Rahman',
  'Wojcik',
  'Eze',
  'Sato',
  'Moreau',
  'Bello',
  'Popescu',
  'Banerjee',
  'Vogel',
  'Adeyemi',
  'Rossi',
  'Brandt',
  'Watanabe',
  'Farouk',
  'Lund',
  'Dlamini',
  'Costa',
  'Aaltonen',
];

export interface GoldenPair {
  /** The name both records carry. */
  name: string;
  /** What a reviewer should decide, by construction of the set (every third pair is two different people). */
  label: 'same' | 'different';
  /** The source system of the second record (the first is always `crm`). */
  system: 'crm' | 'registry';
  first: SourceRecord;
  second: SourceRecord;
}

/** The fixed set: `count` pairs (at most 45), in a fixed order with fixed record ids. */
export function goldenPairs(count: number): GoldenPair[] {
  if (count > given.length) throw new Error(`at most ${given.length} golden pairs`);
  return Array.from({ length: count }, (_, i) => {
    const name = `${given[i]} ${surnames[i]}`;
    const base = { kind: 'PERSON' as const, names: [name], licence: 'INTERNAL_ONLY' as const, attributes: {} };
    const system = i % 2 === 0 ? 'crm' : 'registry';
    return {
      name,
      label: i % 3 === 2 ? 'different' : 'same',
      system,
      first: {
        ...base,
        dataClass: 'ENTITY',
        identifiers: [{ scheme: 'passport', value: `G${String(1000 + i)}-${i * 7}` }],
        dates: [],
        source: { system: 'crm', recordId: `golden-${i}-a` },
      },
      second: {
        ...base,
        dataClass: 'ENTITY',
        identifiers: [],
        dates: [{ type: 'birth', value: `19${String(50 + (i % 40)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 10}` }],
        source: { system, recordId: `golden-${i}-b` },
      },
    } satisfies GoldenPair;
  });
}

async function producerToken(tenant: string, keys: ReturnType<typeof ensureDevKeys>): Promise<string> {
  const key = await importJWK(keys.jwt.privateJwk as Parameters<typeof importJWK>[0], 'ES256');
  return new SignJWT({ tenant, roles: ['producer'] })
    .setProtectedHeader({ alg: 'ES256', kid: keys.jwt.kid })
    .setIssuer(keys.jwt.issuer)
    .setAudience(keys.jwt.audience)
    .setSubject('golden-producer')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(key);
}

/** A review candidate the golden set made: its id and the two entities, with the pair it came from. */
export interface GoldenCandidate extends GoldenPair {
  reviewId: string;
  entityId: string;
  candidateId: string;
}

/**
 * Pushes the golden pairs of `tenant` through the intake API into a fresh queue pair drained by a real ER worker:
 * every first record, then (once applied) every second one. Returns the candidates in the set's order; throws
 * when the queue does not hold exactly one MID candidate per pair.
 */
export async function ingestGoldenPairs(
  driver: Driver,
  tenant: string,
  pairs: GoldenPair[],
): Promise<GoldenCandidate[]> {
  const t = twin();
  const keys = ensureDevKeys(join(mkdtempSync(join(tmpdir(), 'golden-keys-')), 'keys.json'));
  const sqs = sqsClient({ region: t.region, endpoint: t.sqsEndpoint });
  const queues = await createQueuePair(sqs, `golden-${tenant}`);
  const intake = createIntakeRuntime(
    loadApiConfig({ ...intakeApiEnv(t, keys), INTAKE_QUEUE_URL: queues.queueUrl, INTAKE_RATE_EVENTS: '100000' }),
  );
  const token = await producerToken(tenant, keys);
  const worker = await twinWorker(t, queues);
  const decisions = async () => {
    const { records } = await driver.executeQuery('MATCH (d:ErDecision {tenant: $tenant}) RETURN count(d) AS n', {
      tenant,
    });
    return Number(records[0]?.get('n'));
  };
  const push = async (events: { idempotencyKey: string; record: SourceRecord }[], expected: number) => {
    const res = await intake.request('/intake', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ events }),
    });
    if (res.status !== 202) throw new Error(`intake answered ${res.status}: ${await res.text()}`);
    await waitFor(
      `${expected} ER decisions of ${tenant}`,
      async () => ((await decisions()) >= expected ? true : undefined),
      120_000,
    );
  };
  try {
    await push(
      pairs.map((p, i) => ({ idempotencyKey: `golden-${i}-a`, record: p.first })),
      pairs.length,
    );
    await push(
      pairs.map((p, i) => ({ idempotencyKey: `golden-${i}-b`, record: p.second })),
      2 * pairs.length,
    );
  } finally {
    await worker.stop();
    sqs.destroy();
  }
  const { records } = await driver.executeQuery(
    `MATCH (r:ReviewCandidate {tenant: $tenant}) RETURN r.id AS id, r.entityId AS entityId, r.candidateId AS candidateId`,
    { tenant },
  );
  const rows = records.map((r) => r.toObject() as { id: string; entityId: string; candidateId: string });
  const names = await entityNames(driver, tenant);
  const out = pairs.map((p) => {
    const hits = rows.filter((r) => names.get(r.entityId) === p.name && names.get(r.candidateId) === p.name);
    if (hits.length !== 1) throw new Error(`golden pair ${p.name}: ${hits.length} review candidates, expected 1`);
    return { ...p, reviewId: hits[0]!.id, entityId: hits[0]!.entityId, candidateId: hits[0]!.candidateId };
  });
  if (rows.length !== pairs.length) throw new Error(`${rows.length} review candidates, expected ${pairs.length}`);
  return out;
}

async function entityNames(driver: Driver, tenant: string): Promise<Map<string, string>> {
  const { records } = await driver.executeQuery(
    'MATCH (e:Entity {tenant: $tenant}) RETURN e.id AS id, e.names AS names',
    { tenant },
  );
  return new Map(records.map((r) => [r.get('id') as string, (r.get('names') as string[])[0]!]));
}
