/**
 * Wires the intake app to real services from its configuration: the shared JWT verifier (core/auth), a per-tenant
 * sliding-window event budget on Upstash (@upstash/ratelimit), and SQS.
 */
import { Ratelimit } from '@upstash/ratelimit';
import { Redis } from '@upstash/redis';
import type { Hono } from 'hono';
import { createVerifier } from '../core/auth/index.js';
import { dynamoClient } from '../core/aws/dynamodb.js';
import { sqsClient } from '../core/aws/sqs.js';
import { HttpError } from '../core/http/index.js';
import { DynamoDbWriteJournal } from '../core/journal/index.js';
import { createIntakeApp, type IntakeAppDeps } from './app.js';
import type { ApiConfig } from './config.js';
import { enqueue } from './enqueue.js';
import { journaledSend } from './journal.js';
import { jsonLog } from './log.js';

/**
 * Rate limit in events (not requests): a request of 500 events spends 500. If Redis is unreachable the check fails
 * open and logs, like the edge's limiter: an outage of the limiter must not become an outage of ingestion, and the
 * queue plus the consumer's bounded concurrency still protect the graph.
 */
function eventRateLimit(config: ApiConfig) {
  const limiter = new Ratelimit({
    redis: new Redis({ url: config.upstash.url, token: config.upstash.token }),
    limiter: Ratelimit.slidingWindow(config.rate.events, `${config.rate.windowS} s`),
    prefix: 'gg:rl:intake',
    analytics: false,
  });
  return async (tenant: string, events: number): Promise<Record<string, string>> => {
    let result: Awaited<ReturnType<Ratelimit['limit']>>;
    try {
      result = await limiter.limit(tenant, { rate: events });
    } catch (err) {
      jsonLog({ level: 'warn', msg: 'intake rate limiter unavailable; allowing', error: String(err) });
      return {};
    }
    const headers = {
      'ratelimit-limit': String(result.limit),
      'ratelimit-remaining': String(Math.max(0, result.remaining)),
      'ratelimit-reset': String(Math.max(0, Math.ceil((result.reset - Date.now()) / 1000))),
    };
    if (!result.success) {
      const retryAfter = String(Math.max(1, Math.ceil((result.reset - Date.now()) / 1000)));
      throw new HttpError(
        429,
        'RATE_LIMITED',
        `tenant ${tenant} is over ${config.rate.events} events per ${config.rate.windowS} s`,
        {
          ...headers,
          'retry-after': retryAfter,
        },
      );
    }
    return headers;
  };
}

/** The intake app against real services; `countRequest` counts answered requests by outcome (local /metrics). */
export function createIntakeRuntime(config: ApiConfig, countRequest?: IntakeAppDeps['countRequest']): Hono {
  const sqs = sqsClient({ region: config.region, endpoint: config.sqsEndpoint });
  const send = (envelopes: Parameters<typeof enqueue>[2]) => enqueue(sqs, config.queueUrl, [...envelopes]);
  const j = config.journal;
  const journal =
    j &&
    new DynamoDbWriteJournal({
      client: dynamoClient({ region: config.region, endpoint: j.dynamoEndpoint }),
      tableName: j.tableName,
    });
  return createIntakeApp({
    verify: createVerifier(config.jwt),
    rateLimit: eventRateLimit(config),
    send: journal ? journaledSend(send, journal, jsonLog) : send,
    limits: config.limits,
    log: jsonLog,
    countRequest,
  });
}
