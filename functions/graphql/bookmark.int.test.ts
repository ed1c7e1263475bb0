import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTenant } from '../../infra/local/test-support/twin.js';
import { sealBookmarks } from '../core/signing/bookmark.js';
import { realOrigin } from './test-support/real-origin.js';
import { signedGraphqlRequest, testKey } from './test-support/requests.js';

type Origin = Awaited<ReturnType<typeof realOrigin>>;
let o: Origin;
beforeAll(async () => {
  o = await realOrigin();
});
afterAll(() => o.close());

type Body = { code?: string; message?: string; data?: { entity?: { names: string[] } }; errors?: Err[] };
type Err = { message: string; extensions: { code: string } };

async function gql(tenant: string, operation: string, variables: Record<string, unknown>, bookmark?: string) {
  const headers = bookmark === undefined ? undefined : { 'x-gg-bookmark': bookmark };
  const started = performance.now();
  const res = await o.yoga.fetch(await signedGraphqlRequest({ tenant, operation, variables, headers }));
  return { res, ms: performance.now() - started, json: (await res.json()) as Body };
}

async function write(tenant: string, id: string) {
  const input = { id, kind: 'ORGANISATION', names: [`Org ${id}`], dataClass: 'ENTITY', licence: 'PUBLIC' };
  const { res } = await gql(tenant, 'UpsertEntity', { input });
  expect(res.status).toBe(200);
  return res.headers.get('x-gg-bookmark')!;
}

/** The Neo4j bookmark inside a sealed one, with its transaction id moved far ahead: a transaction that never commits. */
function futureOf(neo4jBookmark: string): string {
  const bytes = Buffer.from(neo4jBookmark.slice(3), 'base64');
  // [list(1){bytes(16) database id}] then the transaction id (a packstream int), then an empty list.
  const at = 19;
  const width = { 200: 2, 201: 3, 202: 5, 203: 9 }[bytes[at]!] ?? 1;
  const far = Buffer.from([0xca, 0x7f, 0xff, 0xff, 0xff]);
  return `FB:${Buffer.concat([bytes.subarray(0, at), far, bytes.subarray(at + width)]).toString('base64')}`;
}

/** The same MAC with one bit of its first byte flipped: always a different MAC (unlike rewriting its last characters,
 * which decode to the same bytes when the MAC happens to end in zero bits). */
function flipFirstBit(mac: string): string {
  const bytes = Buffer.from(mac, 'base64url');
  bytes[0] = bytes[0]! ^ 1;
  return bytes.toString('base64url');
}

function opened(sealed: string): string[] {
  return (JSON.parse(Buffer.from(sealed.split('.')[1]!, 'base64url').toString()) as { b: string[] }).b;
}

describe('read-your-writes bookmarks are sealed, tenant-bound and bounded', () => {
  it('returns a sealed bookmark on a write that gives read-your-writes, and not the raw Neo4j one', async () => {
    const tenant = testTenant('bmseal');
    const sealed = await write(tenant, 'w1');
    expect(sealed).toMatch(/^gb1\.[\w-]+\.[\w-]+$/);
    expect(opened(sealed)[0]).toMatch(/^FB:/);
    const read = await gql(tenant, 'GetEntity', { id: 'w1' }, sealed);
    expect(read.res.status).toBe(200);
    expect(read.json.data!.entity!.names).toEqual(['Org w1']);
  });

  it('refuses a raw Neo4j bookmark at once with 400 BAD_BOOKMARK, even one naming a future transaction', async () => {
    const tenant = testTenant('bmraw');
    const raw = futureOf(opened(await write(tenant, 'w2'))[0]!);
    const { res, ms, json } = await gql(tenant, 'GetEntity', { id: 'w2' }, raw);
    expect(res.status).toBe(400);
    expect(json).toMatchObject({
      code: 'BAD_BOOKMARK',
      message: expect.stringContaining('not a bookmark this service'),
    });
    expect(ms).toBeLessThan(2_000);
  });

  it('refuses a forged, another tenant’s and an expired bookmark with 400 BAD_BOOKMARK', async () => {
    const [tenant, other] = [testTenant('bmown'), testTenant('bmother')];
    const sealed = await write(tenant, 'w3');
    const foreign = await write(other, 'w3');
    const [, payload, mac] = sealed.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ e: 4e9, b: opened(foreign) })).toString('base64url');
    const expired = await sealBookmarks(testKey, tenant, opened(sealed), { now: Date.now() - 3_600_000, ttlS: 60 });
    const cases: [string, RegExp][] = [
      [`gb1.${forgedPayload}.${mac}`, /not a bookmark this service issued/],
      [`gb1.${payload}.${flipFirstBit(mac!)}`, /not a bookmark this service issued/],
      [foreign, /not a bookmark this service issued/],
      [expired, /expired/],
      ['not-a-bookmark', /not a bookmark this service issued/],
      [`${sealed},`.repeat(9), /at most 8 bookmarks/],
    ];
    for (const [value, message] of cases) {
      const { res, json } = await gql(tenant, 'GetEntity', { id: 'w3' }, value);
      expect(res.status).toBe(400);
      expect(json.code).toBe('BAD_BOOKMARK');
      expect(json.message).toMatch(message);
    }
  });

  it('answers 409 BOOKMARK_NOT_REACHED with Retry-After within the cap when the graph lags behind a bookmark', async () => {
    const tenant = testTenant('bmlag');
    // A bookmark this service sealed for a transaction the database has not reached: what replica lag looks like.
    const lagging = await sealBookmarks(testKey, tenant, [futureOf(opened(await write(tenant, 'w4'))[0]!)]);
    const { res, ms, json } = await gql(tenant, 'GetEntity', { id: 'w4' }, lagging);
    expect(res.status).toBe(409);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(json.errors![0]).toMatchObject({
      message: expect.stringContaining('has not yet reached the write'),
      extensions: { code: 'BOOKMARK_NOT_REACHED' },
    });
    expect(ms).toBeLessThan(5_000);
    // The origin is not held: the next request is answered at once.
    const next = await gql(tenant, 'GetEntity', { id: 'w4' });
    expect(next.json.data!.entity!.names).toEqual(['Org w4']);
  }, 20_000);
});
