import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTenant } from '../infra/local/test-support/twin.js';
import { apqBody, firstError } from './test-support/fixtures.js';
import { realStack } from './test-support/real-stack.js';

type Stack = Awaited<ReturnType<typeof realStack>>;
let s: Stack;
beforeAll(async () => {
  s = await realStack();
});
afterAll(() => s.close());

async function send(token: string, op: string, variables: Record<string, unknown>, headers = {}) {
  return s.app.request('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: apqBody(op, variables),
  });
}

describe('headers the edge forwards are signed, and bookmarks are the origin’s own', () => {
  it('hands the client a sealed bookmark on a write and reads its own write back with it', async () => {
    const tenant = testTenant('fwdbm');
    const token = await s.issuer.sign({ tenant, roles: ['analyst'] });
    const input = { id: 'f1', kind: 'ORGANISATION', names: ['Forward Ltd'], dataClass: 'ENTITY', licence: 'PUBLIC' };
    const write = await send(token, 'UpsertEntity', { input });
    const bookmark = write.headers.get('x-gg-bookmark');
    expect(write.status).toBe(200);
    expect(bookmark).toMatch(/^gb1\./);

    const read = await send(token, 'GetEntity', { id: 'f1' }, { 'x-gg-bookmark': bookmark, 'x-gg-step-up-grant': 'g' });
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ data: { entity: expect.objectContaining({ names: ['Forward Ltd'] }) } });
  });

  it('passes the origin’s 400 BAD_BOOKMARK through for a bookmark the origin did not issue', async () => {
    const tenant = testTenant('fwdraw');
    const token = await s.issuer.sign({ tenant, roles: ['analyst'] });
    const res = await send(token, 'Search', { text: 'x' }, { 'x-gg-bookmark': 'FB:kcwQpkZqnN/RQGKGc3TJhsP0diGQ' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'BAD_BOOKMARK' });
  });

  it('refuses another tenant’s bookmark through the edge', async () => {
    const [mine, theirs] = [testTenant('fwdme'), testTenant('fwdthem')];
    const theirToken = await s.issuer.sign({ tenant: theirs, roles: ['analyst'] });
    const input = { id: 'f2', kind: 'ORGANISATION', names: ['Theirs Ltd'], dataClass: 'ENTITY', licence: 'PUBLIC' };
    const bookmark = (await send(theirToken, 'UpsertEntity', { input })).headers.get('x-gg-bookmark')!;
    const myToken = await s.issuer.sign({ tenant: mine, roles: ['analyst'] });
    const res = await send(myToken, 'Search', { text: 'x' }, { 'x-gg-bookmark': bookmark });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'BAD_BOOKMARK' });
  });

  it('stops reading an oversized streamed body at its cap with 413, before the origin', async () => {
    const tenant = testTenant('fwdbig');
    const token = await s.issuer.sign({ tenant, roles: ['analyst'] });
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 8 * 1024 * 1024) return controller.close();
        pulled += 16 * 1024;
        controller.enqueue(new Uint8Array(16 * 1024).fill(0x20));
      },
    });
    const before = s.state.originCalls;
    const res = await s.app.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(firstError(await res.json())).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(pulled).toBeLessThan(256 * 1024);
    expect(s.state.originCalls).toBe(before);
  });
});
