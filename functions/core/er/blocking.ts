/**
 * Blocking: the few live entities worth scoring against a record. Several rules, OR-ed in one full-text query, so a
 * record whose name is misspelt still meets its entity through a date or an identifier, and the other way round:
 * - a shared name token (the graph's `nameTokens`);
 * - a shared Double Metaphone code of a name token (`Smith` ~ `Smyth`, `Schmidt`);
 * - a shared identifier, or the same first or second half of one (one or two mistyped digits leave a half intact);
 * - the same full date of a type, also with day and month swapped;
 * - the same postcode.
 * Entity resolution stores the last four as `blockKeys` on the entities it writes (a merge unites both sides' keys).
 */
import { doubleMetaphone } from 'double-metaphone';
import type { ManagedTransaction } from 'neo4j-driver';
import { luceneTerm } from '../graph/lucene.js';
import { epochMs, int, type Props, toEntityCore, toNumber } from '../graph/model.js';
import { parseTenant } from '../graph/validation.js';
import { blockingCandidatesCypher, liveCandidatesByIdCypher, rejectedForSourcesCypher } from './cypher.js';
import { addressOf } from './model/comparisons.js';
import type { NormalisedRecord } from './normalise.js';
import type { Candidate } from './score.js';

/** A blocking candidate: a live entity sharing a blocking key with the record (what scoring reads), its Lucene score. */
export interface BlockingCandidate {
  entity: Candidate;
  score: number;
}

/** What a record blocks on. */
export interface BlockingQuery {
  tokens: string[];
  identifiers: string[];
  /** The extra keys (`blockKeys`): phonetic codes, identifier halves, dates, postcodes. */
  keys: string[];
}

/** Identifiers shorter than this are not split: a half of three characters is shared by too many others. */
const minSplitLength = 6;
/** Bound per key family, so one record with very many names cannot build a huge query. */
const maxPerFamily = 32;

const swapDayMonth = (date: string) => {
  const [y, m, d] = date.split('-');
  return d && Number(d) <= 12 && d !== m ? `${y}-${d}-${m}` : null;
};

/**
 * The blocking keys of a normalised record and its attributes (deterministic, order-stable).
 *
 * @example
 * blockingQuery(normaliseRecord(r), r.attributes).keys // ['dm:SM0', 'dm:XMT', 'idh:nid:4821', 'date:birth:1980-02-03', …]
 */
export function blockingQuery(record: NormalisedRecord, attributes: Readonly<Record<string, unknown>>): BlockingQuery {
  const keys = new Set<string>();
  const phonetic = new Set<string>();
  for (const token of record.tokens) {
    if (token.length < 2 || /^\p{N}+$/u.test(token)) continue;
    for (const code of doubleMetaphone(token)) if (code) phonetic.add(`dm:${code}`);
  }
  for (const k of [...phonetic].slice(0, maxPerFamily)) keys.add(k);
  for (const id of record.identifiers.slice(0, maxPerFamily)) {
    const at = id.indexOf(':');
    const scheme = id.slice(0, at);
    const value = id.slice(at + 1);
    if (value.length < minSplitLength) continue;
    const half = Math.floor(value.length / 2);
    keys.add(`idh:${scheme}:${value.slice(0, half)}`);
    keys.add(`idt:${scheme}:${value.slice(half)}`);
  }
  for (const [type, date] of Object.entries(record.dates)) {
    if (date.length !== 10) continue;
    keys.add(`date:${type}:${date}`);
    const swapped = swapDayMonth(date);
    if (swapped) keys.add(`date:${type}:${swapped}`);
  }
  const { postcode } = addressOf(attributes);
  if (postcode) keys.add(`pc:${postcode}`);
  return {
    tokens: record.tokens.slice(0, maxPerFamily),
    identifiers: record.identifiers.slice(0, maxPerFamily),
    keys: [...keys],
  };
}

/**
 * Each blocking key with the index field it is matched on (`entity_blocking_v3`, keyword analyzer: exact values), for
 * a record's query or for the entity ER writes from that record.
 */
export function blockingTerms(query: Partial<BlockingQuery>): [field: string, value: string][] {
  return [
    ...(query.tokens ?? []).map((t): [string, string] => ['nameTokens', t]),
    ...(query.identifiers ?? []).map((i): [string, string] => ['identifiers', i]),
    ...(query.keys ?? []).map((k): [string, string] => ['blockKeys', k]),
  ];
}

