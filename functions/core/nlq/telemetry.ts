/**
 * What NLQ reports: spans for parse → cache → translate → guard → execute → export, and the metrics the NLQ/Cypher
 * dashboard and the LLM-spend alarm read (names from core/metrics/names.ts, so emitter and CDK cannot drift apart).
 */
import { type Span, SpanStatusCode, trace } from '@opentelemetry/api';

export const nlqTracer = trace.getTracer('graphgate-nlq');

/** The metrics port; the origin's adapter emits EMF (`NlqDuration`, `NlqErrors`, `CypherDuration`, `LlmSpendUsd`). */
export interface NlqMetrics {
  /** One answered or refused question, end to end. */
  nlqDuration(ms: number, outcome: 'answered' | 'refused' | 'error'): void;
  /** A refusal or failure, by its stable code. */
  nlqError(code: string): void;
  /** One plan execution; `method` is the template name (grammar) or `model`. */
  cypherDuration(ms: number, method: string): void;
  /** Plan cache lookups. */
  planCache(hit: boolean): void;
  /** USD spent on one model call. */
  llmSpend(usd: number, provider: string): void;
  /** Tokens (input + output) one model call of `tenant` spent: the per-tenant usage the cost report prices. */
  llmTokens(tenant: string, tokens: number): void;
}

/** Counts everything in memory (unit tests, the eval's hit ratio). */
export function countingNlqMetrics() {
  const m = {
    answered: 0,
    refused: 0,
    errors: {} as Record<string, number>,
    hits: 0,
    misses: 0,
    spendUsd: 0,
    tokens: 0,
    cypher: 0,
  };
  const metrics: NlqMetrics = {
    nlqDuration: (_ms, outcome) => {
      if (outcome === 'answered') m.answered++;
      else if (outcome === 'refused') m.refused++;
    },
    nlqError: (code) => {
      m.errors[code] = (m.errors[code] ?? 0) + 1;
    },
    cypherDuration: () => {
      m.cypher++;
    },
    planCache: (hit) => {
      if (hit) m.hits++;
      else m.misses++;
    },
    llmSpend: (usd) => {
      m.spendUsd += usd;
    },
    llmTokens: (_tenant, tokens) => {
      m.tokens += tokens;
    },
  };
  return { metrics, counts: m };
}

/** Runs `fn` in a span named `nlq.<stage>`; errors mark the span and propagate. */
export async function stage<T>(name: string, attributes: Record<string, string>, fn: (span: Span) => Promise<T>) {
  return nlqTracer.startActiveSpan(`nlq.${name}`, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  });
}
