/**
 * What the origin reports besides its RED histograms and spans: Cypher time per repository method, Upstash commands,
 * and per-tenant usage (calls, origin compute, Neo4j time, LLM tokens) that the cost report prices. One port, two
 * adapters: Prometheus for the local server's /metrics, EMF (Powertools Metrics) in the Lambda. Names and dimensions
 * come from the registry (core/metrics/names.ts) the alarms, dashboards and cost model read.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Counter, type Registry, type RegistryContentType } from 'prom-client';
import type { GraphRepository } from '../core/graph/types.js';
import { cloudwatch, namespaces, prometheus, services, type UsageItem } from '../core/metrics/names.js';
import type { NlqMetrics } from '../core/nlq/telemetry.js';

export interface OriginSignals {
  /** One GraphQL request of `tenant` answered by the origin, and how long it took. */
  request(tenant: string, ms: number): void;
  /** One Cypher transaction (repository call) of `tenant`. */
  cypher(tenant: string, method: string, ms: number): void;
  /** Upstash commands sent (response cache, nonces, NLQ plan cache). */
  upstashCommands(count: number): void;
  /** LLM tokens a tenant's NLQ question spent. */
  llmTokens(tenant: string, tokens: number): void;
  /** Writes what is buffered (EMF); called at the end of every request. */
  flush(): void;
}

/** Prometheus adapter on the origin's registry: `graphgate_tenant_usage_total{tenant,item}` and an Upstash counter. */
export function promOriginSignals(registry: Registry<RegistryContentType>): OriginSignals {
  const usage = new Counter({
    name: prometheus.tenantUsage.name,
    help: 'Per-tenant usage the cost report prices, by item',
    labelNames: prometheus.tenantUsage.labels,
    registers: [registry],
  });
  const upstash = new Counter({
    name: 'graphgate_origin_upstash_commands_total',
    help: 'Upstash commands issued by the origin',
    registers: [registry],
  });
  const add = (tenant: string, item: UsageItem, by: number) => usage.inc({ tenant, item }, by);
  return {
    request(tenant, ms) {
      add(tenant, 'origin_calls', 1);
      add(tenant, 'origin_ms', ms);
    },
    cypher(tenant, _method, ms) {
      add(tenant, 'neo4j_ms', ms);
    },
    upstashCommands(count) {
      upstash.inc(count);
    },
    llmTokens(tenant, tokens) {
      add(tenant, 'llm_tokens', tokens);
    },
    flush() {},
  };
}

/**
 * EMF adapter: the origin's custom CloudWatch metrics, and the NLQ metrics port on the same documents. Per-tenant usage
 * is summed per request and written once per tenant at flush (one datapoint per request, not per Cypher call).
 */
export function emfOriginSignals(stage: string): OriginSignals & NlqMetrics {
  const make = (namespace: string, defaultDimensions: Record<string, string> = {}) =>
    new Metrics({
      namespace,
      serviceName: services.graphql,
      defaultDimensions: { Stage: stage, ...defaultDimensions },
    });
  const origin = make(namespaces.origin);
  const cost = make(namespaces.cost);
  const upstash = make(namespaces.cost, { Component: 'origin' });
  const usage = make(namespaces.usage);
  const pending = new Map<string, Map<string, number>>();
  const addUsage = (tenant: string, metric: string, value: number) => {
    const byMetric = pending.get(tenant) ?? new Map<string, number>();
    byMetric.set(metric, (byMetric.get(metric) ?? 0) + value);
    pending.set(tenant, byMetric);
  };
  const cypherDuration = (ms: number, method: string) => {
    const single = origin.singleMetric();
    single.addDimension('Method', method);
    single.addMetric(cloudwatch.cypherDuration.name, MetricUnit.Milliseconds, ms);
  };
  const flush = () => {
    origin.publishStoredMetrics();
    cost.publishStoredMetrics();
    upstash.publishStoredMetrics();
    for (const [tenant, byMetric] of pending) {
      // A single-metric instance publishes on addMetric and forgets its dimensions: one per datapoint.
      for (const [metric, value] of byMetric) {
        const single = usage.singleMetric();
        single.addDimension('Tenant', tenant);
        single.addMetric(metric, MetricUnit.Count, value);
      }
    }
    pending.clear();
  };
  return {
    request(tenant, ms) {
      addUsage(tenant, cloudwatch.tenantOriginCalls.name, 1);
      addUsage(tenant, cloudwatch.tenantOriginMs.name, ms);
    },
    cypher(tenant, method, ms) {
      cypherDuration(ms, method);
      addUsage(tenant, cloudwatch.tenantNeo4jMs.name, ms);
    },
    upstashCommands(count) {
      upstash.addMetric(cloudwatch.upstashCommands.name, MetricUnit.Count, count);
    },
    llmTokens(tenant, tokens) {
      addUsage(tenant, cloudwatch.tenantLlmTokens.name, tokens);
    },
    flush,
    // NLQ port: the end of every question publishes what it recorded, so a Lambda freeze never holds metrics back.
    nlqDuration(ms) {
      origin.addMetric(cloudwatch.nlqDuration.name, MetricUnit.Milliseconds, ms);
      origin.publishStoredMetrics();
      cost.publishStoredMetrics();
    },
    nlqError() {
      origin.addMetric(cloudwatch.nlqErrors.name, MetricUnit.Count, 1);
    },
    cypherDuration,
    planCache(hit) {
      const signal = hit ? cloudwatch.nlqPlanCacheHits : cloudwatch.nlqPlanCacheMisses;
      origin.addMetric(signal.name, MetricUnit.Count, 1);
    },
    llmSpend(usd) {
      cost.addMetric(cloudwatch.llmSpendUsd.name, MetricUnit.NoUnit, usd);
    },
  };
}

/** Times every repository call (one Cypher transaction) into `signals`, with the tenant it ran for. */
export function meteredRepository(repo: GraphRepository, signals: OriginSignals): GraphRepository {
  return new Proxy(repo, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const method = String(prop);
      return async (tenant: string, ...rest: unknown[]) => {
        const started = performance.now();
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).call(target, tenant, ...rest);
        } finally {
          signals.cypher(tenant, method, performance.now() - started);
        }
      };
    },
  });
}
