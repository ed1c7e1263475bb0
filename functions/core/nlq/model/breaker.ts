/**
 * A circuit breaker for the model provider: after `failures` consecutive failures it opens for `cooldownMs` (calls
 * are refused at once, no provider call), then lets one trial call through (half-open); a success closes it again.
 */
export interface BreakerOptions {
  failures: number;
  cooldownMs: number;
}

export function circuitBreaker(options: BreakerOptions, clock: () => number = Date.now) {
  let consecutive = 0;
  let openUntil = 0;
  return {
    /** Whether a call may go out now. */
    allows(): boolean {
      return consecutive < options.failures || clock() >= openUntil;
    },
    success(): void {
      consecutive = 0;
      openUntil = 0;
    },
    failure(): void {
      consecutive++;
      if (consecutive >= options.failures) openUntil = clock() + options.cooldownMs;
    },
    get state(): 'closed' | 'open' | 'half-open' {
      if (consecutive < options.failures) return 'closed';
      return clock() >= openUntil ? 'half-open' : 'open';
    },
  };
}
export type CircuitBreaker = ReturnType<typeof circuitBreaker>;
