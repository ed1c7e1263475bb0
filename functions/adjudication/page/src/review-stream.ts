/**
 * The live review queue: `ReviewQueueChanged` as server-sent events through the edge (GraphQL over SSE, yoga's
 * distinct-connections mode), read with fetch (a POST with the bearer token, which EventSource cannot send) and parsed
 * by eventsource-parser. The stream reopens after the last event's cursor when it drops or reaches its lifetime
 * (15 minutes); when the origin will not replay what was missed (REPLAY_TOO_LONG) it reopens without a cursor and
 * says so, for the queue to be read afresh; where live updates cannot work (STREAMING_UNAVAILABLE from the Lambda@Edge
 * deployment, TOO_MANY_SUBSCRIPTIONS, POLICY_DENIED, an expired sign-in) it reports `off` with the reason.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { persistedBody } from './edge-client.js';
import { ReviewQueueChangedDocument, type ReviewQueueChangedSubscription } from './generated/graphql.js';

export type QueueEvent = ReviewQueueChangedSubscription['reviewQueueChanged'];

/** What the page tells the reviewer about live updates. */
export type LiveState =
  | { mode: 'connecting' }
  | { mode: 'live' }
  | { mode: 'reconnecting'; reason: string; retryInS: number }
  /** `retryInS`: when the stream is tried again (null: not in this page's life). */
  | { mode: 'off'; reason: string; retryInS: number | null };

export interface StreamHandlers {
  event(e: QueueEvent): void;
  state(s: LiveState): void;
  /**
   * The stream opened without a cursor: changes made before it opened are not coming, so the queue must be read
   * afresh. `replayRefused`: the origin would not replay a long gap, so every loaded row may be stale.
   */
  openedFresh(replayRefused: boolean): void;
}

export interface StreamOptions {
  token: () => string;
  /** @default '/graphql' (the page's own origin routes it to the edge) */
  endpoint?: string;
  /** Wait before reopening after the n-th failure in a row. @default 1 s doubling to 30 s */
  backoffMs?: (failures: number) => number;
  /** Wait before trying again after a refusal that can pass (TOO_MANY_SUBSCRIPTIONS: another tab closes). @default 60 s */
  offRetryMs?: number;
  fetch?: typeof fetch;
}

type Outcome =
  /** The origin completed the stream (its lifetime ended): reopen at once after the cursor. */
  | { kind: 'ended' }
  /** The connection or the server failed: reopen after a backoff. */
  | { kind: 'dropped'; reason: string }
  /** The cursor cannot be resumed: reopen without it. */
  | { kind: 'restart' }
  | { kind: 'off'; reason: string; retry: boolean };

interface GraphQLError {
  message: string;
  extensions?: { code?: string };
}

/** Refusals after which live updates stay off; `retry`: the reason can pass while the page is open. */
const offCodes: Record<string, boolean> = {
  STREAMING_UNAVAILABLE: false,
  REVIEW_EVENTS_UNAVAILABLE: false,
  REVIEWS_UNAVAILABLE: false,
  NOT_ACCEPTABLE: false,
  PERSISTED_QUERY_NOT_IN_LIST: false,
  POLICY_DENIED: false,
  TOO_MANY_SUBSCRIPTIONS: true,
};

function outcomeOf(error: GraphQLError | undefined, status: number): Outcome {
  const code = error?.extensions?.code ?? `HTTP_${status}`;
  const reason = `${code}: ${error?.message ?? 'the live stream was refused'}`;
  if (code === 'REPLAY_TOO_LONG' || code === 'INVALID_INPUT') return { kind: 'restart' };
  if (code in offCodes) return { kind: 'off', reason, retry: offCodes[code]! };
  if (status === 401 || status === 403) return { kind: 'off', reason: `${reason} (sign in again)`, retry: false };
  return { kind: 'dropped', reason };
}

