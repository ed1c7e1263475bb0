/**
 * Replays journaled review decisions and undos (the adjudication API's `decideReviews` and `undoDecision`) into a
 * restored graph. A decision is made again under the decision id, merge id and time it was acknowledged with, unless
 * the candidate already holds a decision of that id; an undo runs unless that decision is already undone. Either one
 * leaves the candidate's status, decision and merge id as the acknowledged call left them, and marks the decision
 * audited when the ledger holds its entry — so a replayed candidate reads exactly as before the loss, and a second
 * replay changes nothing. A claim (or release) is made again for its reviewer at its time, unless the candidate's
 * assignee is already as it left it. A re-cluster's review closes and opens run again with the values they were
 * written with.
 */
import type { Driver, ManagedTransaction } from 'neo4j-driver';
import { z } from 'zod';
import { closeReviewCypher, upsertReclusterReviewCypher } from '../er/cypher.js';
import { reclusterReviewParams } from '../er/recluster.js';
import { reviewDetailCypher } from '../er/review/cypher.js';
import { claimReviewTx, decideReviewTx, undoReviewTx } from '../er/review/decide.js';
import { reviewDecisions } from '../er/review/types.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../graph/errors.js';
import type { Props } from '../graph/model.js';
import type { WriteGuard } from '../graph/types.js';
import type { JournaledClaim, JournaledDecision, JournaledUndo } from './types.js';

/** Review decisions and undos whose ledger entries exist (by decision id): replay marks them audited. */
export interface AuditedReviews {
  decisions: ReadonlySet<string>;
  undos: ReadonlySet<string>;
}

export type ReplayOutcome = 'applied' | 'already' | 'refused';

const id = z.string().min(1).max(200);
const at = z.int().positive();
const decisionSchema = z.object({
  reviewId: id,
  decisionId: id,
  decision: z.enum(reviewDecisions),
  reason: z.string().max(500),
  reviewer: z.object({ subject: id, sessionId: z.string().nullable(), stepUpChallengeId: z.string().nullable() }),
  mergeId: id.nullable(),
  at,
}) satisfies z.ZodType<JournaledDecision>;
const undoSchema = z.object({ reviewId: id, decisionId: id, actor: id, at }) satisfies z.ZodType<JournaledUndo>;
const claimSchema = z.object({
  reviewId: id,
  reviewer: id,
  release: z.boolean(),
  at,
}) satisfies z.ZodType<JournaledClaim>;
const closeSchema = z.object({ id, status: z.enum(['MERGED', 'SUPERSEDED']), actor: id, modelVersion: id, at });
const openSchema = z.object({
  id,
  entityId: id,
  candidateId: id,
  score: z.number().min(0).max(1),
  explanation: z.string(),
  modelVersion: id,
  at,
});

/** The policy decided the write when it was accepted; replay neither hides nor refuses anything again. */
const decided: WriteGuard = { visible: () => true, authorize: () => undefined };

/** Runs `work` in one write transaction (the "already applied?" check and the write commit together). */
export async function inWriteTx<T>(driver: Driver, work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
  const session = driver.session();
  try {
    return await session.executeWrite(work);
  } finally {
    await session.close();
  }
}

/** What the restored graph refuses a write with: its state (CONFLICT) or a missing node (NOT_FOUND). */
export const graphRefusals = [ConflictError, NotFoundError] as const;
/** Review entries are also refused when the journaled input does not parse (INVALID_INPUT). */
const reviewRefusals = [...graphRefusals, InvalidInputError] as const;

/**
 * Runs one replayed write; an error of one of `refusals` makes it `refused` (a replay goes on past it), any other
 * error is thrown.
 */
export async function refusedOn<T>(
  refusals: readonly (abstract new (...args: never[]) => Error)[],
  work: () => Promise<T>,
): Promise<T | 'refused'> {
  try {
    return await work();
  } catch (err) {
    if (refusals.some((kind) => err instanceof kind)) return 'refused';
    throw err;
  }
}

