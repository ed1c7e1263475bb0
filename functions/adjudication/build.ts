/**
 * Builds the adjudication page (React + Vite) into static assets under `/review/`: what `npm start` serves and what
 * CDK uploads behind CloudFront. The persisted ids of the review operations come from the manifest at build time,
 * like any client's. Vite is imported lazily: only local tooling and CDK synth build the page, never a Lambda.
 */
import { fileURLToPath } from 'node:url';
import { operationByName } from '../core/manifest/index.js';

/** Where the page lives in the distribution (CloudFront behaviour `/review/*`, S3 key prefix `review/`). */
export const reviewBasePath = '/review/';
export const pageRoot = fileURLToPath(new URL('./page/', import.meta.url));

/** The registered review operations the page may call. */
export const reviewOperations = [
  'ReviewQueue',
  'ReviewCandidate',
  'ClaimReviews',
  'DecideReviews',
  'UndoDecision',
  'ReviewQueueChanged',
];

/** Name → persisted id of every review operation (fails loudly when one is not registered). */
export function reviewOperationIds(): Record<string, string> {
  return Object.fromEntries(reviewOperations.map((n) => [n, operationByName(n).id]));
}

/** Builds the page into `outDir` (emptied first) and returns it. */
export async function buildReviewPage(outDir: string): Promise<string> {
  const [{ build }, { default: react }] = await Promise.all([import('vite'), import('@vitejs/plugin-react')]);
  await build({
    root: pageRoot,
    base: reviewBasePath,
    configFile: false,
    logLevel: 'warn',
    plugins: [react()],
    define: { __GG_OPERATION_IDS__: JSON.stringify(reviewOperationIds()) },
    build: { outDir, emptyOutDir: true, target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 1024 },
  });
  return outDir;
}
