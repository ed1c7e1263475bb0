/**
 * The intake API as a web-standard Hono app (`Request → Response`), shared by the Lambda handler (api.ts) and the
 * local Node server (server.ts).
 *
 * Why its own function and not a route on the edge: producers are services with their own JWT role (`producer`) and
 * bodies of up to 1 MiB, where the edge caps GraphQL bodies at 16 KiB; the intake needs `sqs:SendMessage`, which the
 * edge (Lambda@Edge, replicated to every region) must not hold; and ingest bursts must not share a rate limit or
 * concurrency pool with interactive reads.
 *
 * POST /intake `{events: [{idempotencyKey, record}]}` → 202 `{accepted: [{index, idempotencyKey, eventId}],
 * rejected: [{index, idempotencyKey, status, code, message, issues?}]}`; 400 when the body is not that shape or no
 * event is valid, 503 with Retry-After when the queue accepted none of them, 401 without a valid JWT, 403 without the producer role, 413 over the size limit, 429 over the
 * tenant's event rate.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Verify } from '../core/auth/index.js';
import { type Envelope, intakeEventSchema } from '../core/er/schemas.js';
import {
  errorResponse,
  HttpError,
  parseJsonRequest,
  readCappedText,
  requireJsonMediaType,
} from '../core/http/index.js';
import { type Outcome, outcomeOf } from '../core/metrics/names.js';
import { traceRequests } from '../core/telemetry/http-span.js';
import type { EnqueueResult } from './enqueue.js';
import { toEnvelope } from './enqueue.js';

export interface IntakeAppDeps {
  verify: Verify;
  /** Consumes `events` from the tenant's budget; throws HttpError 429 when over. Returns rate-limit headers. */
  rateLimit(tenant: string, events: number): Promise<Record<string, string>>;
  send(envelopes: Envelope[]): Promise<EnqueueResult[]>;
  limits: { maxBodyBytes: number; maxEvents: number };
  /** Role a token needs in its `roles` claim. @default 'producer' */
  requiredRole?: string;
  log?: (entry: Record<string, unknown>) => void;
  /** Counts every answered POST /intake by outcome (the ingest availability SLO's `graphgate_intake_requests_total`). */
  countRequest?: (outcome: Outcome) => void;
}

interface Rejection {
  index: number;
  idempotencyKey: string | null;
  /** 400: fix the event; 503: the queue did not take it, resend with the same key. */
  status: 400 | 503;
  code: 'INVALID_EVENT' | 'DUPLICATE_KEY_CONFLICT' | 'ENQUEUE_FAILED';
  message: string;
  issues?: { path: string; message: string }[];
}

/** Seconds a producer waits before resending events the queue did not take. */
const retryAfterS = 2;

/** A full batch of typical events is ~15k values; the depth limit is what keeps zod and JSON.stringify on the stack. */
const jsonLimits = { maxDepth: 32, maxNodes: 250_000 };

const bodySchema = (maxEvents: number) => z.object({ events: z.array(z.unknown()).min(1).max(maxEvents) });

const issuesOf = (error: z.ZodError) =>
  error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), message: i.message }));

/** Validates each event; the same key twice in one request is one event if the records agree, else a conflict. */
function validate(events: unknown[], rejected: Rejection[]) {
  const valid: { index: number; event: z.output<typeof intakeEventSchema>; first: number }[] = [];
  const byKey = new Map<string, { json: string; index: number }>();
  events.forEach((raw, index) => {
    const key = (raw as { idempotencyKey?: unknown })?.idempotencyKey;
    const idempotencyKey = typeof key === 'string' ? key : null;
    const parsed = intakeEventSchema.safeParse(raw);
    if (!parsed.success) {
      rejected.push({
        index,
        idempotencyKey,
        status: 400,
        code: 'INVALID_EVENT',
        message: 'event failed validation',
        issues: issuesOf(parsed.error),
      });
      return;
    }
    const json = JSON.stringify(parsed.data.record);
    const seen = byKey.get(parsed.data.idempotencyKey);
    if (seen && seen.json !== json) {
      rejected.push({
        index,
        idempotencyKey,
        status: 400,
        code: 'DUPLICATE_KEY_CONFLICT',
        message: `idempotency key also used by event ${seen.index} with a different record`,
      });
      return;
    }
    if (!seen) byKey.set(parsed.data.idempotencyKey, { json, index });
    valid.push({ index, event: parsed.data, first: seen?.index ?? index });
  });
  return valid;
}

