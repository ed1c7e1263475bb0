/**
 * What a release ships: every regional Lambda entry the CDK app deploys, the Lambda@Edge bundle, the policy wasm, the
 * persisted-operation manifest and the browser apps' static assets. A unit test checks this list against the stacks.
 */
/** Function entries of the ingest path (relative to the repository root); IngestStack deploys these. */
export const ingestEntries = {
  intake: 'functions/er-intake/api.ts',
  consumer: 'functions/er-intake/handler.ts',
  replay: 'functions/er-replay/handler.ts',
  backlog: 'functions/er-intake/backlog-handler.ts',
};

/** Regional functions: artefact folder → entry (and whether the policy bundle is packaged with it). */
export const functionEntries: Record<string, { entry: string; policies: boolean }> = {
  graphql: { entry: 'functions/graphql/handler.ts', policies: true },
  stepup: { entry: 'functions/stepup/handler.ts', policies: false },
  'er-intake-api': { entry: ingestEntries.intake, policies: false },
  'er-intake-consumer': { entry: ingestEntries.consumer, policies: false },
  'er-replay': { entry: ingestEntries.replay, policies: false },
  'er-review-backlog': { entry: ingestEntries.backlog, policies: false },
  retention: { entry: 'functions/retention/handler.ts', policies: true },
  backup: { entry: 'functions/backup/handler.ts', policies: false },
};

/** Entry of the Lambda@Edge bundle. */
export const edgeEntry = 'edge/adapters/lambda-edge.ts';

/** Browser apps: artefact path → entry. */
export const webEntries: Record<string, string> = {
  'web/stepup/client.js': 'functions/stepup/page/client.ts',
};

/** The review page's static assets (a Vite build, functions/adjudication/build.ts): artefact folder and source. */
export const reviewPage = { artefact: 'web/review', source: 'functions/adjudication/page' } as const;

/** Generated schema files shipped as they are (the persisted-operation manifest and the client-facing list). */
export const schemaFiles = ['schema/manifest.json', 'schema/persisted-query-manifest.json'];

/** The release artefact folder of a regional function entry, or undefined if no release ships it. */
export function artefactOfEntry(entry: string): string | undefined {
  const name = Object.entries(functionEntries).find(([, f]) => f.entry === entry)?.[0];
  return name && `functions/${name}`;
}
