/**
 * Sends every case to the running app stack, a few at a time, and checks each answer: no 5xx, no leak, answered
 * within the bound, as the case expects; then that every component is still healthy and still serves a good request.
 */
import { randomUUID } from 'node:crypto';
import { signInternalRequest } from '../../functions/core/signing/internal-request.js';
import type { AppStack } from '../../infra/local/app-stack.js';
import { apq } from './cases/helpers.js';
import { codeOf, findLeaks, mismatches, normalised } from './checks.js';
import { tokenMinter } from './tokens.js';
import type { Case, CorpusContext, Outcome, SignatureSpec } from './types.js';

/** An answer slower than this breaks the bound; one that takes `hangMs` is abandoned as a hang. */
export const bounds = { answerMs: 10_000, hangMs: 20_000, concurrency: 8 } as const;

export interface CorpusRun {
  outcomes: Outcome[];
  /** Pairs whose answers differ although they must not (`sameAnswerAs`). */
  oracles: { id: string; sameAs: string; a: string; b: string }[];
  /** Components that failed their health check after the run, with what was wrong. */
  unhealthy: string[];
  wallMs: number;
}

type Mint = Awaited<ReturnType<typeof tokenMinter>>;

const asText = (b: Case['body']) =>
  b === undefined ? '' : typeof b === 'string' ? b : Buffer.from(b).toString('latin1');

/** Signed origin headers for `spec`, tampered with as it says. */
async function signedHeaders(stack: AppStack, ctx: CorpusContext, c: Case, spec: SignatureSpec) {
  const path = new URL(c.path, 'http://x').pathname;
  const claims = {
    tenant: spec.claims?.tenant ?? ctx.tenant,
    subject: spec.claims?.subject ?? 'corpus-user',
    attributes: spec.claims?.attributes ?? { roles: ['analyst'], clearances: [], purposes: [] },
  };
  const skew = spec.tamper === 'stale' ? -600_000 : spec.tamper === 'future' ? 600_000 : 0;
  const key =
    spec.tamper === 'kid'
      ? { ...stack.keys.signing, secret: `${stack.keys.signing.secret}-wrong` }
      : stack.keys.signing;
  const headers = await signInternalRequest(
    key,
    { method: c.method, path, body: c.body ?? '', headers: c.headers },
    claims,
    Date.now() + skew,
  );
  if (spec.tamper === 'tenant') {
    for (const [k, v] of Object.entries(headers))
      if (v.includes(ctx.tenant)) headers[k] = v.split(ctx.tenant).join(ctx.victimTenant);
  }
  if (spec.tamper === 'drop-nonce') for (const k of Object.keys(headers)) if (k.includes('nonce')) delete headers[k];
  return headers;
}

async function send(stack: AppStack, ctx: CorpusContext, mint: Mint, c: Case) {
  const headers: Record<string, string> = { ...c.headers };
  if (c.auth && c.auth !== 'none') headers.authorization = await mint(c.auth);
  let body: string | Uint8Array | undefined = c.body;
  if (c.signature) {
    Object.assign(headers, await signedHeaders(stack, ctx, c, c.signature));
    if (c.signature.tamper === 'body') body = `${asText(c.body)} `;
  }
  const url = `${stack.urls[c.target]}${c.path}`;
  const request = () =>
    fetch(url, {
      method: c.method,
      headers,
      body: c.method === 'GET' || c.method === 'HEAD' ? undefined : (body as BodyInit | undefined),
      signal: AbortSignal.timeout(bounds.hangMs),
      redirect: 'manual',
    });
  if (c.signature?.tamper === 'replay') await (await request()).arrayBuffer();
  const requestText = `${url}\n${JSON.stringify(headers)}\n${asText(body)}`;
  return { response: await request(), requestText };
}

