import { readdirSync, readFileSync } from 'node:fs';
import { descendants } from '../infra/local/proc-tree.js';

/** Linux reports process CPU in clock ticks; USER_HZ is 100 on every kernel Node supports. */
const TICK_MS = 10;

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
  let total: number;
  try {
    total = ownCpuMs(pid);
  } catch (err) {
    throw new Error(`process ${pid} is gone: no CPU reading`, { cause: err });
  }
  for (const p of descendants(pid)) {
    try {
      total += ownCpuMs(p);
    } catch {
      // a descendant that just exited
    }
  }
  return total;
}

/**
 * CPU time (ms) the JIT compiler threads of a JVM (and of any JVM among its descendants) have used so far: HotSpot names
 * them `C1 CompilerThreadN` and `C2 CompilerThreadN` (Linux keeps the first 15 characters). A JVM compiles its hot code
 * for minutes after it starts; this says how much of a run's CPU went to that rather than to the work. Throws when
 * `pid` is not a running process.
 */
export function jvmJitCpuMs(pid: number | undefined): number {
  if (pid === undefined) throw new Error('no pid to read JIT CPU time of');
  let total = 0;
  for (const p of [pid, ...descendants(pid)]) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch (err) {
      if (p === pid) throw new Error(`process ${pid} is gone: no JIT CPU reading`, { cause: err });
      continue; // a descendant that just exited
    }
    for (const task of tasks) {
      try {
        const stat = readFileSync(`/proc/${p}/task/${task}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        if (!/^C[12] CompilerThre/.test(name)) continue;
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        total += (Number(fields[11]) + Number(fields[12])) * TICK_MS;
      } catch {
        // a compiler thread that just ended (HotSpot adds and removes them with the compile queue)
      }
    }
  }
  return total;
}

/** Busy and total clock ticks of the whole machine so far (/proc/stat's first line; idle and iowait are not busy). */
function machineTicks(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - cpu[3]! - cpu[4]!, total };
}

/** A process to watch: its name in the output and its pid (descendants included). */
export interface CpuWatch {
  name: string;
  pid: number | undefined;
}

/** CPU over one window: each watched process's share of ONE core (%), and the machine's busy share of all cores (%). */
export interface CpuWindow {
  seconds: number;
  /** Per process, % of one core; null when the process could not be read at both ends (gone or never started). */
  processes: Record<string, number | null>;
  /** Every process on the machine, watched or not (other users of a shared machine included). */
  machineBusyPct: number;
  cores: number;
}

/**
 * Starts a CPU window over `watch` and the machine; `end()` reads it. Shows where a run's time went (which process
 * saturates the cores, how busy the shared machine was) beside its latencies.
 * @example const cpu = cpuWindow([{ name: 'neo4j', pid }]); await load(); console.log(cpu.end());
 */
export function cpuWindow(watch: readonly CpuWatch[]): { end(): CpuWindow } {
  const read = (pid: number | undefined) => {
    try {
      return treeCpuMs(pid);
    } catch {
      return undefined;
    }
  };
  const t0 = Date.now();
  const m0 = machineTicks();
  const start = watch.map((w) => read(w.pid));
  return {
    end() {
      const ms = Date.now() - t0;
      const m1 = machineTicks();
      const processes: Record<string, number | null> = {};
      watch.forEach((w, i) => {
        const a = start[i];
        const b = read(w.pid);
        processes[w.name] = a === undefined || b === undefined ? null : Math.round(((b - a) / ms) * 1000) / 10;
      });
      const cores = readFileSync('/proc/stat', 'utf8')
        .split('\n')
        .filter((l) => /^cpu\d+ /.test(l)).length;
      return {
        seconds: Math.round(ms / 100) / 10,
        processes,
        machineBusyPct: Math.round(((m1.busy - m0.busy) / Math.max(1, m1.total - m0.total)) * 1000) / 10,
        cores,
      };
    },
  };
}
