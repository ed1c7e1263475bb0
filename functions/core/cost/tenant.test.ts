import { describe, expect, it } from 'vitest';
import { prices } from './prices.js';
import { priceTenants, tenantMarkdown, tenantUnitPrices, tenantUsageFromExpositions } from './tenant.js';
import { defaultWorkload } from './workload.js';

const name = 'graphgate_tenant_usage_total';
// Three expositions as the edge, the origin and the ER worker write them.
const edge = `# TYPE ${name} counter\n${name}{tenant="acme",item="calls"} 100\n${name}{tenant="acme",item="cache_hits"} 60\n${name}{tenant="zeta",item="calls"} 10\n`;
const origin = [
  `# HELP ${name} Per-tenant usage`,
  `${name}{tenant="acme",item="origin_calls"} 40`,
  `${name}{tenant="acme",item="origin_ms"} 2400`,
  `${name}{tenant="acme",item="neo4j_ms"} 900`,
  `${name}{tenant="zeta",item="origin_calls"} 10`,
  `${name}{tenant="zeta",item="neo4j_ms"} 100`,
  `${name}{tenant="zeta",item="llm_tokens"} 2000`,
  'graphgate_origin_requests_total{operation="GetEntity",outcome="ok"} 50',
].join('\n');
const worker = `${name}{tenant="zeta",item="er_events"} 1000\n`;

describe('cost per tenant', () => {
  it('sums each tenant’s usage over the expositions of every process', () => {
    const usage = tenantUsageFromExpositions([edge, origin, worker], name);
    expect(usage.acme).toEqual({
      calls: 100,
      cache_hits: 60,
      origin_calls: 40,
      origin_ms: 2400,
      neo4j_ms: 900,
      er_events: 0,
      llm_tokens: 0,
    });
    expect(usage.zeta?.er_events).toBe(1000);
    expect(Object.keys(usage).sort()).toEqual(['acme', 'zeta']);
  });

  it('prices usage with the price table and shares the fixed Neo4j cost by Neo4j time', () => {
    const unit = tenantUnitPrices(defaultWorkload, 0.003);
    const [first, second] = priceTenants(tenantUsageFromExpositions([edge, origin, worker], name), unit);
    // ER events and LLM tokens make zeta the costlier tenant although acme made more calls.
    expect(first!.tenant).toBe('zeta');
    expect(first!.lines.llm).toBeCloseTo(2000 * 0.000003, 12);
    expect(first!.lines.er).toBeCloseTo(1000 * unit.erEvent, 12);
    expect(second!.lines.edge).toBeCloseTo(100 * unit.call, 12);
    expect(second!.lines.origin).toBeCloseTo(40 * unit.originCall + 2400 * unit.originMs, 12);
    expect(second!.neo4jShare).toBeCloseTo(0.9, 12);
    expect(second!.neo4jMonthlyUsd).toBeCloseTo(0.9 * prices.fixedMonthly.neo4jAura!, 6);
    // 1 ms of a 1024 MB arm64 Lambda.
    expect(unit.originMs).toBeCloseTo(prices.lambdaArmGbSecond / 1000, 15);
  });

  it('writes one row per tenant', () => {
    const unit = tenantUnitPrices(defaultWorkload);
    const md = tenantMarkdown(
      priceTenants(tenantUsageFromExpositions([edge, origin, worker], name), unit),
      unit,
      ['a', 'b'],
      'npm run cost:report -- --by tenant',
    );
    expect(md.match(/^\| (acme|zeta) \|/gm)).toHaveLength(2);
  });
});
