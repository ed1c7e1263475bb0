/**
 * The process tree from /proc (Linux): the one lookup of a process's descendants, for stopping a launcher's whole
 * tree (infra/local/process.ts) and reading a tree's CPU time (load/proc-cpu.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Every descendant process of `pid` (children first found, then theirs), from /proc; empty where /proc is absent. */
export function descendants(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const d of entries) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const c of children.get(queue.pop()!) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}
