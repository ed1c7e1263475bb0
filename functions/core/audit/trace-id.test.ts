import { createHash } from 'node:crypto';
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../json/canonical.js';
import { nextEntry } from './chain.js';
import { LedgerInputError } from './errors.js';
import { MemoryAuditLedger } from './memory-ledger.js';
import { verifyLedger } from './verify.js';

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const inTrace = <T>(fn: () => T): T =>
  context.with(trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: '00f067aa0ba902b7', traceFlags: 1 }), fn);

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => context.disable());

describe('trace ids in the audit ledger', () => {
  it('records the active trace id on an entry appended inside a trace', async () => {
    const ledger = new MemoryAuditLedger();
    const entry = await inTrace(() => ledger.append('acme', { kind: 'policy.decision', actor: 'a', data: {} }));
    expect(entry.traceId).toBe(traceId);
  });

  it('hashes an entry without a trace id exactly as before the field existed', () => {
    const entry = nextEntry('acme', null, { kind: 'er.band', actor: 'a', subject: 'ev-1', data: { i: 1 } });
    const { tenant, seq, at, kind, actor, subject, data, prevHash } = entry;
    const before = createHash('sha256')
      .update(prevHash)
      .update(canonicalJson({ tenant, seq, at, kind, actor, subject, data }))
      .digest('hex');
    expect(entry).not.toHaveProperty('traceId');
    expect(entry.hash).toBe(before);
  });

  it('verifies a chain mixing old entries and traced ones, and breaks when a trace id is changed', async () => {
    const ledger = new MemoryAuditLedger();
    await ledger.append('acme', { kind: 'er.band', actor: 'a', data: { i: 1 } });
    await inTrace(() => ledger.append('acme', { kind: 'er.band', actor: 'a', data: { i: 2 } }));
    expect((await verifyLedger('acme', ledger.read('acme'))).ok).toBe(true);
    ledger.rawEntries('acme')[1]!.traceId = 'ffffffffffffffffffffffffffffffff';
    expect((await verifyLedger('acme', ledger.read('acme'))).firstBreak).toMatchObject({
      seq: 2,
      kind: 'HASH_MISMATCH',
    });
  });

  it('refuses a trace id that is not 32 lowercase hex', () => {
    expect(() => nextEntry('acme', null, { kind: 'er.band', actor: 'a', data: {}, traceId: 'nope' })).toThrow(
      LedgerInputError,
    );
  });
});
