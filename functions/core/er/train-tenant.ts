/**
 * Training a tenant's model from its own records (`npm run er:train`): snapshot (tenant-records.ts) → the recipe
 * (model/recipe.ts) on the records of one kind → stored (model-store.ts), active unless asked not to.
 */
import type { Driver } from 'neo4j-driver';
import type { EntityKind } from '../graph/types.js';
import { defaultModel } from './model/defaults.js';
import type { MatchModel } from './model/model.js';
import { type RecipeOptions, type RecipeStats, trainModel } from './model/recipe.js';
import { saveModel, storedModels } from './model-store.js';
import { comparableOfStored } from './records.js';
import { readTenantSnapshot } from './tenant-records.js';

export interface TrainTenantResult {
  kind: EntityKind;
  model: MatchModel;
  stats: RecipeStats;
  saved: { version: string; active: boolean } | null;
}

/**
 * Trains on the tenant's records of `kind` (default: its commonest kind) and stores the model (`save`), activating it
 * unless `activate` is false. Throws a RangeError when the tenant has fewer than two such records.
 */
export async function trainTenant(
  driver: Driver,
  tenant: string,
  options: RecipeOptions & { kind?: EntityKind; save?: boolean; activate?: boolean } = {},
): Promise<TrainTenantResult> {
  const snapshot = await readTenantSnapshot(driver, tenant);
  const counts = new Map<EntityKind, number>();
  for (const r of snapshot.records) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
  const kind = options.kind ?? [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!kind) throw new RangeError(`tenant ${tenant} has no records to train on`);
  const records = snapshot.records
    .filter((r) => r.kind === kind)
    .map((r) => ({ ...comparableOfStored(r.record), tokens: r.record.tokens }));
  // A retrain keeps the bands the tenant has (its active model's) unless the caller sets others.
  const start = options.start ?? {
    ...defaultModel,
    bands: (await storedModels(driver, { ttlMs: 0 }).modelFor(tenant, kind)).bands,
  };
  const { model, stats } = trainModel(records, { ...options, start });
  const saved =
    options.save === false
      ? null
      : await saveModel(driver, tenant, model, {
          kind,
          activate: options.activate !== false,
          summary: { kind, records: stats.records, candidatePairs: stats.candidatePairs, prior: stats.prior },
        });
  return { kind, model, stats, saved };
}
