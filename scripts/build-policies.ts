/**
 * `npm run policy:build [-- --force]`: fmt, strict check and wasm build of policies/ into policies/dist
 * (infra/local/policies/build.ts); a no-op when nothing changed since the last build.
 */
import { relative } from 'node:path';
import { buildPolicies } from '../infra/local/policies/build.js';

try {
  const result = await buildPolicies({ force: process.argv.includes('--force') });
  const where = relative(process.cwd(), result.outDir) || '.';
  console.log(
    `policies ${result.skipped ? 'up to date' : 'built'}: revision ${result.revision.slice(0, 12)} in ${where} (${result.ms} ms)`,
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
