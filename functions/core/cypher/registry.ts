/**
 * The one registry of Cypher in graphgate: every module that holds Cypher text, per area, and every template they
 * export. The tenant guard (registry.test.ts) walks all of it, and a source scan fails on Cypher text anywhere else,
 * so a template that skips the registry cannot reach production.
 */
import * as erTemplates from '../er/cypher.js';
import * as erReviewTemplates from '../er/review/cypher.js';
import * as graphBackup from '../graph/cypher/backup.js';
import * as graphReads from '../graph/cypher/reads.js';
import * as graphRetention from '../graph/cypher/retention.js';
import * as graphSchema from '../graph/cypher/schema.js';
import { type CypherTemplate, templatesIn } from '../graph/cypher/template.js';
import * as graphTooling from '../graph/cypher/tooling.js';
import * as graphWrites from '../graph/cypher/writes.js';
import * as nlqPlans from '../nlq/cypher.js';

/** A module that holds Cypher: its path from the repository root and what it exports. */
export interface CypherModule {
  area: 'graph' | 'er' | 'nlq';
  file: string;
  module: Record<string, unknown>;
}

/** The only modules allowed to hold Cypher text. */
export const cypherModules: readonly CypherModule[] = [
  { area: 'graph', file: 'functions/core/graph/cypher/reads.ts', module: graphReads },
  { area: 'graph', file: 'functions/core/graph/cypher/writes.ts', module: graphWrites },
  { area: 'graph', file: 'functions/core/graph/cypher/retention.ts', module: graphRetention },
  { area: 'graph', file: 'functions/core/graph/cypher/schema.ts', module: graphSchema },
  { area: 'graph', file: 'functions/core/graph/cypher/tooling.ts', module: graphTooling },
  { area: 'graph', file: 'functions/core/graph/cypher/backup.ts', module: graphBackup },
  { area: 'er', file: 'functions/core/er/cypher.ts', module: erTemplates },
  { area: 'er', file: 'functions/core/er/review/cypher.ts', module: erReviewTemplates },
  { area: 'nlq', file: 'functions/core/nlq/cypher.ts', module: nlqPlans },
];

/** A registered template with the export it is reached by (`linkCypher` for `linkCypher.KNOWS`). */
export interface RegisteredTemplate {
  area: CypherModule['area'];
  file: string;
  exportName: string;
  template: CypherTemplate;
}

/** Every template of every registered module. */
export const cypherRegistry: readonly RegisteredTemplate[] = cypherModules.flatMap(({ area, file, module }) =>
  Object.entries(module).flatMap(([exportName, value]) =>
    templatesIn({ [exportName]: value }).map((template) => ({ area, file, exportName, template })),
  ),
);
