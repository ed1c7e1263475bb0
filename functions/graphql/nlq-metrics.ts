/**
 * EMF adapter of the NLQ metrics port: the names the NLQ/Cypher dashboard and the LLM-spend alarm read
 * (`originMetrics` / `costMetrics`), dimension `Stage` (and `Method` on CypherDuration). CloudWatch reads them from
 * the log stream; nothing calls an API on the request path.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { costMetrics, originMetrics } from '../core/cost/metrics.js';
import type { NlqMetrics } from '../core/nlq/telemetry.js';

export function emfNlqMetrics(stage: string): NlqMetrics & { flush(): void } {
  const origin = new Metrics({
    namespace: originMetrics.namespace,
    serviceName: 'graphql',
    defaultDimensions: { Stage: stage },
  });
  const cost = new Metrics({
    namespace: costMetrics.namespace,
    serviceName: 'graphql',
    defaultDimensions: { Stage: stage },
  });
  return {
    // The end of every question: publish what it recorded, so a Lambda freeze never holds metrics back.
    nlqDuration(ms) {
      origin.addMetric(originMetrics.nlqDuration, MetricUnit.Milliseconds, ms);
      origin.publishStoredMetrics();
      cost.publishStoredMetrics();
    },
    nlqError() {
      origin.addMetric(originMetrics.nlqErrors, MetricUnit.Count, 1);
    },
    cypherDuration(ms, method) {
      const single = origin.singleMetric();
      single.addDimension('Method', method);
      single.addMetric(originMetrics.cypherDuration, MetricUnit.Milliseconds, ms);
    },
    planCache(hit) {
      origin.addMetric(hit ? originMetrics.nlqPlanCacheHits : originMetrics.nlqPlanCacheMisses, MetricUnit.Count, 1);
    },
    llmSpend(usd) {
      cost.addMetric(costMetrics.llmSpendUsd, MetricUnit.NoUnit, usd);
    },
    flush() {
      origin.publishStoredMetrics();
      cost.publishStoredMetrics();
    },
  };
}
