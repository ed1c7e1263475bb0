/**
 * The Neo4j adapter of the review-queue port: the queue page and its count, one candidate's detail, and the
 * decisions (decide.ts) each in its own write transaction. Reads run in READ sessions.
 */

import neo4j, { type Driver, type ManagedTransaction } from 'neo4j-driver';
import { z } from 'zod';
import { InvalidInputError } from '../../graph/errors.js';
import { epochMs, int, type Props, toNumber } from '../../graph/model.js';
import { nameTokens } from '../../graph/name-tokens.js';
import { entityKinds, type WriteGuard, type WriteResult } from '../../graph/types.js';
import { idSchema, parseInput, parseTenant } from '../../graph/validation.js';
import {
  markDecisionAuditedCypher,
  reviewBacklogCypher,
  reviewBacklogTenantsCypher,
  reviewDetailCypher,
  reviewQueueCountCypher,
  reviewQueuePageCypher,
} from './cypher.js';
import { claimReviewTx, decideReviewTx, undoReviewTx } from './decide.js';
import { toReviewDetail, toReviewItem } from './mapping.js';
import {
  type ReviewChange,
  type ReviewDecisionKind,
  type ReviewDetail,
  type Reviewer,
  type ReviewItem,
  type ReviewOrder,
  type ReviewQueuePage,
  type ReviewQueueQuery,
  type ReviewStamp,
  type ReviewStore,
  reviewOrders,
  reviewStatuses,
} from './types.js';

/** Largest page of the queue. */
export const maxReviewPage = 100;
const maxTextTokens = 10;

const filterSchema = z
  .object({
    statuses: z.array(z.enum(reviewStatuses)).min(1).max(reviewStatuses.length).nullish(),
    minProbability: z.number().min(0).max(1).nullish(),
    maxProbability: z.number().min(0).max(1).nullish(),
    kinds: z.array(z.enum(entityKinds)).min(1).max(entityKinds.length).nullish(),
    sourceSystem: z.string().min(1).max(100).nullish(),
    minAgeS: z.number().int().min(0).nullish(),
    maxAgeS: z.number().int().min(0).nullish(),
    assignee: z.string().min(1).max(200).nullish(),
    unassigned: z.boolean().nullish(),
    text: z.string().max(200).nullish(),
  })
  .nullish();

/** The cursor is the last row's sort value (creation time or probability, by the order) and id, opaque to clients. */
const cursorSchema = z.tuple([z.number(), idSchema]);
const encodeCursor = (key: number, id: string) => Buffer.from(JSON.stringify([key, id])).toString('base64url');
function decodeCursor(after: string | null | undefined): [number, string] | null {
  if (!after) return null;
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(after, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidInputError('invalid cursor: pass endCursor of a previous page unchanged');
  }
}

/**
 * Candidates the total looks at, at most: below it the total is exact, at it the total is a lower bound
 * (`totalCountExact: false`, shown as "≥ N"). 1,000 is more than a reviewer can work through in a sitting and bounds a
 * first page's count to about as much work as 40 pages of rows.
 */
export const reviewCountCap = 1_000;
const maxEpochMs = 8_640_000_000_000_000;

/** The queue's Cypher parameters from a query (validated; ages become creation-time bounds, the cursor a range bound). */
function queueParams(tenant: string, q: ReviewQueueQuery, now: number) {
  const f = parseInput(filterSchema, q.filter, 'review filter') ?? {};
  const first = q.first ?? 25;
  if (!Number.isInteger(first) || first < 1 || first > maxReviewPage) {
    throw new InvalidInputError(`first must be between 1 and ${maxReviewPage}`);
  }
  const order = parseInput(z.enum(reviewOrders), q.orderBy ?? 'OLDEST', 'review order');
  const text = f.text ? nameTokens([f.text]).slice(0, maxTextTokens) : [];
  return {
    first,
    order,
    cursor: decodeCursor(q.after),
    params: {
      tenant: parseTenant(tenant),
      statuses: [...new Set(f.statuses ?? ['OPEN'])],
      minScore: f.minProbability ?? 0,
      maxScore: f.maxProbability ?? 1,
      createdFrom: f.maxAgeS == null ? int(0) : epochMs(now - f.maxAgeS * 1000),
      createdTo: f.minAgeS == null ? int(maxEpochMs) : epochMs(now - f.minAgeS * 1000),
      assignee: f.assignee ?? null,
      unassigned: f.unassigned ?? false,
      dataClasses: [...q.dataClasses],
      now: epochMs(now),
      kinds: f.kinds ?? null,
      // Sources are stored as JSON text; the system's own key/value pair is an exact match of one source's system.
      sourceNeedle: f.sourceSystem ? `"system":${JSON.stringify(f.sourceSystem)}` : null,
      text: text.length > 0 ? text : null,
    },
  };
}

type QueueParams = ReturnType<typeof queueParams>['params'];

/** The parameters of one scan after `cursor`: the sort property's range bound moved up to it (the index seeks there). */
function scanParams(p: QueueParams, order: ReviewOrder, cursor: [number, string] | null, scan: number) {
  const out = { ...p, afterKey: cursor?.[0] ?? null, afterId: cursor?.[1] ?? null, scan: int(scan) };
  if (!cursor) return out;
  const [key] = cursor;
  switch (order) {
    case 'OLDEST':
      return { ...out, createdFrom: int(Math.max(toNumber(p.createdFrom), key)) };
    case 'NEWEST':
      return { ...out, createdTo: int(Math.min(toNumber(p.createdTo), key)) };
    case 'PROBABILITY_ASC':
      return { ...out, minScore: Math.max(p.minScore, key) };
    case 'PROBABILITY_DESC':
      return { ...out, maxScore: Math.min(p.maxScore, key) };
  }
}

