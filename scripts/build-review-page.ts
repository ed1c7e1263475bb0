/** `npm run build:review [-- <outDir>]`: builds the adjudication page (default .run/review-dist); CDK synth calls it too. */
import { join } from 'node:path';
import { buildReviewPage } from '../functions/adjudication/build.js';
import { repoRoot } from '../infra/local/paths.js';

const outDir = process.argv[2] ?? join(repoRoot, '.run', 'review-dist');
await buildReviewPage(outDir);
console.log(`review page built into ${outDir}`);
