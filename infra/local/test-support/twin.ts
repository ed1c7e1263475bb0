import { inject } from 'vitest';
import type { TwinEndpoints } from '../types.js';

/** Endpoints of the real local twin started by ./global-setup.ts (integration project only). */
export function twin(): TwinEndpoints {
  const endpoints = inject('twin');
  if (!endpoints)
    throw new Error('no local twin: run integration tests through `npm test` or `vitest --project integration`');
  return endpoints;
}

/** A tenant id unique to one test, so tests can share one database without seeing each other's data. */
export function testTenant(label: string): string {
  return `t-${label}-${Math.random().toString(36).slice(2, 10)}`;
}
