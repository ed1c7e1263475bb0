/**
 * Multiwindow, multi-burn-rate alerting (Google SRE workbook, ch. 5): an alert fires only when both the long window
 * (budget really is burning) and the short window (it is still burning now) exceed `factor × error budget`.
 */
export interface Window {
  /** Prometheus range, e.g. `5m`. */
  readonly label: string;
  readonly seconds: number;
}

export interface BurnRatePolicy {
  readonly name: 'fast' | 'slow';
  /** `page` wakes on-call; `ticket` waits for working hours. */
  readonly severity: 'page' | 'ticket';
  /** 14.4× spends 2% of a 30-day budget in 1 h; 6× spends 5% in 6 h. */
  readonly factor: number;
  readonly long: Window;
  readonly short: Window;
}

const w = (label: string, seconds: number): Window => ({ label, seconds });

/** Fast burn pages (1 h and 5 m at 14.4×); slow burn tickets (6 h and 1 h at 6×). */
export const burnRatePolicies: readonly BurnRatePolicy[] = [
  { name: 'fast', severity: 'page', factor: 14.4, long: w('1h', 3600), short: w('5m', 300) },
  { name: 'slow', severity: 'ticket', factor: 6, long: w('6h', 21_600), short: w('1h', 3600) },
];

/** The burn-rate policy named `name`. */
export function burnRatePolicy(name: BurnRatePolicy['name']): BurnRatePolicy {
  const policy = burnRatePolicies.find((p) => p.name === name);
  if (!policy) throw new Error(`no ${name} burn-rate policy`);
  return policy;
}

/** Error-ratio threshold of a policy for an SLO's budget, capped at 1 (a ratio cannot exceed it). */
export function burnThreshold(policy: BurnRatePolicy, budget: number): number {
  return Math.min(1, Number((policy.factor * budget).toFixed(10)));
}
