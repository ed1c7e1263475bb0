/**
 * Findings that only show on real processes: a cold process meeting deeply nested JSON first, /metrics on public
 * ports, the step-up page's security headers, request media types, what the origin writes to its log, and the
 * per-tenant usage counters the cost report reads.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantUsageFromExpositions } from '../../functions/core/cost/tenant.js';
import { operationByName } from '../../functions/core/manifest/index.js';
import { prometheus } from '../../functions/core/metrics/names.js';
import { signInternalRequest } from '../../functions/core/signing/internal-request.js';
import { type AppStack, startAppStack } from './app-stack.js';
import { repoRoot } from './paths.js';
import { testTenant, twin } from './test-support/twin.js';

const runDir = mkdtempSync(join(tmpdir(), 'graphgate-fresh-'));
const tenant = testTenant('fresh');
let stack: AppStack;
let bearer: (roles: string[], forTenant?: string) => Promise<string>;

beforeAll(async () => {
  stack = await startAppStack(runDir, twin());
  const { jwt } = stack.keys;
  const key = await importJWK(jwt.privateJwk as Parameters<typeof importJWK>[0], 'ES256');
  bearer = (roles, forTenant = tenant) =>
    new SignJWT({ tenant: forTenant, roles, clearances: [] })
      .setProtectedHeader({ alg: 'ES256', kid: jwt.kid })
      .setIssuer(jwt.issuer)
      .setAudience(jwt.audience)
      .setSubject('fresh-user')
      .setJti(crypto.randomUUID())
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);
}, 180_000);
afterAll(async () => {
  await stack?.stop();
  rmSync(runDir, { recursive: true, force: true });
});

/** About 2,100 nested arrays: 4 KB, under every body and variables cap. */
const deepArrays = `${'['.repeat(2100)}${']'.repeat(2100)}`;
const getEntity = operationByName('GetEntity');
const apqBody = (variables: string) =>
  `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"${getEntity.id}"}},"variables":${variables}}`;

async function answer(res: Response) {
  const text = await res.text();
  const body = JSON.parse(text) as { code?: string; errors?: { extensions?: { code?: string } }[] };
  return { status: res.status, text, code: body.code ?? body.errors?.[0]?.extensions?.code };
}

describe('a cold process meets deeply nested JSON first', () => {
  it('edge: 400 JSON_TOO_DEEP for deep variables, in the body and in a GET parameter', async () => {
    const auth = { authorization: `Bearer ${await bearer(['analyst'])}` };
    const post = await fetch(`${stack.urls.edge}/graphql`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: apqBody(`{"id":${deepArrays}}`),
    });
    const query = new URLSearchParams({
      variables: `{"id":${deepArrays}}`,
      extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: getEntity.id } }),
    });
    const get = await fetch(`${stack.urls.edge}/graphql?${query}`, { headers: auth });
    expect(await answer(post)).toMatchObject({ status: 400, code: 'JSON_TOO_DEEP' });
    expect(await answer(get)).toMatchObject({ status: 400, code: 'JSON_TOO_DEEP' });
  });

  it('origin: 400 JSON_TOO_DEEP for deep variables in a correctly signed request', async () => {
    const body = apqBody(`{"id":"x","deep":${deepArrays}}`);
    const signed = await signInternalRequest(
      stack.keys.signing,
      { method: 'POST', path: '/graphql', body },
      { tenant, subject: 'fresh-user', attributes: { roles: ['analyst'], clearances: [], purposes: [] } },
    );
    const res = await fetch(`${stack.urls.origin}/graphql`, {
      method: 'POST',
      headers: { ...signed, 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(await res.text()).errors[0].extensions.code).toBe('JSON_TOO_DEEP');
  });

  it('intake and step-up: 400 JSON_TOO_DEEP for a deep body', async () => {
    const intake = await fetch(`${stack.urls.intake}/intake`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await bearer(['producer'])}`, 'content-type': 'application/json' },
      body: `{"events":[{"idempotencyKey":"k","record":{"attributes":{"a":${deepArrays}}}}]}`,
    });
    const stepUp = await fetch(`${stack.urls.stepUp}/stepup/authenticate/options`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await bearer(['analyst'])}`, 'content-type': 'application/json' },
      body: `{"scopes":${deepArrays}}`,
    });
    expect(await answer(intake)).toMatchObject({ status: 400, code: 'JSON_TOO_DEEP' });
    expect(await answer(stepUp)).toMatchObject({ status: 400, code: 'JSON_TOO_DEEP' });
  });
});

