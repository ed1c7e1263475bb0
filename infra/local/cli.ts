/**
 * Entry of `npm start` and `npm test`.
 *
 *   tsx infra/local/cli.ts start   the whole system on fixed ports, one summary, Ctrl-C stops it
 *   tsx infra/local/cli.ts test    lint, typecheck, policy checks and every vitest suite (the integration
 *                                  suite starts its own twin on free ports); non-zero on any failure
 *   tsx infra/local/cli.ts install install/build everything the twin needs, start nothing
 */
import { TwinError } from './errors.js';
import { runStart } from './supervisor.js';
import { runTestSteps } from './test-steps.js';
import { installTwin } from './twin.js';

const command = process.argv[2];

try {
  if (command === 'start') {
    await runStart();
  } else if (command === 'test') {
    process.exitCode = await runTestSteps(process.argv.slice(3));
  } else if (command === 'install') {
    await installTwin((l) => console.log(l));
  } else {
    console.error('usage: tsx infra/local/cli.ts start|test|install');
    process.exitCode = 2;
  }
} catch (err) {
  console.error(err instanceof TwinError ? `\n${err.message}` : err);
  process.exitCode = 1;
}
