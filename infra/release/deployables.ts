/**
 * What a release ships: every regional Lambda entry the CDK app deploys, the Lambda@Edge bundle, the policy wasm, the
 * persisted-operation manifest and the browser apps' static assets. A unit test checks this list against the stacks.
 */
import { EDGE_ENTRY } from '../cdk/stacks/edge-stack.js';
import { ingestEntries } from '../cdk/stacks/ingest-stack.js';

/** Regional functions: artefact folder → entry (and whether the policy bundle is packaged with it). */
export const functionEntries: Record<string, { entry: string; policies: boolean }> = {
  graphql: { entry: 'functions/graphql/handler.ts', policies: true },
  stepup: { entry: 'functions/stepup/handler.ts', policies: false },
  'er-intake-api': { entry: ingestEntries.intake, policies: false },
  'er-intake-consumer': { entry: ingestEntries.consumer, policies: false },
  'er-replay': { entry: ingestEntries.replay, policies: false },
  retention: { entry: 'functions/retention/handler.ts', policies: false },
};

export const edgeEntry = EDGE_ENTRY;

/** Browser apps: artefact path → entry. */
export const webEntries: Record<string, string> = {
  'web/stepup/client.js': 'functions/stepup/page/client.ts',
};

/** Generated schema files shipped as they are (the persisted-operation manifest and the client-facing list). */
export const schemaFiles = ['schema/manifest.json', 'schema/persisted-query-manifest.json'];
