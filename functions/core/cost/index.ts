/** The shared cost model: price table, per-unit formulas, workload assumptions, metric names. */
export { costFormulas, gatewayCostFormula, ingestCostFormula } from './formulas.js';
export { reviewBacklogAgeLimitS } from './metrics.js';
export * from './model.js';
export { type PriceTable, prices } from './prices.js';
export { defaultWorkload, usageFromWorkload, type Workload } from './workload.js';
