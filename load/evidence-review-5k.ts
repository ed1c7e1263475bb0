/**
 * `npm run evidence:review-5k [-- --allow-dirty]`: runs the 5,000-candidate browser check of the review page
 * (functions/adjudication/queue-5k.browser.int.test.ts: the test twin, Chromium, every row loaded, 480 j/k presses
 * and 120 wheel steps after a baseline of 80 keys over the first 100 rows) and writes what the browser measured to evidence/er/review-5k-*.json: frame intervals
 * (requestAnimationFrame), long tasks (≥ 50 ms), keydowns slower than a frame (Event Timing), and the most rows the DOM
 * held. The machine is 2 shared cores: figures are noisy.
 */
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../infra/local/paths.js';
import { MissingReadingError, refuseDirtyTree, report, summarise, target } from './evidence.js';

const testFile = 'functions/adjudication/queue-5k.browser.int.test.ts';

interface Measured {
  longTasks: number[];
  slowKeys: number[];
  frames: number[];
  maxDomRows: number;
}
interface Printed {
  figures: Record<string, number>;
  samples: Measured;
  /** The same keys over the first 100 rows only, in the same run. */
  baseline: Measured;
}

refuseDirtyTree('evidence:review-5k', process.argv.includes('--allow-dirty'));
const run = spawnSync('npx', ['vitest', 'run', '--project', 'integration', testFile], {
  cwd: repoRoot,
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
  stdio: ['ignore', 'pipe', 'inherit'],
});
process.stdout.write(run.stdout);
const line = /queue-5k: (\{.*\})$/m.exec(run.stdout)?.[1];
if (run.status !== 0 || !line) throw new MissingReadingError(`${testFile} failed or printed no queue-5k line`);
const { figures, samples } = JSON.parse(line) as Printed;
if (samples.frames.length === 0) throw new MissingReadingError('no frame was measured');

const walkMs = figures.walkS! * 1000;
report({
  name: 'review-5k',
  area: 'er',
  command: 'npm run evidence:review-5k',
  params: {
    ...figures,
    browser: 'Debian chromium, headless, 1400×900, driven by playwright-core',
    machine: '2 cores shared with other sessions and their twins: noisy',
  },
  cases: {
    'frame-interval': summarise(samples.frames, walkMs),
    ...(samples.slowKeys.length ? { 'keydown-over-16ms': summarise(samples.slowKeys, walkMs) } : {}),
  },
  ratios: {
    'keydown median 5,000 loaded / 100 loaded': figures.keydownMedianMs! / figures.baselineKeydownMedianMs!,
  },
  targets: [
    target('longest main-thread task while walking and scrolling, ms', '<=', 200, figures.longestTaskMs!),
    target(
      'keydown median 5,000 loaded / 100 loaded',
      '<=',
      3,
      figures.keydownMedianMs! / figures.baselineKeydownMedianMs!,
    ),
    target('rows in the DOM at once (5,000 loaded)', '<=', 80, samples.maxDomRows),
  ],
  notes: [
    'long tasks are the PerformanceObserver longtask entries (tasks of 50 ms or more): none recorded means every task was shorter',
    'keydown-over-16ms: Event Timing entries of keydowns slower than a frame (input delay + handlers + next paint); absent when none was',
    'keydown medians count each keydown the browser did not report (under 16 ms) as 16 ms; the baseline is the same page with the first 100 rows loaded, walked with the same keys before the rest were loaded',
  ],
});