/** The candidate's decision of `decisionId`, or null; NOT_FOUND when the candidate is not in the graph. */
async function decisionOf(tx: ManagedTransaction, tenant: string, reviewId: string, decisionId: string) {
  const row = (await tx.run(reviewDetailCypher.cypher, { tenant, id: reviewId })).records[0];
  if (!row) throw new NotFoundError('review', reviewId);
  return (row.get('decisions') as Props[]).find((d) => String(d.id) === decisionId) ?? null;
}

function parsed<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new InvalidInputError(`journal entry: ${z.prettifyError(result.error)}`);
  return result.data;
}

/**
 * Replays one journaled review decision (`decideReview`) or undo (`undoReviewDecision`). A candidate the restored
 * graph lacks, or whose state refuses the write (settled by a re-cluster, another decision in force), is `refused`.
 */
export async function replayReviewWrite(
  driver: Driver,
  tenant: string,
  operation: 'decideReview' | 'undoReviewDecision',
  input: Record<string, unknown>,
  audited: AuditedReviews,
): Promise<ReplayOutcome> {
  return refusedOn(reviewRefusals, async () => {
    if (operation === 'decideReview') {
      const d = parsed(decisionSchema, input);
      return await inWriteTx(driver, async (tx) => {
        if (await decisionOf(tx, tenant, d.reviewId, d.decisionId)) return 'already';
        const pinned = {
          decisionId: d.decisionId,
          mergeId: d.mergeId,
          at: d.at,
          audited: audited.decisions.has(d.decisionId),
          replay: true as const,
        };
        await decideReviewTx(tx, tenant, d.reviewId, d, decided, pinned);
        return 'applied';
      });
    }
    const u = parsed(undoSchema, input);
    return await inWriteTx(driver, async (tx) => {
      const found = await decisionOf(tx, tenant, u.reviewId, u.decisionId);
      if (!found) throw new NotFoundError('review decision', u.decisionId);
      if (found.undoneAt != null) return 'already';
      const reviewer = { subject: u.actor, sessionId: null, stepUpChallengeId: null };
      const audit = audited.undos.has(u.decisionId);
      const pinned = { decisionId: u.decisionId, mergeId: null, at: u.at, audited: audit, replay: true as const };
      await undoReviewTx(tx, tenant, u.reviewId, reviewer, decided, pinned);
      return 'applied';
    });
  });
}

/**
 * Replays a re-cluster's review close or open. Both are idempotent writes (a close matches only an OPEN candidate, an
 * open MERGEs by id): `already` when the graph held the outcome, so nothing was written.
 */
export async function replayReclusterReview(
  driver: Driver,
  tenant: string,
  operation: 'closeReclusterReview' | 'openReclusterReview',
  input: Record<string, unknown>,
): Promise<ReplayOutcome> {
  const close = operation === 'closeReclusterReview';
  const schema = close ? closeSchema : openSchema;
  const checked = schema.safeParse(input);
  if (!checked.success) return 'refused';
  const cypher = close ? closeReviewCypher.cypher : upsertReclusterReviewCypher.cypher;
  const result = await inWriteTx(driver, (tx) => tx.run(cypher, reclusterReviewParams(tenant, checked.data)));
  return result.summary.counters.containsUpdates() ? 'applied' : 'already';
}

/**
 * Replays a review claim or release: the assignee set as the acknowledged call set it, stamped with its time;
 * `already` when the candidate holds that assignee; `refused` when the candidate is gone, decided, or another holds it.
 */
export async function replayClaim(
  driver: Driver,
  tenant: string,
  input: Record<string, unknown>,
): Promise<ReplayOutcome> {
  return refusedOn(reviewRefusals, async () => {
    const c = parsed(claimSchema, input);
    const reviewer = { subject: c.reviewer, sessionId: null, stepUpChallengeId: null };
    const change = await inWriteTx(driver, (tx) =>
      claimReviewTx(tx, tenant, c.reviewId, reviewer, decided, c.release, c.at),
    );
    return change.changed ? 'applied' : 'already';
  });
}