describe('small things', () => {
  it('serves /metrics only on the internal port, never on the public edge, origin or intake port', async () => {
    for (const base of [stack.urls.edge, stack.urls.origin, stack.urls.intake]) {
      const pub = await fetch(`${base}/metrics`);
      const text = await pub.text();
      expect(pub.status).toBeGreaterThanOrEqual(400);
      expect(pub.status).toBeLessThan(500);
      expect(text).not.toContain('# TYPE');
    }
    const edge = await fetch(`http://127.0.0.1:${stack.metricsPorts.edge}/metrics`);
    const origin = await fetch(`http://127.0.0.1:${stack.metricsPorts.origin}/metrics`);
    expect(edge.status).toBe(200);
    expect(await edge.text()).toContain('# TYPE');
    expect(origin.status).toBe(200);
    expect(await origin.text()).toContain('# TYPE');
  });

  it('counts intake requests by outcome on the intake’s /metrics, the series the ingest SLO rule reads', async () => {
    const series = (text: string, outcome: string) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(`graphgate_intake_requests_total{outcome="${outcome}"}`))
          ?.split(' ')
          .at(-1) ?? 0,
      );
    const read = async () => (await fetch(`http://127.0.0.1:${stack.metricsPorts.intake}/metrics`)).text();
    const before = series(await read(), '4xx');

    const unauthenticated = await fetch(`${stack.urls.intake}/intake`, { method: 'POST', body: '{}' });

    expect(unauthenticated.status).toBe(401);
    expect(series(await read(), '4xx')).toBe(before + 1);
  });

  it('sends the step-up page and its API with CSP, X-Frame-Options DENY, no referrer and nosniff', async () => {
    for (const res of [
      await fetch(`${stack.urls.stepUp}/stepup`),
      await fetch(`${stack.urls.stepUp}/stepup/register/options`, { method: 'POST' }),
    ]) {
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it.each(['application/graphql-response+json', 'application/jsonp', 'text/plain'])(
    'edge answers a body typed %s with 415',
    async (type) => {
      const res = await fetch(`${stack.urls.edge}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await bearer(['analyst'])}`, 'content-type': type },
        body: apqBody('{"id":"x"}'),
      });
      expect(await answer(res)).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    },
  );

  it('origin logs a client error as one line, without a stack', async () => {
    const res = await fetch(`${stack.urls.edge}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await bearer(['analyst'])}`, 'content-type': 'application/json' },
      body: apqBody('{}'),
    });
    expect(JSON.parse(await res.text()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    // The line reaches the log file through the child's stdout pipe, possibly just after the response: poll briefly.
    const wanted = '"msg":"client error","code":"BAD_USER_INPUT"';
    let log = readFileSync(stack.logs.origin, 'utf8');
    for (let i = 0; i < 50 && !log.includes(wanted); i++) {
      await new Promise((r) => setTimeout(r, 100));
      log = readFileSync(stack.logs.origin, 'utf8');
    }
    expect(log).toContain(wanted);
    expect(log).not.toMatch(/^\s+at /m);
  });
});

describe('cost per tenant', () => {
  it('counts a tenant’s calls, cache hits, origin calls and time, and cost:report --by tenant prices them', async () => {
    // A tenant of its own: the other tests' calls must not count here.
    const payer = testTenant('cost');
    const search = operationByName('Search');
    const auth = { authorization: `Bearer ${await bearer(['analyst'], payer)}`, 'content-type': 'application/json' };
    const body = JSON.stringify({
      extensions: { persistedQuery: { version: 1, sha256Hash: search.id } },
      variables: { text: 'nobody', limit: 5 },
    });
    const states: string[] = [];
    // The first call misses and the origin writes the entry; a later one is answered by the edge from the cache.
    for (let i = 0; i < 6 && !states.includes('HIT'); i++) {
      const res = await fetch(`${stack.urls.edge}/graphql`, { method: 'POST', headers: auth, body });
      expect(res.status).toBe(200);
      states.push(res.headers.get('x-cache') ?? '?');
      await res.text();
    }
    const sources = [stack.metricsPorts.edge, stack.metricsPorts.origin].map((p) => `http://127.0.0.1:${p}/metrics`);
    const out = mkdtempSync(join(tmpdir(), 'graphgate-cost-'));

    const texts = await Promise.all(sources.map(async (s) => (await fetch(s)).text()));
    const report = execFileSync(
      process.execPath,
      [
        join(repoRoot, 'node_modules/tsx/dist/cli.mjs'),
        join(repoRoot, 'scripts/cost-report.ts'),
        '--by',
        'tenant',
        ...sources.flatMap((s) => ['--metrics', s]),
        '--out',
        out,
      ],
      { encoding: 'utf8' },
    );

    expect(states[0]).toBe('MISS');
    expect(states).toContain('HIT');
    const usage = tenantUsageFromExpositions(texts, prometheus.tenantUsage.name)[payer];
    expect(usage).toMatchObject({ calls: states.length, cache_hits: 1, origin_calls: states.length - 1 });
    expect(usage!.origin_ms).toBeGreaterThan(0);
    expect(usage!.neo4j_ms).toBeGreaterThan(0);
    const row = report.split('\n').find((l) => l.startsWith(`| ${payer} |`));
    expect(row).toMatch(new RegExp(`^\\| ${payer} \\| ${states.length} \\| 1 \\| ${states.length - 1} \\|`));
    expect(readFileSync(join(out, 'cost-by-tenant-latest.md'), 'utf8')).toContain(row!);
    rmSync(out, { recursive: true, force: true });
  }, 90_000);
});
