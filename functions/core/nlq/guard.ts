/**
 * The guard every NLQ plan passes before it runs, whether the grammar or a model wrote it. It parses the plan with a
 * real Cypher parser (`@neo4j-cypher/language-support`, the ANTLR grammar Neo4j's tools use) and walks the parse
 * tree: one read-only statement of MATCH / WITH / UNWIND / RETURN clauses; no procedure calls, subqueries, LOAD CSV,
 * USE, schema or admin commands, no function outside an allow-list (so no APOC); `:Entity` only; every node pattern
 * bound to `$tenant`; variable-length patterns bounded and within the hop bound; a LIMIT on the result; only the
 * parameters the caller binds. Comments and whitespace are not in the tree, so they cannot hide anything.
 */
import { getDebugTree, lintCypherQuery, type SimpleTree } from '@neo4j-cypher/language-support';
import { relTypes } from '../graph/types.js';
import type { Refusal } from './errors.js';
import { maxNlqHops } from './intent.js';

/** What a plan may do: the parameters bound for it, the hop bound, the row bound. */
export interface GuardLimits {
  params: readonly string[];
  maxHops?: number;
  maxRows: number;
}

declare const guarded: unique symbol;

/**
 * A plan the guard accepted: the only kind the executor runs. The brand is a symbol no other module can name, so a
 * GuardedPlan cannot be made outside this file (this is how model-written plans, which never appear in source and so
 * escape the stray-Cypher scan, are kept behind the guard).
 */
export interface GuardedPlan {
  readonly cypher: string;
  readonly [guarded]: true;
}

export type GuardVerdict = { ok: true; plan: GuardedPlan } | { ok: false; refusal: Refusal };

/** Longest plan text the guard parses (model output beyond this is refused unread). */
export const maxPlanChars = 4000;

const allowedClauses = new Set(['matchClause', 'withClause', 'returnClause', 'unwindClause', 'whereClause']);
/** Expression forms that hide a pattern (and so a match the tenant check would not see) or a subquery. */
const refusedRules = new Set([
  'existsExpression',
  'countExpression',
  'collectExpression',
  'patternComprehension',
  'subqueryClause',
  'callClause',
  'procedureName',
  'useClause',
  'loadCSVClause',
  'mapProjection',
]);
const allowedFunctions = new Set(
  [
    'toLower',
    'toUpper',
    'trim',
    'type',
    'properties',
    'count',
    'nodes',
    'relationships',
    'length',
    'size',
    'coalesce',
    'startNode',
    'endNode',
    'min',
    'max',
    'sum',
    'avg',
    'toString',
    'toInteger',
  ].map((f) => f.toLowerCase()),
);
const allowedLabels = new Set(['Entity', ...relTypes]);

const isTerminal = (t: SimpleTree) => !t.children || t.children.length === 0;
const kids = (t: SimpleTree) => t.children ?? [];

/** The plan text of a subtree: its terminals joined (no whitespace or comments survive parsing). */
function text(t: SimpleTree): string {
  if (isTerminal(t)) return t.name === 'namespace' ? '' : t.name;
  return kids(t).map(text).join('');
}

function all(t: SimpleTree, name: string, out: SimpleTree[] = []): SimpleTree[] {
  if (t.name === name && !isTerminal(t)) out.push(t);
  for (const c of kids(t)) all(c, name, out);
  return out;
}

function firstRule(t: SimpleTree, name: string): SimpleTree | undefined {
  if (t.name === name && !isTerminal(t)) return t;
  for (const c of kids(t)) {
    const found = firstRule(c, name);
    if (found) return found;
  }
  return undefined;
}

/** Descends single-child chains of expression rules. */
function unwrap(t: SimpleTree, through: string): SimpleTree {
  let node = t;
  while (node.name === through && kids(node).length === 1) node = kids(node)[0]!;
  return node;
}

/** Top-level AND conjuncts of a WHERE expression (an OR or XOR at the top makes the whole a single conjunct). */
function conjunctNodes(expression: SimpleTree): SimpleTree[] {
  const e11 = unwrap(expression, 'expression');
  if (e11.name !== 'expression11' || kids(e11).length !== 1) return [expression];
  const e10 = kids(e11)[0]!;
  if (e10.name !== 'expression10') return [expression];
  return kids(e10).filter((c) => !(isTerminal(c) && c.name.toUpperCase() === 'AND'));
}

const conjuncts = (expression: SimpleTree): string[] => conjunctNodes(expression).map(text);

/** Conjunct `v.tenant=$tenant` (either side). */
const isTenantOf = (v: string, c: string) => c === `${v}.tenant=$tenant` || c === `$tenant=${v}.tenant`;

/**
 * Conjunct `all(x IN nodes(p) WHERE x.tenant = $tenant AND …)`: every node on path `p` is in the tenant. Read from the
 * tree, so `… AND a OR true` (where OR binds last) is not mistaken for it.
 */
