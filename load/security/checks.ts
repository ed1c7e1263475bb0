/**
 * The rules every answer of the corpus must keep, and the comparison behind `sameAnswerAs`. A leak is a stack trace,
 * an internal host, port or file path, or a secret value the request itself did not carry.
 */
import type { CorpusContext, Expectation } from './types.js';

/** Patterns that never belong in an answer to a client. */
export const leakPatterns: [string, RegExp][] = [
  ['stack trace', /\n\s+at [^\n]+[:(]/],
  ['stack frame', /\bat (?:async )?[\w$.<>[\]]+ \((?:file:|node:|\/)/],
  ['source position', /\.(?:ts|js|mjs|cjs):\d+:\d+/],
  ['file path', /(?:\/work\/|\/home\/|\/tmp\/|\/var\/task\/|file:\/\/|node_modules|[A-Z]:\\)/],
  ['internal host', /(?:127\.0\.0\.1|localhost|0\.0\.0\.0|::1\]?):\d{2,5}/],
  ['internal scheme', /\b(?:bolt|neo4j|redis|rediss):\/\//],
  ['driver error', /\bNeo\.(?:ClientError|TransientError|DatabaseError)\b|Neo4jError|ECONNREFUSED|ETIMEDOUT/],
];

/** Leaks in `text` (an answer's body and headers), given the request that produced it. */
export function findLeaks(text: string, request: string, ctx: CorpusContext): string[] {
  const found = leakPatterns.filter(([, re]) => re.test(text)).map(([name]) => `leak: ${name}`);
  for (const secret of ctx.secrets) {
    if (text.includes(secret) && !request.includes(secret)) found.push(`leak: secret value ${secret.slice(0, 12)}…`);
  }
  return found;
}

/** The stable code of an answer: JSON `code`, else the first GraphQL error's `extensions.code`. */
export function codeOf(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as { code?: unknown; errors?: { extensions?: { code?: unknown } }[] };
  if (typeof b.code === 'string') return b.code;
  const c = Array.isArray(b.errors) ? b.errors[0]?.extensions?.code : undefined;
  return typeof c === 'string' ? c : null;
}

/** Root fields of `data` that are not null: what a refused or hidden operation must not have produced. */
function producedData(body: unknown): string[] {
  const data = (body as { data?: unknown } | null)?.data;
  if (typeof data !== 'object' || data === null) return [];
  return Object.entries(data)
    .filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
    .map(([k]) => k);
}

/** How an answer differs from the case's expectation (empty when it matches). */
export function mismatches(expect: Expectation, status: number, body: unknown): string[] {
  const out: string[] = [];
  const code = codeOf(body);
  if (expect.status && !expect.status.includes(status))
    out.push(`status ${status}, expected ${expect.status.join('|')}`);
  if (expect.code && !(code && expect.code.includes(code))) out.push(`code ${code}, expected ${expect.code.join('|')}`);
  if (expect.noData) {
    const fields = producedData(body);
    if (fields.length > 0) out.push(`produced data: ${fields.join(', ')}`);
  }
  return out;
}

/**
 * An answer with ids, uuids, timestamps and durations masked, so the answer about an invisible entity can be compared
 * with the answer about a missing one.
 */
export function normalised(status: number, text: string, ids: string[]): string {
  let t = text;
  for (const id of ids) t = t.split(id).join('<id>');
  t = t
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g, '<time>')
    .replace(/"(decisionId|decision_id|exportId|requestId|ms|durationMs)":"?[^",}]*"?/g, '"$1":<x>');
  return `${status} ${t}`;
}
