/**
 * `npm run policy:test [-- <dir>]`: the Rego unit packs (`opa test -v`, infra/local/policies/opa-test.ts); exits
 * non-zero when a test fails.
 */
import { resolve } from 'node:path';
import { runOpaTests } from '../infra/local/policies/opa-test.js';

const result = await runOpaTests(process.argv[2] ? resolve(process.argv[2]) : undefined);
process.stdout.write(result.output);
if (!result.ok) {
  console.error(`opa test failed (${result.failed} failing)`);
  process.exit(1);
}
