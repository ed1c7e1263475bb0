/**
 * Match models stored per tenant and kind in the graph (`(:ErModel)`, cypher.ts): `npm run er:train` saves and activates one;
 * the worker reads the active one through a short process cache, so a new model takes effect within `ttlMs` without
 * a deploy. A kind with no stored model (a tenant's organisations when only people were trained) is scored with the
 * hand-set {@link defaultModel}.
 */
import type { Driver } from 'neo4j-driver';
import { epochMs, toNumber } from '../graph/model.js';
import type { EntityKind } from '../graph/types.js';
import { parseTenant } from '../graph/validation.js';
import {
  activateModelCypher,
  activeModelCypher,
  listModelsCypher,
  retireModelsCypher,
  saveModelCypher,
} from './cypher.js';
import { InvalidModelError } from './errors.js';
import { defaultModel } from './model/defaults.js';
import { assertValidModel, type MatchModel } from './model/model.js';
import { withVersion } from './model/version.js';

/** Where the pipeline gets a tenant's model for records of a kind (a model is trained on one kind). */
export interface ModelSource {
  modelFor(tenant: string, kind: EntityKind): Promise<MatchModel>;
}

/** A stored model's JSON parsed and checked: valid probabilities, and a version that matches its parameters. */
export function parseStoredModel(json: string): MatchModel {
  let model: MatchModel;
  try {
    model = JSON.parse(json) as MatchModel;
  } catch (cause) {
    throw new InvalidModelError('stored model is not JSON', { cause });
  }
  assertValidModel(model);
  if (withVersion(model).version !== model.version) {
    throw new InvalidModelError(`stored model ${model.version} does not match its parameters`);
  }
  return model;
}

/**
 * The tenant's active model from the graph, cached per process for `ttlMs`; {@link defaultModel} when none is stored.
 * Concurrent first reads of a tenant share one query.
 */
export function storedModels(driver: Driver, options: { ttlMs?: number; now?: () => number } = {}): ModelSource {
  const { ttlMs = 30_000, now = Date.now } = options;
  const cache = new Map<string, { at: number; model: Promise<MatchModel> }>();
  const load = async (tenant: string, kind: EntityKind): Promise<MatchModel> => {
    const session = driver.session({ defaultAccessMode: 'READ' });
    try {
      const row = (await session.executeRead((tx) => tx.run(activeModelCypher.cypher, { tenant, kind }))).records[0];
      return row ? parseStoredModel(String(row.get('json'))) : defaultModel;
    } finally {
      await session.close();
    }
  };
  return {
    modelFor(tenant, kind) {
      const t = parseTenant(tenant);
      const key = `${t}|${kind}`;
      const hit = cache.get(key);
      if (hit && now() - hit.at < ttlMs) return hit.model;
      const model = load(t, kind);
      cache.set(key, { at: now(), model });
      model.catch(() => cache.delete(key));
      return model;
    },
  };
}

/** One model of a tenant as listed. */
export interface StoredModelInfo {
  version: string;
  kind: EntityKind;
  active: boolean;
  createdAt: number;
  summary: string;
}

/** Stores a model for a tenant; with `activate` it becomes the one the worker uses (the others are retired). */
export async function saveModel(
  driver: Driver,
  tenant: string,
  model: MatchModel,
  options: { kind: EntityKind; activate: boolean; summary?: Record<string, unknown> },
): Promise<{ version: string; active: boolean }> {
  assertValidModel(model);
  const t = parseTenant(tenant);
  const versioned = withVersion(model);
  const session = driver.session();
  try {
    return await session.executeWrite(async (tx) => {
      if (options.activate) {
        await tx.run(retireModelsCypher.cypher, {
          tenant: t,
          kind: options.kind,
          version: versioned.version,
          now: epochMs(),
        });
      }
      const row = (
        await tx.run(saveModelCypher.cypher, {
          tenant: t,
          kind: options.kind,
          version: versioned.version,
          json: JSON.stringify(versioned),
          summary: JSON.stringify(options.summary ?? {}),
          activate: options.activate,
          now: epochMs(),
        })
      ).records[0]!;
      return { version: String(row.get('version')), active: Boolean(row.get('active')) };
    });
  } finally {
    await session.close();
  }
}

/** Makes a stored version the tenant's active model again (rollback); false when that version is not stored. */
export async function activateModel(driver: Driver, tenant: string, version: string): Promise<boolean> {
  const t = parseTenant(tenant);
  const session = driver.session();
  try {
    return await session.executeWrite(async (tx) => {
      const row = (await tx.run(activateModelCypher.cypher, { tenant: t, version })).records[0];
      if (row) await tx.run(retireModelsCypher.cypher, { tenant: t, kind: row.get('kind'), version, now: epochMs() });
      return !!row;
    });
  } finally {
    await session.close();
  }
}

/** The tenant's stored models, newest first. */
export async function listModels(driver: Driver, tenant: string): Promise<StoredModelInfo[]> {
  const session = driver.session({ defaultAccessMode: 'READ' });
  try {
    const rows = (await session.executeRead((tx) => tx.run(listModelsCypher.cypher, { tenant: parseTenant(tenant) })))
      .records;
    return rows.map((r) => ({
      version: String(r.get('version')),
      kind: r.get('kind') as EntityKind,
      active: Boolean(r.get('active')),
      createdAt: toNumber(r.get('createdAt')),
      summary: String(r.get('summary')),
    }));
  } finally {
    await session.close();
  }
}
