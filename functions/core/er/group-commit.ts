/**
 * Group commit: callers submit one item each and get one result each, while the work runs on groups of items. Used to
 * apply several events in one Neo4j transaction — a commit costs far more than a statement (the synchronous
 * full-text indexes are refreshed once per commit; see evidence/perf/ingest-*.json), so N events per commit pay it
 * once instead of N times.
 *
 * No timer: with nothing announced, the first item starts a group at once; items that arrive while `maxInFlight` groups
 * run wait and leave together in the next group (up to `maxBatch`). At low load a group is one item.
 *
 * Announced items: a caller that will submit an item once some work of its own is done (an ER event's idempotency
 * claim) can say so first (`announce`). While announced items are still coming, a group that is not full waits for
 * them instead of leaving short: without it, the first of a batch's 50 events to finish its claim left alone in a
 * transaction of its own and the other 49 waited for it (half of all transactions held one event). The wait ends
 * when every announced item is submitted or withdrawn, or the group is full. Announcements are process-wide, so
 * announcers keep the work between announcing and submitting short and bounded (an idempotency claim; the ledger
 * chainer withdraws when it meets contention), withdraw on every failure, and never wait for a group themselves, so
 * it cannot deadlock.
 */

export interface GroupCommitOptions {
  /** Items per group at most. */
  maxBatch: number;
  /** Groups running at once; more items wait for a free slot and are grouped meanwhile. */
  maxInFlight: number;
}

/** An item on its way: submit it with {@link GroupCommit.submit}, or withdraw it if it will not come. */
export interface Announcement {
  withdraw(): void;
}

/** Submits one item and resolves to its result (see {@link groupCommit}). */
export interface GroupCommit<I, O> {
  (item: I): Promise<O>;
  /** Says an item will be submitted soon: groups that are not full wait for it. */
  announce(): Announcement;
  /** Submits the item an announcement promised (the announcement ends with it). */
  submit(item: I, announced: Announcement): Promise<O>;
}

/**
 * Wraps `run` (one result per item, in order; throwing fails every item of the group) as a per-item function.
 *
 * @example
 * const apply = groupCommit((envs) => applyEvents(driver, envs), { maxBatch: 50, maxInFlight: 2 });
 * const coming = apply.announce();
 * await claim(envelope).catch((err) => { coming.withdraw(); throw err; });
 * const outcome = await apply.submit(envelope, coming);
 */
export function groupCommit<I, O>(run: (items: I[]) => Promise<O[]>, options: GroupCommitOptions): GroupCommit<I, O> {
  const maxBatch = Math.max(1, Math.trunc(options.maxBatch));
  const maxInFlight = Math.max(1, Math.trunc(options.maxInFlight));
  const waiting: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  let inFlight = 0;
  /** Announced items not yet submitted nor withdrawn. */
  let coming = 0;

  const pump = () => {
    while (inFlight < maxInFlight && waiting.length > 0 && (coming === 0 || waiting.length >= maxBatch)) {
      const group = waiting.splice(0, maxBatch);
      inFlight++;
      run(group.map((w) => w.item))
        .then((out) => {
          if (out.length !== group.length) throw new Error(`group of ${group.length} returned ${out.length} results`);
          for (const [i, w] of group.entries()) w.resolve(out[i]!);
        })
        .catch((err: unknown) => {
          for (const w of group) w.reject(err);
        })
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  };

  const enqueue = (item: I) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      // Items submitted in the same tick (a batch's events starting together) join one group.
      if (waiting.length === 1) queueMicrotask(pump);
      else if (waiting.length >= maxBatch) pump();
    });

  const announced = new WeakSet<Announcement>();
  /** Ends an announcement once (submitted or withdrawn); true if it was still open. */
  const settle = (a: Announcement): boolean => {
    if (!announced.delete(a)) return false;
    coming--;
    return true;
  };

  const commit = (item: I) => enqueue(item);
  commit.announce = (): Announcement => {
    const a: Announcement = {
      withdraw() {
        if (settle(a)) queueMicrotask(pump);
      },
    };
    announced.add(a);
    coming++;
    return a;
  };
  commit.submit = (item: I, a: Announcement) => {
    const out = enqueue(item);
    // After the push: the last announced item to arrive lets the group leave with it in.
    if (settle(a)) queueMicrotask(pump);
    return out;
  };
  return commit;
}