/** Builds the intake app. */
export function createIntakeApp(deps: IntakeAppDeps): Hono {
  const app = new Hono();
  const role = deps.requiredRole ?? 'producer';
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.use('/intake', async (c, next) => {
    await next();
    deps.countRequest?.(outcomeOf(c.res.status));
  });
  app.use('/intake', traceRequests());
  app.post('/intake', async (c) => {
    const identity = await deps.verify(c.req.header('authorization'));
    // An exact match in a list of strings the verifier has typed; never a substring of an unchecked claim.
    if (!identity.attributes.roles.includes(role))
      throw new HttpError(403, 'FORBIDDEN', `the token needs the ${role} role to submit events`);
    requireJsonMediaType(c.req.raw.headers, 'the events');
    const max = deps.limits.maxBodyBytes;
    const text = await readCappedText(
      c.req.raw,
      max,
      `request body exceeds ${max} bytes; send fewer events per request`,
    );
    const json = parseJsonRequest(text, { limits: jsonLimits });
    const body = bodySchema(deps.limits.maxEvents).safeParse(json);
    if (!body.success) {
      throw new HttpError(
        400,
        'BAD_REQUEST',
        `body must be {"events": [1..${deps.limits.maxEvents} events]}`,
        {},
        issuesOf(body.error),
      );
    }
    const rejected: Rejection[] = [];
    const valid = validate(body.data.events, rejected);
    if (valid.length === 0) {
      return c.json(
        { code: 'INVALID_EVENT', message: 'no event in the request is valid', accepted: [], rejected },
        400,
      );
    }
    const unique = valid.filter((v) => v.first === v.index);
    const headers = await deps.rateLimit(identity.tenant, unique.length);
    const now = Date.now();
    const envelopes = unique.map((v) => toEnvelope(identity.tenant, identity.subject, v.event, now));
    const results = await deps.send(envelopes);
    const failedFirst = new Map<number, EnqueueResult>();
    unique.forEach((v, i) => {
      if (results[i]) failedFirst.set(v.index, results[i]);
    });
    const accepted: { index: number; idempotencyKey: string; eventId: string }[] = [];
    for (const v of valid) {
      const failure = failedFirst.get(v.first);
      const key = v.event.idempotencyKey;
      if (failure) rejected.push({ index: v.index, idempotencyKey: key, status: 503, ...failure });
      else
        accepted.push({
          index: v.index,
          idempotencyKey: key,
          eventId: toEnvelope(identity.tenant, '', v.event).eventId,
        });
    }
    rejected.sort((a, b) => a.index - b.index);
    for (const [k, v] of Object.entries(headers)) c.header(k, v);
    // The queue (or the journal) refused events: tell the producer when to resend them, with the same keys.
    if (rejected.some((r) => r.status === 503)) c.header('retry-after', String(retryAfterS));
    if (accepted.length === 0) {
      return c.json(
        {
          code: 'ENQUEUE_FAILED',
          message: 'no event was accepted; resend them with the same keys',
          accepted,
          rejected,
        },
        503,
      );
    }
    return c.json({ accepted, rejected }, 202);
  });
  app.notFound(() => errorResponse(new HttpError(404, 'NOT_FOUND', 'only POST /intake is served here')));
  app.onError((err) =>
    errorResponse(err, {
      log: deps.log,
      maskedMessage: 'Unexpected error; nothing was enqueued for the events not listed as accepted.',
    }),
  );
  return app;
}
