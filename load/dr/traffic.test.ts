import { describe, expect, it } from 'vitest';
import { Traffic, type TrafficTargets } from './traffic.js';

describe('Traffic', () => {
  it('adds a tenant to its own load without changing the targets the caller passed', () => {
    // Prepare
    const targets: TrafficTargets = {
      edgeUrl: 'http://127.0.0.1:1/graphql',
      intakeUrl: 'http://127.0.0.1:1/intake',
      tenants: ['t1'],
      tokens: { t1: { analyst: 'a1', producer: 'p1' } },
      cachedIds: { t1: ['e1'] },
      ticksPerSecond: 1,
      maxInFlight: 1,
      maxS: 1,
    };
    const traffic = new Traffic(targets, 'run');

    // Act
    traffic.addTenant('late', { analyst: 'a2', producer: 'p2' });

    // Assess
    expect(targets.tokens).toEqual({ t1: { analyst: 'a1', producer: 'p1' } });
    expect(targets.tenants).toEqual(['t1']);
    expect(targets.cachedIds).toEqual({ t1: ['e1'] });
  });
});
