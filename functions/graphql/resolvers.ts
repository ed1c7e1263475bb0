import { randomUUID } from 'node:crypto';
import type { EntityInput, LinkInput, NeighborsQuery, PathQuery, SearchQuery } from '../core/graph/types.js';
import type { OriginContext } from './context.js';
import { exportEntities } from './export.js';
import { journaled } from './journal.js';
import { nlq } from './nlq.js';
import { reclassifyEntity } from './reclassify.js';
import { reviewSubscriptions } from './review-events.js';
import { reviewResolvers } from './reviews.js';
import { DateTime, JSONScalar } from './scalars.js';
import { shown, visible } from './visibility.js';
import { guardedWrite } from './write-guard.js';

/** Ids reachable from `start` over `links` in either direction (breadth first, no recursion). */
function reachable(start: string, links: readonly { from: string; to: string }[]): Set<string> {
  const next = new Map<string, string[]>();
  const add = (a: string, b: string) => {
    const list = next.get(a);
    if (list) list.push(b);
    else next.set(a, [b]);
  };
  for (const { from, to } of links) {
    add(from, to);
    add(to, from);
  }
  const found = new Set([start]);
  const queue = [start];
  // An index instead of shift(): a hub's neighbourhood queues hundreds of ids.
  for (let i = 0; i < queue.length; i++) {
    for (const other of next.get(queue[i]!) ?? []) {
      if (!found.has(other)) {
        found.add(other);
        queue.push(other);
      }
    }
  }
  return found;
}

/**
 * Thin resolvers: each calls one repository method inside the caller's tenant and applies the caller's scope. Writes
 * run under the write guard (policy on role × current and new class, inside the transaction), show their results
 * through the same visibility filter as reads, and report what they touched (cache invalidation, bookmarks).
 */
export const resolvers = {
  DateTime,
  JSON: JSONScalar,
  Query: {
    async entity(_: unknown, args: { id: string }, ctx: OriginContext) {
      const e = await ctx.repo.getEntity(ctx.tenant, args.id, ctx.readOptions);
      return visible(ctx, e) ? e : null;
    },
    async neighbors(_: unknown, args: NeighborsQuery, ctx: OriginContext) {
      const n = await ctx.repo.neighbors(ctx.tenant, args, ctx.readOptions);
      if (!n || !visible(ctx, n.center)) return null;
      // Only what the centre reaches through visible entities: an entity reachable only through a hidden one would
      // reveal the hidden link (the same reason a path through a hidden entity is not shown).
      const seen = new Set(n.entities.filter((e) => visible(ctx, e)).map((e) => e.id));
      const links = n.relationships.filter(
        (r) => (r.from === n.center.id || seen.has(r.from)) && (r.to === n.center.id || seen.has(r.to)),
      );
      const ids = reachable(n.center.id, links);
      const entities = n.entities.filter((e) => ids.has(e.id));
      const relationships = links.filter((r) => ids.has(r.from) && ids.has(r.to));
      return { ...n, entities, relationships };
    },
    async search(_: unknown, args: SearchQuery, ctx: OriginContext) {
      const hits = await ctx.repo.search(ctx.tenant, args, ctx.readOptions);
      return hits.filter((h) => visible(ctx, h.entity));
    },
    async path(_: unknown, args: PathQuery, ctx: OriginContext) {
      const p = await ctx.repo.path(ctx.tenant, args, ctx.readOptions);
      // A path through an entity the caller may not see is not shown at all: showing it would reveal the hidden link.
      return p?.entities.every((e) => visible(ctx, e)) ? p : null;
    },
    exportEntities,
    ...reviewResolvers.Query,
    nlq,
  },
  Mutation: {
    async upsertEntity(_: unknown, args: { input: EntityInput }, ctx: OriginContext) {
      // The write's time goes into the intent, so a replayed entity carries the same createdAt and updatedAt.
      const at = Date.now();
      const { value } = await guardedWrite(ctx, (guard) =>
        journaled(ctx, 'upsertEntity', { ...args.input, at }, () =>
          ctx.repo.upsertEntity(ctx.tenant, args.input, guard, at),
        ),
      );
      return shown(ctx, value);
    },
    async linkEntities(_: unknown, args: { input: LinkInput }, ctx: OriginContext) {
      const pinned = { relId: randomUUID(), at: Date.now() };
      const { value } = await guardedWrite(ctx, (guard) =>
        journaled(ctx, 'linkEntities', { ...args.input, ...pinned }, () =>
          ctx.repo.linkEntities(ctx.tenant, args.input, guard, pinned),
        ),
      );
      return value;
    },
    async mergeEntity(
      _: unknown,
      args: { survivorId: string; mergedId: string; reason?: string | null },
      ctx: OriginContext,
    ) {
      // The merge id and time are chosen before the journaled intent, so a replay stamps the merge record the same.
      const { survivorId, mergedId, reason } = args;
      const input = { survivorId, mergedId, reason, actor: ctx.subject, at: Date.now(), mergeId: randomUUID() };
      const { value } = await guardedWrite(ctx, (guard) =>
        journaled(ctx, 'mergeEntity', input, () => ctx.repo.mergeEntity(ctx.tenant, input, guard)),
      );
      return { ...value, survivor: shown(ctx, value.survivor) };
    },
    async unmergeEntity(_: unknown, args: { mergeId: string }, ctx: OriginContext) {
      const input = { mergeId: args.mergeId, actor: ctx.subject, at: Date.now() };
      const { value } = await guardedWrite(ctx, (guard) =>
        journaled(ctx, 'unmergeEntity', input, () => ctx.repo.unmergeEntity(ctx.tenant, input, guard)),
      );
      return { ...value, restored: value.restored.filter((e) => visible(ctx, e)) };
    },
    reclassifyEntity,
    ...reviewResolvers.Mutation,
  },
  Subscription: reviewSubscriptions,
  ReviewCandidate: reviewResolvers.ReviewCandidate,
};