async function runCase(
  stack: AppStack,
  ctx: CorpusContext,
  mint: Mint,
  c: Case,
  runStarted: number,
): Promise<Outcome & { text: string }> {
  const started = performance.now();
  const base = { id: c.id, category: c.category, target: c.target, startMs: Math.round(started - runStarted) };
  try {
    const { response, requestText } = await send(stack, ctx, mint, c);
    const text = await response.text();
    const ms = performance.now() - started;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const headerText = [...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
    const violations = findLeaks(`${headerText}\n${text}`, requestText, ctx);
    if (response.status >= 500) violations.push(`5xx: ${response.status}`);
    if (ms > bounds.answerMs) violations.push(`slow: ${Math.round(ms)} ms`);
    const missed = mismatches(c.expect, response.status, body);
    const failed = violations.length > 0 || missed.length > 0;
    return {
      ...base,
      status: response.status,
      code: codeOf(body),
      ms,
      violations,
      mismatches: missed,
      ...(failed ? { excerpt: text.slice(0, 300) } : {}),
      text,
    };
  } catch (err) {
    const ms = performance.now() - started;
    const what =
      (err as Error).name === 'TimeoutError'
        ? `hang: no answer in ${bounds.hangMs} ms`
        : `no answer: ${(err as Error).message}`;
    return { ...base, status: 0, code: null, ms, violations: [what], mismatches: [], text: '' };
  }
}

/** Health after the run: every /healthz, and one good request per component. */
async function health(stack: AppStack, ctx: CorpusContext, mint: Mint): Promise<string[]> {
  const problems: string[] = [];
  const check = async (name: string, run: () => Promise<Response>, ok: (r: Response, text: string) => boolean) => {
    try {
      const r = await run();
      const text = await r.text();
      if (!ok(r, text)) problems.push(`${name}: ${r.status} ${text.slice(0, 200)}`);
    } catch (err) {
      problems.push(`${name}: ${(err as Error).message}`);
    }
  };
  for (const [name, base] of Object.entries(stack.urls)) {
    await check(
      `${name} /healthz`,
      () => fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5_000) }),
      (r) => r.ok,
    );
  }
  const analyst = await mint({});
  await check(
    'edge serves a good read',
    () =>
      fetch(`${stack.urls.edge}/graphql`, {
        method: 'POST',
        headers: { authorization: analyst, 'content-type': 'application/json' },
        body: apq('GetEntity', { id: ctx.ids.entity }),
      }),
    (r, t) => r.status === 200 && t.includes(ctx.ids.entity),
  );
  await check(
    'intake accepts a good event',
    async () =>
      fetch(`${stack.urls.intake}/intake`, {
        method: 'POST',
        headers: { authorization: await mint({ claims: { roles: ['producer'] } }), 'content-type': 'application/json' },
        body: JSON.stringify({
          events: [
            {
              idempotencyKey: `health-${randomUUID()}`,
              record: {
                kind: 'PERSON',
                names: ['Health Probe'],
                source: { system: 'corpus', recordId: 'h1' },
                licence: 'INTERNAL_ONLY',
                dataClass: 'ENTITY',
              },
            },
          ],
        }),
      }),
    (r) => r.status === 202,
  );
  await check(
    'step-up issues registration options',
    () =>
      fetch(`${stack.urls.stepUp}/stepup/register/options`, { method: 'POST', headers: { authorization: analyst } }),
    (r) => r.status === 200,
  );
  return problems;
}

/**
 * One good call of each read through the edge before the corpus: Neo4j plans a variable-length pattern the first time
 * it meets it, which on a fresh database takes seconds and would count against the first hostile case that reads.
 */
async function warmUp(stack: AppStack, ctx: CorpusContext, mint: Mint): Promise<void> {
  const { entity, other } = ctx.ids;
  const reads: [string, Record<string, unknown>][] = [
    ['GetEntity', { id: entity }],
    ['Neighbors', { id: entity, hops: 2 }],
    ['Path', { from: entity, to: other }],
    ['Search', { text: 'corpus' }],
  ];
  const authorization = await mint({});
  await Promise.all(
    reads.map(async ([name, variables]) => {
      const r = await fetch(`${stack.urls.edge}/graphql`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: apq(name, variables),
      });
      await r.arrayBuffer();
    }),
  );
}

/** Runs `cases` against `stack`; the result holds every outcome, oracle differences and health problems. */
export async function runCorpus(stack: AppStack, ctx: CorpusContext, cases: Case[]): Promise<CorpusRun> {
  const mint = await tokenMinter(stack.keys, ctx.tenant);
  await warmUp(stack, ctx, mint);
  const started = performance.now();
  const results = new Map<string, Outcome & { text: string }>();
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++]!;
      results.set(c.id, await runCase(stack, ctx, mint, c, started));
    }
  };
  await Promise.all(Array.from({ length: bounds.concurrency }, worker));
  const wallMs = performance.now() - started;
  const ids = Object.values(ctx.ids);
  const oracles: CorpusRun['oracles'] = [];
  for (const c of cases) {
    if (!c.sameAnswerAs) continue;
    const a = results.get(c.id)!;
    const b = results.get(c.sameAnswerAs)!;
    const na = normalised(a.status, a.text, ids);
    const nb = normalised(b.status, b.text, ids);
    if (na !== nb) oracles.push({ id: c.id, sameAs: c.sameAnswerAs, a: na.slice(0, 300), b: nb.slice(0, 300) });
  }
  const outcomes = cases.map((c) => {
    const { text: _text, ...o } = results.get(c.id)!;
    return o;
  });
  return { outcomes, oracles, unhealthy: await health(stack, ctx, mint), wallMs };
}
