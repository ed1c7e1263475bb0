// Runs before `npm start` and `npm test` (plain Node, no dependencies): installs npm packages when node_modules is
// missing or older than package-lock.json, and checks that the machine's toolchains are there.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const lock = readFileSync('package-lock.json');
const want = createHash('sha256').update(lock).digest('hex');
const stamp = 'node_modules/.graphgate-lock-sha256';
const have = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : '';

if (have !== want) {
  console.log('[deps] installing npm packages (npm ci) …');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('[deps] npm ci failed (see above). Command: npm ci');
    process.exit(r.status ?? 1);
  }
  writeFileSync(stamp, `${want}\n`);
}

const tools = [
  ['java', ['-version'], 'Java 17 (the machine ships OpenJDK 17)'],
  ['mvn', ['-v'], 'Maven (the machine ships it)'],
  ['go', ['version'], 'Go (the machine ships it)'],
];
for (const [bin, args, what] of tools) {
  try {
    execFileSync(bin, args, { stdio: 'ignore' });
  } catch {
    console.error(`[deps] ${bin} not found: graphgate needs ${what} to build its local twin.`);
    process.exit(1);
  }
}
