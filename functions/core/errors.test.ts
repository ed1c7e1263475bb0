import { describe, expect, it } from 'vitest';
import { CacheError, CacheKeyError } from './cache/errors.js';
import { ConflictingPayloadError, ErError } from './er/errors.js';
import { DomainError } from './errors.js';
import { CeremonyError, StepUpError } from './stepup/errors.js';

describe('DomainError', () => {
  it('names each error after its class and keeps code, context and cause', () => {
    const cause = new Error('conditional check failed');
    const err = new ConflictingPayloadError('ev-1', { cause });
    expect(err).toBeInstanceOf(ErError);
    expect(err).toBeInstanceOf(DomainError);
    expect(err.name).toBe('ConflictingPayloadError');
    expect(err.code).toBe('CONFLICTING_PAYLOAD');
    expect(err.context).toEqual({ eventId: 'ev-1' });
    expect(err.cause).toBe(cause);
  });

  it('leaves cause unset and context empty when not given', () => {
    const err = new CacheKeyError('bad tenant');
    expect(err).toBeInstanceOf(CacheError);
    expect(err.name).toBe('CacheKeyError');
    expect('cause' in err).toBe(false);
    expect(err.context).toEqual({});
  });

  it('lets an area add its own fields', () => {
    const err = new CeremonyError('COUNTER_REGRESSION', 'authenticator counter went back');
    expect(err).toBeInstanceOf(StepUpError);
    expect(err.name).toBe('CeremonyError');
    expect(err.status).toBe(400);
  });
});