function coversPath(p: string, conjunct: SimpleTree): boolean {
  const pred = firstRule(conjunct, 'listItemsPredicate');
  if (!pred || text(conjunct) !== text(pred)) return false;
  const parts = kids(pred);
  const [head, open, variable, kw, source, where, body] = parts;
  if (head?.name.toLowerCase() !== 'all' || open?.name !== '(' || !variable || !source || !body) return false;
  if (kw?.name.toUpperCase() !== 'IN' || where?.name.toUpperCase() !== 'WHERE') return false;
  if (text(source).replace(/^nodes/i, 'nodes') !== `nodes(${p})`) return false;
  return conjuncts(body).some((c) => isTenantOf(text(variable), c));
}

const refuse = (code: Refusal['code'], message: string): GuardVerdict => ({ ok: false, refusal: { code, message } });
const rejected = (message: string) => refuse('PLAN_REJECTED', message);

/** The node pattern's variable, inline `tenant: $tenant` property, and inline WHERE conjuncts. */
function nodeFacts(node: SimpleTree) {
  const variable = kids(node).find((c) => c.name === 'variable');
  const props = kids(node).find((c) => c.name === 'properties');
  const inlineTenant =
    props !== undefined &&
    all(props, 'map').some((m) => {
      const parts = kids(m);
      return parts.some(
        (c, i) =>
          c.name === 'propertyKeyName' && text(c) === 'tenant' && parts[i + 2] && text(parts[i + 2]!) === '$tenant',
      );
    });
  const whereAt = kids(node).findIndex((c) => isTerminal(c) && c.name.toUpperCase() === 'WHERE');
  const inlineWhere = whereAt >= 0 ? conjuncts(kids(node)[whereAt + 1]!) : [];
  return { variable: variable ? text(variable) : undefined, inlineTenant, inlineWhere };
}

/** Upper hop bound of one relationship pattern (1 when fixed), or undefined when unbounded. */
function relHops(rel: SimpleTree): number | undefined {
  const length = kids(rel).find((c) => c.name === 'pathLength');
  if (!length) return 1;
  const parts = kids(length).map(text);
  const dots = parts.indexOf('..');
  if (dots < 0) return parts.length === 2 && /^\d+$/.test(parts[1]!) ? Number(parts[1]) : undefined; // `*3`; `*` alone is unbounded
  const upper = parts[dots + 1];
  return upper !== undefined && /^\d+$/.test(upper) ? Number(upper) : undefined;
}

/** Upper bound of a quantifier `{m,n}` / `{n}`; `+`, `*`, `{m,}` are unbounded. */
function quantifierMax(q: SimpleTree): number | undefined {
  const parts = kids(q).map(text);
  if (parts[0] !== '{') return undefined;
  const nums = parts.filter((p) => /^\d+$/.test(p));
  if (parts.includes(',')) return parts[parts.indexOf(',') + 1] === '}' ? undefined : Number(nums[nums.length - 1]);
  return nums.length === 1 ? Number(nums[0]) : undefined;
}

/** Hop bound of a pattern element: fixed relationships count 1, variable ones their upper bound, quantified groups n×. */
function patternHops(el: SimpleTree): number | undefined {
  let total = 0;
  for (const c of kids(el)) {
    if (c.name === 'relationshipPattern') {
      const h = relHops(c);
      if (h === undefined) return undefined;
      total += h;
    } else if (c.name === 'parenthesizedPath') {
      const inner = firstRule(c, 'patternElement');
      const q = kids(c).find((k) => k.name === 'quantifier');
      const innerHops = inner ? patternHops(inner) : 0;
      const times = q ? quantifierMax(q) : 1;
      if (innerHops === undefined || times === undefined) return undefined;
      total += innerHops * times;
    } else if (c.name === 'quantifier') return undefined;
  }
  return total;
}

