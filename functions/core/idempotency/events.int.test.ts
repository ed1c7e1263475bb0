import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { testTenant, twin } from '../../../infra/local/test-support/twin.js';
import { dynamoClient } from '../aws/dynamodb.js';
import { tableName, tables } from '../resources/index.js';
import { createEventIdempotency, type IdempotencyFailure, payloadHash } from './events.js';

const t = twin();
const client = dynamoClient({ region: t.region, endpoint: t.dynamoEndpoint });
afterAll(() => client.destroy());

class Refused extends Error {
  constructor(readonly failure: IdempotencyFailure) {
    super(failure);
  }
}

const claims = (options: { now?: () => number; expiresAfterSeconds?: number; keyPrefix?: string } = {}) =>
  createEventIdempotency({
    client,
    tableName: tableName('local', tables.idempotency),
    keyPrefix: options.keyPrefix ?? 'claims-test',
    toError: (failure) => new Refused(failure),
    ...options,
  });

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'claimed',
    (err: unknown) => (err instanceof Refused ? err.failure : err),
  );

describe('idempotency key claims on DynamoDB (dynalite)', () => {
  it('claims a key once, answers `seen` for the same record and refuses a different one', async () => {
    const claim = claims();
    const tenant = testTenant('claims');
    const event = { tenant, idempotencyKey: 'k1', record: { names: ['Ada Lovelace'], born: '1815-12-10' } };
    expect(await claim(event)).toBe('first');
    // Key order does not change the payload: the hash is of canonical JSON.
    expect(await claim({ ...event, record: { born: '1815-12-10', names: ['Ada Lovelace'] } })).toBe('seen');
    expect(await refusal(claim({ ...event, record: { names: ['Someone Else'] } }))).toBe('CONFLICTING_PAYLOAD');
    // The same key in another tenant is another key.
    expect(await claim({ ...event, tenant: testTenant('claims-other') })).toBe('first');
  });

  it('of many concurrent claims of one key, exactly one is first', async () => {
    const claim = claims();
    const event = { tenant: testTenant('claims-race'), idempotencyKey: 'k1', record: { n: 1 } };
    const uses = await Promise.all(Array.from({ length: 12 }, () => claim(event)));
    expect(uses.filter((u) => u === 'first')).toHaveLength(1);
    expect(uses.filter((u) => u === 'seen')).toHaveLength(11);
  });

  it('claims an expired key again, with the new record', async () => {
    let clock = Date.now();
    const claim = claims({ now: () => clock, expiresAfterSeconds: 60 });
    const event = { tenant: testTenant('claims-expiry'), idempotencyKey: 'k1', record: { n: 1 } };
    expect(await claim(event)).toBe('first');
    clock += 61_000;
    expect(await claim({ ...event, record: { n: 2 } })).toBe('first');
    expect(await refusal(claim(event))).toBe('CONFLICTING_PAYLOAD');
  });

  it('writes one item per key: its hash and expiry, no result', async () => {
    const claim = claims({ keyPrefix: 'claims-shape' });
    const event = { tenant: testTenant('claims-shape'), idempotencyKey: 'k1', record: { n: 1 } };
    await claim(event);
    const { createHash } = await import('node:crypto');
    const { canonicalJson } = await import('../json/canonical.js');
    const id = `claims-shape#${createHash('sha256')
      .update(canonicalJson([event.tenant, 'k1']))
      .digest('hex')}`;
    const { Item } = await client.send(
      new GetItemCommand({ TableName: tableName('local', tables.idempotency), Key: { id: { S: id } } }),
    );
    expect(Object.keys(Item ?? {}).sort()).toEqual(['expiration', 'id', 'validation']);
    expect(Item?.validation?.S).toBe(payloadHash(event.record));
  });

  it('refuses with STORE_FAILED when the store cannot be reached', async () => {
    const down = dynamoClient({ region: t.region, endpoint: 'http://127.0.0.1:9' });
    try {
      const claim = createEventIdempotency({
        client: down,
        tableName: tableName('local', tables.idempotency),
        keyPrefix: 'claims-down',
        toError: (failure) => new Refused(failure),
      });
      expect(await refusal(claim({ tenant: testTenant('claims-down'), idempotencyKey: 'k', record: {} }))).toBe(
        'STORE_FAILED',
      );
    } finally {
      down.destroy();
    }
  });
});
