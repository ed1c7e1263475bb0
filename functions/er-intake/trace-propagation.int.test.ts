/**
 * intake → SQS → worker is one trace: the enqueue puts the request's W3C trace context on each message (message
 * attribute `traceparent`), the worker's span for the event continues it, and the ER ledger entry carries its id.
 * Real ElasticMQ, Neo4j and dynalite; the SDK is registered in this process with an in-memory exporter.
 */
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueuePair } from '../../infra/local/queues.js';
import { testTenant, twin } from '../../infra/local/test-support/twin.js';
import { waitFor } from '../../infra/local/wait-for.js';
import { DynamoDbAuditLedger } from '../core/audit/dynamodb-ledger.js';
import type { LedgerEntry } from '../core/audit/types.js';
import { dynamoClient } from '../core/aws/dynamodb.js';
import { sqsClient } from '../core/aws/sqs.js';
import { envelopeFor, personRecord } from '../core/er/test-support/records.js';
import { tableName, tables } from '../core/resources/index.js';
import { enqueue } from './enqueue.js';
import { twinWorker } from './test-support/twin-consumer.js';

const t = twin();
const sqs = sqsClient({ region: t.region, endpoint: t.sqsEndpoint });
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(() => provider.register());
afterAll(() => provider.shutdown());

describe('trace context across the intake queue', () => {
  it('continues the accepting request’s trace in the worker and writes its id into the ER ledger entry', async () => {
    const tenant = testTenant('sqs-trace');
    const pair = await createQueuePair(sqs, `trace-${tenant}`);
    const traceId = await trace
      .getTracer('test')
      .startActiveSpan('POST /intake', { kind: SpanKind.SERVER }, async (span) => {
        const [result] = await enqueue(sqs, pair.queueUrl, [envelopeFor(tenant, 'k-1', personRecord())]);
        expect(result).toBeNull();
        span.end();
        return span.spanContext().traceId;
      });

    const worker = await twinWorker(t, pair);
    try {
      const processed = await waitFor('the worker span of the event', async () =>
        exporter.getFinishedSpans().find((s) => s.name === 'er.process'),
      );
      expect(processed.spanContext().traceId).toBe(traceId);
      expect(processed.kind).toBe(SpanKind.CONSUMER);

      const ledger = new DynamoDbAuditLedger({
        client: dynamoClient({ region: t.region, endpoint: t.dynamoEndpoint }),
        tableName: tableName('local', tables.auditLedger),
      });
      const entries = await waitFor('the ER ledger entry', async () => {
        const out: LedgerEntry[] = [];
        for await (const e of ledger.read(tenant)) out.push(e);
        return out.length > 0 ? out : undefined;
      });
      expect(entries.map((e) => e.traceId)).toEqual(entries.map(() => traceId));
    } finally {
      await worker.stop();
    }
  });
});