/** One record's blocking query, with the entities rejected against its source ({@link rejectedForSourcesTx}). */
export type CandidateQuery = Partial<BlockingQuery> & { rejected?: readonly string[] };

/**
 * For each of `queries` (records of one tenant), the live entities of the tenant that share any blocking key with
 * it, best-ranked first (Lucene scores rare keys above common ones), at most `limit`, none of its `rejected`: one
 * statement for all of them. A query without any key finds none.
 */
export async function blockingCandidatesOfTx(
  tx: ManagedTransaction,
  tenant: string,
  queries: readonly CandidateQuery[],
  limit: number,
): Promise<BlockingCandidate[][]> {
  const t = parseTenant(tenant);
  const out = queries.map((): BlockingCandidate[] => []);
  const rows = queries.flatMap((q, i) => {
    const terms = blockingTerms(q).map(([field, value]) => `${field}:${luceneTerm(value)}`);
    // The tenant is a required clause: only its entities are scored (the statement still checks it on every node).
    const query = `+tenant:${luceneTerm(t)} +(${terms.join(' OR ')})`;
    return terms.length === 0 ? [] : [{ i: int(i), query, rejected: [...(q.rejected ?? [])] }];
  });
  if (rows.length === 0) return out;
  const result = await tx.run(blockingCandidatesCypher.cypher, {
    tenant: t,
    queries: rows,
    now: epochMs(),
    limit: int(Math.min(Math.max(1, Math.trunc(limit)), 1000)),
  });
  for (const r of result.records) {
    const found = (r.get('candidates') as { entity: Props; score: number }[]).map((c) => ({
      entity: toEntityCore(c.entity),
      score: Number(c.score),
    }));
    // Best first, as the index ranked them (a stable sort keeps its order among equal scores).
    out[toNumber(r.get('i'))] = found.sort((a, b) => b.score - a.score);
  }
  return out;
}

/** {@link blockingCandidatesOfTx} for one record. */
export async function blockingCandidatesTx(
  tx: ManagedTransaction,
  tenant: string,
  query: CandidateQuery & { limit: number },
): Promise<BlockingCandidate[]> {
  return (await blockingCandidatesOfTx(tx, tenant, [query], query.limit))[0]!;
}

/**
 * The live entities among `ids` (in no particular order), as the transaction sees them (merged, expired and `rejected`
 * ones left out, as {@link blockingCandidatesTx} leaves them out).
 */
export async function liveCandidatesTx(
  tx: ManagedTransaction,
  tenant: string,
  ids: readonly string[],
  rejected: readonly string[],
): Promise<Candidate[]> {
  if (ids.length === 0) return [];
  const result = await tx.run(liveCandidatesByIdCypher.cypher, {
    tenant: parseTenant(tenant),
    ids: [...ids],
    now: epochMs(),
    rejected: [...rejected],
  });
  return result.records.map((r) => toEntityCore(r.get('entity') as Props));
}

/**
 * Per source key (`system/recordId`), the entities a reviewer said are not the same as an entity holding that source:
 * the other side of every not-same pair that names the source. One full-text lookup for all of `sourceKeys`.
 *
 * @example
 * (await rejectedForSourcesTx(tx, 't1', ['crm/42'])).get('crm/42') // ['e-17'] after a reviewer rejected e-17 vs crm/42's entity
 */
export async function rejectedForSourcesTx(
  tx: ManagedTransaction,
  tenant: string,
  sourceKeys: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const keys = [...new Set(sourceKeys)];
  if (keys.length === 0) return out;
  const t = parseTenant(tenant);
  const terms = keys.flatMap((k) => [`aSources:${luceneTerm(k)}`, `bSources:${luceneTerm(k)}`]);
  const result = await tx.run(rejectedForSourcesCypher.cypher, {
    tenant: t,
    query: `+tenant:${luceneTerm(t)} +(${terms.join(' OR ')})`,
  });
  const add = (key: string, id: string) => {
    const list = out.get(key) ?? [];
    if (!list.includes(id)) list.push(id);
    out.set(key, list);
  };
  for (const r of result.records) {
    const [a, b] = [String(r.get('a')), String(r.get('b'))];
    const [aSources, bSources] = [
      (r.get('aSources') as string[] | null) ?? [],
      (r.get('bSources') as string[] | null) ?? [],
    ];
    for (const key of keys) {
      if (bSources.includes(key)) add(key, a);
      if (aSources.includes(key)) add(key, b);
    }
  }
  return out;
}
