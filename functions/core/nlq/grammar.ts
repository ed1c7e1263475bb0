/**
 * The offline translator: a small grammar over the graph's schema (vocabulary.ts) that turns a question into an
 * intent, or says why it cannot. Productions are tried in order; each is a pattern of fixed words, vocabulary
 * alternatives and slots (`{anchor}`, `{kinds}`, `{n}`…). Slot text is only ever a parameter value.
 */
import type { EntityKind, RelType } from '../graph/types.js';
import { type Filters, type Hops, type Intent, maxNlqHops } from './intent.js';
import { allKindNouns, anyEntityWords, type Direction, kindOf, licenceWords, sourceWord } from './vocabulary.js';

/** Why the grammar produced no intent: a refusal (never answered, whatever the wording) or not understood. */
export type GrammarMiss =
  | { refuse: true; code: 'WRITE_REQUESTED' | 'CROSS_TENANT' | 'HOPS_TOO_DEEP' | 'UNSAFE_REQUEST'; message: string }
  | { refuse: false; code: 'NOT_UNDERSTOOD'; message: string };

export type GrammarResult = { ok: true; intent: Intent } | { ok: false; miss: GrammarMiss };

/** Control and format characters (zero-width, bidi controls, BOM, soft hyphen) that can hide words from a reader. */
const invisible = /[\p{Cc}\p{Cf}]/gu;

/** NFKC (full-width and compatibility forms fold to plain letters), invisibles removed, spaces collapsed. */
export function normaliseQuestion(question: string): string {
  return (
    question
      .normalize('NFKC')
      .replace(invisible, '')
      .replace(/[\s\u00a0]+/g, ' ')
      .trim()
      .replace(/[?!]+$/, '')
      // A final full stop ends the sentence, unless it ends an abbreviation in a name (`Acme S.A.`).
      .replace(/(?<![\s.\p{Lu}])\.$/u, '')
      .trim()
  );
}

const kindsAlt = [...allKindNouns, ...anyEntityWords].map((w) => w.replace(/ /g, '\\s')).join('|');
const NUM = '(\\d+|one|two|three|four|five|six|seven|eight|nine|ten)';
const words: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8 };

/**
 * Turns a production into a regex: `{kinds}` a kind noun, `{anchor}`/`{other}`/`{rest}` text, `{n}` a number. A slot
 * may appear in several alternatives; each occurrence gets its own group (`kinds_1`, …) and {@link slotGroups} merges them.
 */
function compile(pattern: string): RegExp {
  let i = 0;
  const slot: Record<string, string> = {
    kinds: `(?:${kindsAlt})`,
    anchor: '.+?',
    other: '.+?',
    rest: '.*?',
    n: `(?:${NUM})`,
  };
  const body = pattern
    .replace(/\s+/g, '\\s+')
    .replace(/\{(kinds|anchor|other|rest|n)\}/g, (_, name: string) => `(?<${name}_${i++}>${slot[name]})`);
  return new RegExp(`^${body}$`, 'iu');
}

/** Named groups with their occurrence suffix removed; the first occurrence that matched wins. */
function slotGroups(groups: Record<string, string | undefined>): Groups {
  const out: Groups = {};
  for (const [key, value] of Object.entries(groups)) {
    const name = key.replace(/_\d+$/, '');
    if (value !== undefined && out[name] === undefined) out[name] = value;
  }
  return out;
}

type Groups = Record<string, string | undefined>;
type Build = (g: Groups) => Intent | GrammarMiss;

interface Production {
  patterns: RegExp[];
  build: Build;
}

const prod = (patterns: string[], build: Build): Production => ({ patterns: patterns.map(compile), build });

