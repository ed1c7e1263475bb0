/**
 * Group commit: callers submit one item each and get one result each, while the work runs on groups of items. Used to
 * apply several events in one Neo4j transaction — a commit costs far more than a statement (the synchronous
 * full-text indexes are refreshed once per commit; see evidence/perf/ingest-*.json), so N events per commit pay it
 * once instead of N times.
 *
 * No timer: the first item starts a group at once; items that arrive while `maxInFlight` groups run wait and leave
 * together in the next group (up to `maxBatch`). At low load a group is one item, so latency does not grow.
 */

export interface GroupCommitOptions {
  /** Items per group at most. */
  maxBatch: number;
  /** Groups running at once; more items wait for a free slot and are grouped meanwhile. */
  maxInFlight: number;
}

/**
 * Wraps `run` (one result per item, in order; throwing fails every item of the group) as a per-item function.
 *
 * @example
 * const apply = groupCommit((envs) => applyEvents(driver, envs), { maxBatch: 50, maxInFlight: 2 });
 * const outcome = await apply(envelope);
 */
export function groupCommit<I, O>(
  run: (items: I[]) => Promise<O[]>,
  options: GroupCommitOptions,
): (item: I) => Promise<O> {
  const maxBatch = Math.max(1, Math.trunc(options.maxBatch));
  const maxInFlight = Math.max(1, Math.trunc(options.maxInFlight));
  const waiting: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  let inFlight = 0;

  const pump = () => {
    while (inFlight < maxInFlight && waiting.length > 0) {
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

  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      // Items submitted in the same tick (a batch's events starting together) join one group.
      if (waiting.length === 1) queueMicrotask(pump);
      else if (waiting.length >= maxBatch) pump();
    });
}