const defaultBackoff = (failures: number) => Math.min(30_000, 1000 * 2 ** (failures - 1));

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Follows the caller's review-queue changes until the returned function is called. */
export function followReviewStream(options: StreamOptions, handlers: StreamHandlers): () => void {
  const stop = new AbortController();
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const backoff = options.backoffMs ?? defaultBackoff;
  let after: string | null = null;

  /** Reads one opened stream until it ends; every `next` event moves the cursor. */
  async function read(body: ReadableStream<Uint8Array>): Promise<Outcome> {
    let outcome: Outcome | null = null;
    const onEvent = (m: EventSourceMessage) => {
      if (outcome) return;
      if (m.event === 'complete') {
        outcome = { kind: 'ended' };
        return;
      }
      if (m.event !== 'next' || !m.data) return;
      const result = JSON.parse(m.data) as { data?: ReviewQueueChangedSubscription; errors?: GraphQLError[] };
      if (result.errors?.length || !result.data) {
        outcome = outcomeOf(result.errors?.[0], 200);
        return;
      }
      after = result.data.reviewQueueChanged.cursor;
      handlers.event(result.data.reviewQueueChanged);
    };
    const parser = createParser({ onEvent });
    const reader = body.getReader();
    const decoder = new TextDecoder();
    try {
      while (!outcome) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      return { kind: 'dropped', reason: 'the live stream broke off' };
    } finally {
      void reader.cancel().catch(() => undefined);
    }
    return outcome ?? { kind: 'dropped', reason: 'the live stream closed' };
  }

  /** Opens the stream (after the cursor, when there is one) and reads it to its end. */
  async function once(replayRefused: boolean): Promise<{ outcome: Outcome; opened: boolean }> {
    let res: Response;
    try {
      res = await doFetch(options.endpoint ?? '/graphql', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${options.token()}`,
          'content-type': 'application/json',
          accept: 'text/event-stream',
        },
        body: persistedBody(ReviewQueueChangedDocument, after ? { after } : {}),
        signal: stop.signal,
      });
    } catch {
      return { outcome: { kind: 'dropped', reason: 'the edge could not be reached' }, opened: false };
    }
    if (!res.ok || !res.body || !res.headers.get('content-type')?.startsWith('text/event-stream')) {
      const json = (await res.json().catch(() => ({}))) as { errors?: GraphQLError[]; code?: string; message?: string };
      const error =
        json.errors?.[0] ?? (json.code ? { message: json.message ?? '', extensions: { code: json.code } } : undefined);
      return { outcome: outcomeOf(error, res.status), opened: false };
    }
    handlers.state({ mode: 'live' });
    if (!after) handlers.openedFresh(replayRefused);
    return { outcome: await read(res.body), opened: true };
  }

  void (async () => {
    let failures = 0;
    let replayRefused = false;
    handlers.state({ mode: 'connecting' });
    while (!stop.signal.aborted) {
      const { outcome, opened } = await once(replayRefused);
      if (stop.signal.aborted) return;
      if (opened) [failures, replayRefused] = [0, false];
      if (outcome.kind === 'ended') continue;
      if (outcome.kind === 'restart' && after) {
        [after, replayRefused] = [null, true];
        continue;
      }
      if (outcome.kind === 'off') {
        const retryMs = outcome.retry ? (options.offRetryMs ?? 60_000) : null;
        handlers.state({ mode: 'off', reason: outcome.reason, retryInS: retryMs && Math.round(retryMs / 1000) });
        if (retryMs === null) return;
        await sleep(retryMs, stop.signal);
        continue;
      }
      // Dropped, or a restart refused without a cursor (nothing left to drop): wait, then try again.
      failures++;
      const wait = backoff(failures);
      const reason = outcome.kind === 'dropped' ? outcome.reason : 'the live stream was refused';
      handlers.state({ mode: 'reconnecting', reason, retryInS: Math.round(wait / 1000) });
      await sleep(wait, stop.signal);
    }
  })();
  return () => stop.abort();
}
