/**
 * Decisions and undos with optimistic rows: the rows change at once, the call runs (stepping up inline when the
 * origin asks), and whatever the origin did not do is rolled back with a message naming each id and why.
 */
import { type EdgeClient, type StepUpChallenge, StepUpRequired } from './edge-client.js';
import {
  ClaimReviewsDocument,
  DecideReviewsDocument,
  type ReviewDecision,
  type ReviewOutcomeCode,
  type ReviewStatus,
  UndoDecisionDocument,
} from './generated/graphql.js';
import type { Grant } from './stepup.js';

export const decisionStatus: Record<ReviewDecision, ReviewStatus> = {
  ACCEPT: 'ACCEPTED',
  REJECT: 'REJECTED',
  DEFER: 'DEFERRED',
};

export const defaultReason: Record<ReviewDecision, string> = {
  ACCEPT: 'Reviewer: the same entity',
  REJECT: 'Reviewer: not the same entity',
  DEFER: 'Reviewer: needs more information',
};

/** How a row shows while (and after) this page changed it. */
export interface RowOverride {
  status: ReviewStatus;
  pending: boolean;
}

export interface Outcome {
  id: string;
  outcome: ReviewOutcomeCode | 'FAILED';
  message: string | null;
}

export interface ActionDeps {
  client: EdgeClient;
  /** Resolves with a grant covering `challenge` (the inline ceremony), rejects when the reviewer cancels. */
  stepUp(challenge: StepUpChallenge): Promise<Grant>;
  /** The grant held now, if any and still valid. */
  grant(): Grant | null;
  setOverrides(update: (o: Map<string, RowOverride>) => Map<string, RowOverride>): void;
}

const ok = (o: Outcome) => o.outcome === 'DONE' || o.outcome === 'UNCHANGED';

/** Runs `call` with the held grant; on STEP_UP_REQUIRED steps up once and retries with the new grant. */
async function withStepUp<T>(deps: ActionDeps, call: (grant?: string) => Promise<T>): Promise<T> {
  try {
    return await call(deps.grant()?.token);
  } catch (err) {
    if (!(err instanceof StepUpRequired)) throw err;
    const grant = await deps.stepUp(err.challenge);
    return call(grant.token);
  }
}

function apply(deps: ActionDeps, ids: string[], status: (id: string) => ReviewStatus | null, pending: boolean) {
  deps.setOverrides((prev) => {
    const next = new Map(prev);
    for (const id of ids) {
      const s = status(id);
      if (s) next.set(id, { status: s, pending });
      else next.delete(id);
    }
    return next;
  });
}

/** Decides `ids` (one call, up to 100); returns every id's outcome. Rows the origin did not change roll back. */
export async function decide(
  deps: ActionDeps,
  ids: string[],
  decision: ReviewDecision,
  reason: string,
): Promise<Outcome[]> {
  apply(deps, ids, () => decisionStatus[decision], true);
  const outcomes: Outcome[] = [];
  try {
    for (let i = 0; i < ids.length; i += 100) {
      const chunk = ids.slice(i, i + 100);
      const data = await withStepUp(deps, (grant) =>
        deps.client.request(DecideReviewsDocument, { ids: chunk, decision, reason }, grant),
      );
      outcomes.push(...data.decideReviews.outcomes);
      const byId = new Map(data.decideReviews.outcomes.map((o) => [o.id, o]));
      apply(deps, chunk, (id) => (ok(byId.get(id)!) ? (byId.get(id)!.review?.status ?? null) : null), false);
    }
  } catch (err) {
    const done = new Set(outcomes.map((o) => o.id));
    const left = ids.filter((id) => !done.has(id));
    apply(deps, left, () => null, false);
    for (const id of left) outcomes.push({ id, outcome: 'FAILED', message: (err as Error).message });
  }
  return outcomes;
}

/**
 * Claims `ids` for the reviewer (release: gives them back), up to 100 a call; returns every id's outcome (CONFLICT when
 * another reviewer holds one). No optimistic row: the assignee shown is the one the origin answers with.
 */
export async function claim(deps: ActionDeps, ids: string[], release: boolean): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  try {
    for (let i = 0; i < ids.length; i += 100) {
      const data = await deps.client.request(ClaimReviewsDocument, { ids: ids.slice(i, i + 100), release });
      outcomes.push(...data.claimReviews.outcomes);
    }
  } catch (err) {
    const done = new Set(outcomes.map((o) => o.id));
    for (const id of ids.filter((x) => !done.has(x)))
      outcomes.push({ id, outcome: 'FAILED', message: (err as Error).message });
  }
  return outcomes;
}

/** Undoes the decision of each id in turn (unmerging accepts); rows it could not undo roll back. */
export async function undo(
  deps: ActionDeps,
  ids: string[],
  previous: (id: string) => ReviewStatus,
): Promise<Outcome[]> {
  apply(deps, ids, () => 'OPEN', true);
  const outcomes: Outcome[] = [];
  for (const id of ids) {
    try {
      const data = await withStepUp(deps, (grant) => deps.client.request(UndoDecisionDocument, { id }, grant));
      const o = data.undoDecision;
      outcomes.push(o);
      apply(deps, [id], () => (ok(o) ? (o.review?.status ?? 'OPEN') : previous(id)), false);
    } catch (err) {
      outcomes.push({ id, outcome: 'FAILED', message: (err as Error).message });
      apply(deps, [id], () => previous(id), false);
    }
  }
  return outcomes;
}

/**
 * One line a person can read about a batch: how many worked and, for the rest, which and why. An id the origin
 * refused (CONFLICT, POLICY_DENIED, …) is rolled back; one whose call failed (FAILED: timeout, outage) may still have
 * been written, so the line says it is unconfirmed and that retrying is safe (decisions are idempotent).
 */
export function summarise(verb: string, outcomes: Outcome[]): { text: string; failed: boolean } {
  const bad = outcomes.filter((o) => !ok(o));
  const good = outcomes.length - bad.length;
  if (bad.length === 0) return { text: `${verb} ${good} candidate${good === 1 ? '' : 's'}.`, failed: false };
  const list = (os: Outcome[]) => {
    const shown = os
      .slice(0, 5)
      .map((o) => `${o.id}: ${o.outcome}${o.message ? ` (${o.message})` : ''}`)
      .join('; ');
    return os.length > 5 ? `${shown}; and ${os.length - 5} more` : shown;
  };
  const refused = bad.filter((o) => o.outcome !== 'FAILED');
  const unconfirmed = bad.filter((o) => o.outcome === 'FAILED');
  const parts = [
    refused.length ? `Not done, rolled back: ${list(refused)}.` : '',
    unconfirmed.length
      ? `Not confirmed, shown as before until the queue refreshes (retrying is safe): ${list(unconfirmed)}.`
      : '',
  ].filter(Boolean);
  return { text: `${verb} ${good} of ${outcomes.length}. ${parts.join(' ')}`, failed: true };
}
