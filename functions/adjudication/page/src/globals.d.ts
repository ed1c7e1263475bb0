/** Persisted ids of the review operations by name, from schema/manifest.json at build time (functions/adjudication/build.ts). */
declare const __GG_OPERATION_IDS__: Record<string, string>;