/** Strips quotes and a leading article from a name slot. */
function nameSlot(text: string | undefined): string {
  return (text ?? '')
    .trim()
    .replace(/^(the|a|an)\s+(?=["'“‘])/i, '')
    .replace(/^["'“‘](.*)["'”’]$/u, '$1')
    .trim();
}

function kindSlot(text: string | undefined): EntityKind | null {
  return text ? (kindOf(text.replace(/\s+/g, ' ')) ?? null) : null;
}

function hopsSlot(text: string | undefined, fallback: Hops): Hops | GrammarMiss {
  if (text === undefined) return fallback;
  const n = /^\d+$/.test(text) ? Number(text) : (words[text.toLowerCase()] ?? Number.NaN);
  if (!Number.isInteger(n) || n < 1 || n > maxNlqHops) {
    return {
      refuse: true,
      code: 'HOPS_TOO_DEEP',
      message: `questions may reach at most ${maxNlqHops} hops; ask again with ${maxNlqHops} or fewer`,
    };
  }
  return n as Hops;
}

const isMiss = (v: unknown): v is GrammarMiss => typeof v === 'object' && v !== null && 'code' in v;

/** A neighbours intent from an anchor, a relationship reading and optional kind and hops. */
function near(
  op: 'neighbors' | 'countNeighbors',
  g: Groups,
  rel: RelType | null,
  direction: Direction,
  defaultHops: Hops = 1,
): Intent | GrammarMiss {
  const hops = hopsSlot(g.n, defaultHops);
  if (isMiss(hops)) return hops;
  const anchor = nameSlot(g.anchor);
  if (!anchor) return notUnderstood;
  return { op, anchor, rel, direction, kind: kindSlot(g.kinds), hops };
}

const notUnderstood: GrammarMiss = {
  refuse: false,
  code: 'NOT_UNDERSTOOD',
  message:
    'the question did not match the grammar; try e.g. "who does Maria Ivanova know", "how many organisations are ' +
    'there", "list accounts from source osint", "who works for Acme Holding", "path between X and Y"',
};

const ISO = /^\d{4}-\d{2}-\d{2}$/;

type FilterRule = [RegExp, (m: RegExpMatchArray, f: Filters) => boolean];

const FILTER_END = '(?=$| and | with | from | created | under )';

/** Filter phrases after a kind: `named X`, `with identifier X`, `from source X`, `with licence X`, dates. */
const filterRules: FilterRule[] = [
  [
    new RegExp(
      `^(that are |which are |who are )?(named|called|with (the )?name) ("[^"]+"|'[^']+'|\\S+( \\S+)*?)${FILTER_END}`,
      'i',
    ),
    (m, f) => {
      f.name = nameSlot(m[4]);
      return true;
    },
  ],
  [
    /^(with (the )?identifier|identified by|with id(entifier)?) (\S+)/i,
    (m, f) => {
      f.identifier = m[4]!;
      return true;
    },
  ],
  [
    /^((that )?(come|comes|came) )?(from|sourced from|with source|from source) (source )?(\S+)/i,
    (m, f) => {
      f.source = m[6]!.toLowerCase();
      return sourceWord.test(f.source);
    },
  ],
  [
    new RegExp(`^((with|under|having|have|has)( the| a)? licen[cs]e|licen[cs]ed( as)?) ([a-z -]+?)${FILTER_END}`, 'i'),
    (m, f) => {
      const licence = licenceWords[m[5]!.toLowerCase().trim()];
      if (licence) f.licence = licence;
      return licence !== undefined;
    },
  ],
  [
    /^(created|added) between (\S+) and (\S+)/i,
    (m, f) => {
      f.createdAfter = m[2]!;
      f.createdBefore = m[3]!;
      return ISO.test(m[2]!) && ISO.test(m[3]!);
    },
  ],
  [
    /^(created|added) (after|since|from) (\S+)/i,
    (m, f) => {
      f.createdAfter = m[3]!;
      return ISO.test(m[3]!);
    },
  ],
  [
    /^(created|added) before (\S+)/i,
    (m, f) => {
      f.createdBefore = m[2]!;
      return ISO.test(m[2]!);
    },
  ],
  [/^(are there|exist|there are|in (the|our) graph|do we have|do we know of|in total)\b/i, () => true],
];

function filtersOf(rest: string | undefined): Filters | GrammarMiss {
  const filters: Filters = {};
  let text = (rest ?? '').trim();
  while (text.length > 0) {
    const rule = filterRules.find(([re]) => re.test(text));
    if (!rule) return notUnderstood;
    const m = text.match(rule[0])!;
    if (!rule[1](m, filters)) return notUnderstood;
    text = text
      .slice(m[0].length)
      .replace(/^(,?\s*(and|,)\s*)/i, '')
      .trim();
  }
  return filters;
}

function selectIntent(op: 'find' | 'count', g: Groups): Intent | GrammarMiss {
  const filters = filtersOf(g.rest);
  if (isMiss(filters)) return filters;
  return { op, kind: kindSlot(g.kinds), filters };
}

const WHICH = '(who|which {kinds}|what {kinds}|which|what|list (the |all )?{kinds}|show (me )?(the |all )?{kinds})';
const HOPS = '(within|in at most|up to) {n} (hops?|steps?|degrees?)';

/** The productions, most specific first. */
const productions: Production[] = [
  // paths between two named entities
  prod(
    [
      '(is there a |find a |show (me )?the |find the |what is the )?(shortest )?(path|route|connection|link) (between|from) {anchor} (and|to) {other}( ' +
        HOPS +
        ')?',
      `how (is|are) {anchor} (connected|linked|related) to {other}( ${HOPS})?`,
      `how are {anchor} and {other} (connected|linked|related)( ${HOPS})?`,
      `are {anchor} and {other} (connected|linked)( ${HOPS})?`,
    ],
    (g) => {
      const hops = hopsSlot(g.n, 3);
      if (isMiss(hops)) return hops;
      return { op: 'path', from: nameSlot(g.anchor), to: nameSlot(g.other), hops };
    },
  ),
  // connected to X through Y
  prod(
    [
      '(who|which {kinds}|what {kinds}|which|what|list (the |all )?{kinds}|list everyone) (is |are )?(connected|linked|related) (to|with) {anchor} (through|via) (an? |the |some )?{other}',
    ],
    (g) => {
      const anchor = nameSlot(g.anchor);
      const through = kindOf((g.other ?? '').trim());
      if (through) return { op: 'viaKind', anchor, through, kind: kindSlot(g.kinds) };
      return { op: 'viaNamed', anchor, through: nameSlot(g.other), kind: kindSlot(g.kinds) };
    },
  ),
  // counts of neighbours
  prod(
    ['how many (people|persons|individuals) (does|do) {anchor} know', 'how many acquaintances (does|do) {anchor} have'],
    (g) => near('countNeighbors', { ...g, kinds: 'people' }, 'KNOWS', 'any'),
  ),
  prod(
    [
      'how many (employees|staff|people|persons) (does|do) {anchor} (have|employ)',
      'how many (people|persons) work (for|at) {anchor}',
    ],
    (g) => near('countNeighbors', { ...g, kinds: 'people' }, 'WORKS_FOR', 'in'),
  ),
  prod(
    [
      `how many {kinds} (are|is) (connected|linked|related) to {anchor}( ${HOPS})?`,
      `how many {kinds} (are|is) ${HOPS} (of|from) {anchor}`,
      `how many (neighbou?rs|connections) (does|do) {anchor} have( ${HOPS})?`,
    ],
    (g) => near('countNeighbors', g, null, 'any'),
  ),
  // counts and lists of a kind
  prod(
    ['how many {kinds}{rest}', '(count|number of) (the |all )?{kinds}{rest}', 'what is the number of {kinds}{rest}'],
    (g) => selectIntent('count', { ...g, rest: g.rest }),
  ),
  // KNOWS
  prod(
    [
      '(who|which {kinds}) (does|do) {anchor} know',
      'who is {anchor} acquainted with',
      "list {anchor}'?s? acquaintances",
      "(who are |list |show )?{anchor}'s? (acquaintances|contacts|friends)",
      '(who|which {kinds}) (knows?|is acquainted with|are acquainted with) {anchor}',
    ],
    (g) => near('neighbors', g, 'KNOWS', 'any'),
  ),
  // WORKS_FOR
  prod(
    [
      '(who|which {kinds}) (works?|is employed|are employed) (for|at|by) {anchor}',
      '(list |show )?(the )?(employees|staff) of {anchor}',
      'who are the employees of {anchor}',
    ],
    (g) => near('neighbors', { ...g, kinds: g.kinds ?? 'people' }, 'WORKS_FOR', 'in'),
  ),
  prod(
    [
      '(who|which {kinds}|where) does {anchor} work( for| at)?',
      "(what is |who is )?{anchor}'s? employer",
      '(which|what) {kinds} employs? {anchor}',
      'who employs {anchor}',
    ],
    (g) => near('neighbors', g, 'WORKS_FOR', 'out'),
  ),
  // OWNS
  prod(
    ['(what|which {kinds}) (does|do) {anchor} own', "(list |show )?{anchor}'s? (assets|possessions|property)"],
    (g) => near('neighbors', g, 'OWNS', 'out'),
  ),
  prod(['(who|which {kinds}) owns? {anchor}', 'who is the owner of {anchor}', 'who are the owners of {anchor}'], (g) =>
    near('neighbors', g, 'OWNS', 'in'),
  ),
  // LOCATED_IN
  prod(
    [
      'where is {anchor}( located| based)?',
      'where are {anchor} (located|based)',
      '(which|what) {kinds} (is|are) {anchor} (located|based) in',
    ],
    (g) => near('neighbors', g, 'LOCATED_IN', 'out'),
  ),
  prod(['(who|what|which {kinds}) (is|are) (located|based) (in|at) {anchor}'], (g) =>
    near('neighbors', g, 'LOCATED_IN', 'in'),
  ),
  // PARTICIPATED_IN
  prod(
    [
      '(who|which {kinds}) (participated|took part|takes part|participates) in {anchor}',
      '(who|which {kinds}) attended {anchor}',
      'who was at {anchor}',
    ],
    (g) => near('neighbors', g, 'PARTICIPATED_IN', 'in'),
  ),
  prod(['(what|which {kinds}) did {anchor} (attend|participate in|take part in)'], (g) =>
    near('neighbors', g, 'PARTICIPATED_IN', 'out'),
  ),
  // TRANSACTED_WITH
  prod(
    [
      '(who|which {kinds}) did {anchor} (transact|trade|deal) with',
      '(who|which {kinds}) (transacted|traded|dealt) with {anchor}',
    ],
    (g) => near('neighbors', g, 'TRANSACTED_WITH', 'any'),
  ),
  // RELATED_TO
  prod(['(what|which {kinds}) (mentions?|references?|(is|are) related to) {anchor}'], (g) =>
    near('neighbors', g, 'RELATED_TO', 'any'),
  ),
  // generic neighbourhood
  prod(
    [
      `${WHICH} (is |are )?(connected|linked|related) to {anchor}( ${HOPS})?`,
      `${WHICH} (is |are )?${HOPS} (of|from) {anchor}`,
      `(all )?{kinds} ${HOPS} (of|from) {anchor}`,
      `(what is |who is )?{anchor} (connected|linked) to( ${HOPS})?`,
      `(list |show )?(the )?(neighbou?rs|neighbou?rhood|connections) of {anchor}( ${HOPS})?`,
    ],
    (g) => near('neighbors', g, null, 'any'),
  ),
  // lists of a kind with filters
  prod(
    [
      '(list|show|find|get|give me|display|return)( me)? (all |the |every |any )?{kinds}{rest}',
      '(which|what) {kinds}{rest}',
      '(all|every) {kinds}{rest}',
      '{kinds}{rest}',
    ],
    (g) => selectIntent('find', g),
  ),
];

/** Words that ask for a change: such a question is never answered, whatever else it says. */
const writeWords =
  /\b(delete|remove|drop|detach|create|insert|merge|update|set|rename|erase|wipe|destroy|truncate|add (a|an|new)|modify|change|overwrite|write|link|unlink|reclassify|grant|revoke)\b/i;
const tenantWords =
  /\b(tenants?|other (customers?|organisations'? data)|all customers|cross[- ]tenant|every tenant)\b/i;
const unsafeWords =
  /\b(cypher|apoc|dbms|procedures?|call\s+db|load\s+csv|password|credentials?|api[ _]?keys?|ignore (all |the |your )?(previous|prior|above)|system prompt|jailbreak|match|unwind|yield|optional match)\b|[`;{}$()[\]\\]|\/\/|\/\*/i;
const deepWords = /\b(any (number of|length|depth)|all paths|unlimited|every path|arbitrary depth|infinite)\b/i;

/** Refusals decided on the whole question before the grammar runs. */
function screen(q: string): GrammarMiss | undefined {
  if (unsafeWords.test(q))
    return {
      refuse: true,
      code: 'UNSAFE_REQUEST',
      message:
        'questions may not contain query syntax, procedure names or instructions to the system; ask in plain words',
    };
  if (tenantWords.test(q))
    return {
      refuse: true,
      code: 'CROSS_TENANT',
      message: 'answers come from your own tenant only; ask about your data',
    };
  if (writeWords.test(q))
    return {
      refuse: true,
      code: 'WRITE_REQUESTED',
      message:
        'questions can only read the graph; use the write operations (upsertEntity, linkEntities, …) to change it',
    };
  if (deepWords.test(q))
    return { refuse: true, code: 'HOPS_TOO_DEEP', message: `walks are bounded to ${maxNlqHops} hops; name a bound` };
  const hops = q.match(/\b(\d+|four|five|six|seven|eight|nine|ten)[- ](hops?|steps?|degrees?)\b/i);
  if (hops) {
    const bound = hopsSlot(hops[1], 1);
    if (isMiss(bound)) return bound;
  }
  return undefined;
}

/**
 * Parses a question into an intent.
 * @example parseQuestion('Who does Maria Ivanova know?') // { ok: true, intent: { op: 'neighbors', anchor: 'Maria Ivanova', … } }
 */
export function parseQuestion(question: string): GrammarResult {
  const q = normaliseQuestion(question);
  const refused = screen(q);
  if (refused) return { ok: false, miss: refused };
  for (const p of productions) {
    for (const re of p.patterns) {
      const m = q.match(re);
      if (!m) continue;
      const built = p.build(slotGroups(m.groups ?? {}));
      if (isMiss(built)) {
        if (built.refuse) return { ok: false, miss: built };
        continue;
      }
      return { ok: true, intent: built };
    }
  }
  return { ok: false, miss: notUnderstood };
}