/** ReviewStore over Neo4j. One short-lived session per call. */
export class Neo4jReviewStore implements ReviewStore {
  constructor(
    private readonly driver: Driver,
    private readonly options: { database?: string; clock?: () => number } = {},
  ) {}

  private async read<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    const session = this.driver.session({ defaultAccessMode: neo4j.session.READ, database: this.options.database });
    try {
      return await session.executeRead(work);
    } finally {
      await session.close();
    }
  }

  private async write<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<{ value: T; bookmarks: string[] }> {
    const session = this.driver.session({ defaultAccessMode: neo4j.session.WRITE, database: this.options.database });
    try {
      const value = await session.executeWrite(work);
      return { value, bookmarks: session.lastBookmarks() };
    } finally {
      await session.close();
    }
  }

  /**
   * A page: candidates are read in order from the index in scans of a few pages' worth, and each scan's entities
   * checked; a scan that leaves the page short (rows the caller may not see, or entity-level filters) is followed by
   * the next from its last row. The total is capped ({@link reviewCountCap}).
   */
  async queue(tenant: string, query: ReviewQueueQuery): Promise<ReviewQueuePage> {
    const { first, order, cursor, params } = queueParams(tenant, query, (this.options.clock ?? Date.now)());
    const scan = Math.max(2 * (first + 1), 20);
    const template = reviewQueuePageCypher[order];
    return this.read(async (tx) => {
      const items: { item: ReviewItem; key: number }[] = [];
      let from = cursor;
      for (;;) {
        const rows = (await tx.run(template.cypher, scanParams(params, order, from, scan))).records;
        for (const r of rows) {
          if (r.get('visible') === true && items.length <= first) {
            items.push({
              item: toReviewItem(r.get('review') as Props, r.get('entity'), r.get('candidate')),
              key: toNumber(r.get('sortKey')),
            });
          }
        }
        const last = rows.at(-1);
        if (items.length > first || rows.length < scan || !last) break;
        from = [toNumber(last.get('sortKey')), String(last.get('id'))];
      }
      const counted = (await tx.run(reviewQueueCountCypher.cypher, { ...params, cap: int(reviewCountCap) })).records[0];
      const examined = toNumber(counted?.get('examined') ?? 0);
      const page = items.slice(0, first);
      const end = page.at(-1);
      return {
        items: page.map((p) => p.item),
        totalCount: toNumber(counted?.get('total') ?? 0),
        totalCountExact: examined < reviewCountCap,
        endCursor: end ? encodeCursor(end.key, end.item.id) : null,
        hasNextPage: items.length > first,
      };
    });
  }

  async detail(tenant: string, id: string, dataClasses: readonly string[]): Promise<ReviewDetail | null> {
    const params = { tenant: parseTenant(tenant), id: parseInput(idSchema, id, 'review id') };
    const row = await this.read(async (tx) => (await tx.run(reviewDetailCypher.cypher, params)).records[0]);
    if (!row) return null;
    const detail = toReviewDetail(row.toObject() as Parameters<typeof toReviewDetail>[0]);
    // Hidden as a whole when either side is gone or outside the caller's scope, exactly like a missing candidate.
    const seen = (e: ReviewDetail['entity']) => !!e && dataClasses.includes(e.dataClass);
    return seen(detail.entity) && seen(detail.candidate) ? detail : null;
  }

  async claim(tenant: string, id: string, reviewer: Reviewer, guard: WriteGuard, release: boolean, at?: number) {
    const t = parseTenant(tenant);
    const reviewId = parseInput(idSchema, id, 'review id');
    return (await this.write((tx) => claimReviewTx(tx, t, reviewId, reviewer, guard, release, at))).value;
  }

  async decide(
    tenant: string,
    id: string,
    input: { decision: ReviewDecisionKind; reason: string; reviewer: Reviewer },
    guard: WriteGuard,
    stamp?: ReviewStamp,
  ): Promise<WriteResult<ReviewChange>> {
    const t = parseTenant(tenant);
    const reviewId = parseInput(idSchema, id, 'review id');
    const { value, bookmarks } = await this.write((tx) => decideReviewTx(tx, t, reviewId, input, guard, stamp));
    return { value: value.change, touched: value.touched, bookmarks };
  }

  async undo(
    tenant: string,
    id: string,
    reviewer: Reviewer,
    guard: WriteGuard,
    stamp?: ReviewStamp,
  ): Promise<WriteResult<ReviewChange>> {
    const t = parseTenant(tenant);
    const reviewId = parseInput(idSchema, id, 'review id');
    const { value, bookmarks } = await this.write((tx) => undoReviewTx(tx, t, reviewId, reviewer, guard, stamp));
    return { value: value.change, touched: value.touched, bookmarks };
  }

  async markAudited(tenant: string, decisionId: string, field: 'audited' | 'undoAudited'): Promise<void> {
    const t = parseTenant(tenant);
    await this.write((tx) => tx.run(markDecisionAuditedCypher.cypher, { tenant: t, id: decisionId, field }));
  }

  async backlog(tenant: string) {
    const t = parseTenant(tenant);
    const row = await this.read(async (tx) => (await tx.run(reviewBacklogCypher.cypher, { tenant: t })).records[0]);
    const oldest = row?.get('oldestCreatedAt');
    return {
      open: toNumber(row?.get('open') ?? 0),
      oldestCreatedAt: oldest == null ? null : new Date(toNumber(oldest)).toISOString(),
    };
  }

  /** Every tenant with an open or deferred candidate (the scheduled backlog metrics read each one's backlog). */
  async backlogTenants(): Promise<string[]> {
    const rows = await this.read(async (tx) => (await tx.run(reviewBacklogTenantsCypher.cypher)).records);
    return rows.map((r) => String(r.get('tenant')));
  }
}
