/** The version of a model: a hash of its parameters, so equal parameters give one version and any change another. */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../json/canonical.js';
import type { MatchModel } from './model.js';

/**
 * The model with `version` set to `fs-` + the first 16 hex digits of sha256 over the canonical JSON of everything
 * else. A decision records it; a stored model is reloaded by it.
 *
 * @example
 * withVersion({ prior: 0.05, comparisons, bands }).version // 'fs-3b9c…'
 */
export function withVersion(model: Omit<MatchModel, 'version'> & { version?: string }): MatchModel {
  const { version: _ignored, ...rest } = model;
  const digest = createHash('sha256').update(canonicalJson(rest)).digest('hex');
  return { version: `fs-${digest.slice(0, 16)}`, ...rest };
}
