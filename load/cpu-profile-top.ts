/**
 * `tsx load/cpu-profile-top.ts <file.cpuprofile> [--top 25]`: the heaviest frames of a V8 CPU profile (as written by
 * `node --cpu-prof`, e.g. `npm run bench:edge -- --cpu-prof <dir>`), by self time and by package or source file, in
 * percent of the profiled (non-idle) time. What the "where the time goes" tables are read from.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' } },
});
const file = positionals[0];
if (!file) {
  console.error('usage: tsx load/cpu-profile-top.ts <file.cpuprofile> [--top N]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
for (const [i, id] of profile.samples.entries()) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));

/** Where a frame lives: the npm package, a repository file, or V8/Node internals. */
function place(url: string): string {
  if (!url) return '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return url;
  const repo = /\/(edge|functions|infra|load|scripts)\/(.*)$/.exec(url);
  return repo ? `${repo[1]}/${repo[2]}` : url;
}

const idle = new Set(['(idle)', '(program)', '(garbage collector)']);
let busyUs = 0;
const frames = new Map<string, number>();
const places = new Map<string, number>();
for (const [id, us] of selfUs) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const name = functionName || '(anonymous)';
  if (name === '(idle)') continue;
  busyUs += us;
  const where = idle.has(name) ? name : place(url);
  frames.set(`${name} ${where}:${lineNumber + 1}`, (frames.get(`${name} ${where}:${lineNumber + 1}`) ?? 0) + us);
  places.set(where, (places.get(where) ?? 0) + us);
}
const top = Number(values.top);
const pct = (us: number) => `${((100 * us) / busyUs).toFixed(1).padStart(5)}%`;
console.log(`${file}: ${(busyUs / 1000).toFixed(0)} ms busy`);
console.log('\nby package / file (self time):');
for (const [k, us] of [...places].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`);
console.log('\nby frame (self time):');
for (const [k, us] of [...frames].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`);
