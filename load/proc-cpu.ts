import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports process CPU in clock ticks; USER_HZ is 100 on every kernel Node supports. */
const TICK_MS = 10;

function children(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/** User + system CPU of one process in ms, from /proc/<pid>/stat; throws when the process is gone. */
function ownCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/**
 * CPU time (ms) a process and all its descendants have used so far (a tsx launcher runs the app as its child).
 * Differences of two readings over a load round give CPU per request, which two shared cores do not distort the way
 * they distort throughput. Throws when `pid` is not a running process: a missing reading is never zero.
 */
export function treeCpuMs(pid: number | undefined): number {
  if (pid === undefined) throw new Error('no pid to read CPU time of');
  let total = 0;
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.pop()!;
    try {
      total += ownCpuMs(p);
    } catch (err) {
      if (p === pid) throw new Error(`process ${pid} is gone: no CPU reading`, { cause: err });
      continue; // a descendant that just exited
    }
    queue.push(...children(p));
  }
  return total;
}