/** Checks every MATCH: tenant on every node, bounded patterns, walks covered by a path-wide tenant predicate. */
function checkMatches(tree: SimpleTree, maxHops: number): GuardVerdict | undefined {
  const bound = new Set<string>();
  for (const match of all(tree, 'matchClause')) {
    const where = kids(match).find((c) => c.name === 'whereClause');
    const whereNodes = where ? conjunctNodes(kids(where)[1]!) : [];
    const whereConjuncts = whereNodes.map(text);
    for (const pattern of all(match, 'pattern')) {
      const pathVar = kids(pattern)[0]?.name === 'variable' ? text(kids(pattern)[0]!) : undefined;
      const el = firstRule(pattern, 'patternElement');
      if (!el) return rejected('a MATCH without a pattern');
      const hops = patternHops(el);
      if (hops === undefined)
        return refuse('PLAN_REJECTED', 'variable-length patterns need an explicit upper bound (e.g. *1..3)');
      if (hops > maxHops) return refuse('HOPS_TOO_DEEP', `the plan walks ${hops} hops; the bound is ${maxHops}`);
      if (all(el, 'pathLength').length > 0) {
        // Nodes inside a variable-length relationship have no pattern of their own: the path must be covered.
        if (!pathVar || !whereNodes.some((c) => coversPath(pathVar, c)))
          return rejected(
            'a variable-length pattern must be bound to a path p with all(x IN nodes(p) WHERE x.tenant = $tenant …)',
          );
      }
      for (const node of all(el, 'nodePattern')) {
        const f = nodeFacts(node);
        const ok =
          f.inlineTenant ||
          (f.variable !== undefined &&
            (bound.has(f.variable) ||
              f.inlineWhere.some((c) => isTenantOf(f.variable!, c)) ||
              whereConjuncts.some((c) => isTenantOf(f.variable!, c))));
        if (!ok)
          return refuse(
            'CROSS_TENANT',
            `node pattern ${text(node)} is not bound to $tenant; every matched node needs tenant: $tenant`,
          );
        if (f.variable) bound.add(f.variable);
      }
    }
  }
  return undefined;
}

/** The final RETURN has `LIMIT n` with n ≤ maxRows, or `LIMIT $limit` (bound by the caller). */
function checkLimit(tree: SimpleTree, maxRows: number): GuardVerdict | undefined {
  const returns = all(tree, 'returnClause');
  const last = returns[returns.length - 1];
  const limit = last ? firstRule(last, 'limit') : undefined;
  if (!limit) return refuse('PLAN_REJECTED', 'the plan must end with RETURN … LIMIT n');
  const value = text(kids(limit)[1] ?? { name: '' });
  if (value === '$limit') return undefined;
  if (/^\d+$/.test(value) && Number(value) <= maxRows) return undefined;
  return refuse('PLAN_REJECTED', `the plan's LIMIT must be $limit or a number up to ${maxRows}`);
}

/** Rules, labels, functions and parameters. */
function checkVocabulary(tree: SimpleTree, params: ReadonlySet<string>): GuardVerdict | undefined {
  const visit = (t: SimpleTree): GuardVerdict | undefined => {
    if (isTerminal(t)) return undefined;
    if (refusedRules.has(t.name) || (t.name.endsWith('Clause') && !allowedClauses.has(t.name)))
      return refuse('PLAN_REJECTED', `the plan uses ${t.name.replace(/Clause$/, '')}, which NLQ plans may not`);
    if (t.name !== 'statementOrCommand' && /command/i.test(t.name))
      return refuse('PLAN_REJECTED', 'the plan runs an administration command');
    if (t.name === 'functionName') {
      const name = text(t);
      if (!allowedFunctions.has(name.toLowerCase()))
        return refuse('PLAN_REJECTED', `function ${name} is not allowed in NLQ plans (no APOC, db.* or dbms.*)`);
    }
    if (t.name === 'labelExpression') {
      for (const sym of all(t, 'symbolicNameString')) {
        if (!allowedLabels.has(text(sym))) return refuse('PLAN_REJECTED', `label or type ${text(sym)} is not readable`);
      }
    }
    if (t.name === 'parameter') {
      const name = text(t).slice(1);
      if (!params.has(name)) return refuse('PLAN_REJECTED', `parameter $${name} is not one the caller binds`);
    }
    for (const c of kids(t)) {
      const v = visit(c);
      if (v) return v;
    }
    return undefined;
  };
  return visit(tree);
}

/**
 * Checks a plan; the verdict is the only way to a {@link GuardedPlan}.
 * @example guardPlan(plan.cypher, { params: ['tenant', 'limit', 'anchor'], maxRows: 100 })
 */
export function guardPlan(cypher: string, limits: GuardLimits): GuardVerdict {
  if (cypher.length > maxPlanChars) return rejected(`the plan is longer than ${maxPlanChars} characters`);
  const params = new Set(limits.params);
  const parameters = Object.fromEntries(limits.params.map((p) => [p, null]));
  const { diagnostics } = lintCypherQuery(cypher, { parameters, labels: ['Entity'], relationshipTypes: [...relTypes] });
  const error = diagnostics.find((d) => d.severity === 1);
  if (error) return refuse('PLAN_INVALID', `the plan is not valid Cypher: ${error.message}`);
  const tree = getDebugTree(cypher);
  if (all(tree, 'statementOrCommand').length !== 1 || text(tree).includes(';'))
    return rejected('a plan is exactly one statement');
  if (!text(tree).includes('$tenant')) return refuse('CROSS_TENANT', 'the plan never names $tenant');
  const verdict =
    checkVocabulary(tree, params) ??
    checkMatches(tree, limits.maxHops ?? maxNlqHops) ??
    checkLimit(tree, limits.maxRows);
  return verdict ?? { ok: true, plan: { cypher } as GuardedPlan };
}
