/**
 * The whole flow in a real browser: Debian Chromium (playwright-core) with a CDP virtual authenticator registers a
 * passkey on the step-up page, attempts a merge through the edge, completes step-up on the 401 and sees the merge
 * applied. Screenshot under .run/screenshots/ (evidence/security/ with `npm run evidence:stepup`).
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureAptBinary } from '../../infra/local/install.js';
import { repoRoot } from '../../infra/local/paths.js';
import { stepUpStack } from '../../infra/local/test-support/stepup-stack.js';
import { testTenant } from '../../infra/local/test-support/twin.js';
import { addVirtualAuthenticator } from '../../infra/local/test-support/virtual-authenticator.js';
import { entityInput } from '../core/graph/test-support/fixtures.js';

let browser: Browser | undefined;
let server: ServerType | undefined;
let stack: Awaited<ReturnType<typeof stepUpStack>>;
let port = 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port: p } = s.address() as { port: number };
      s.close(() => resolve(p));
    });
  });
}

beforeAll(async () => {
  // A fresh machine gets Chromium from Debian; playwright-core drives it, it never downloads a browser.
  const executablePath = await ensureAptBinary('chromium', 'chromium', 'chromium');
  port = await freePort();
  stack = await stepUpStack({ pageOrigin: `http://localhost:${port}`, page: true });
  // One origin for the page, the step-up routes and /graphql (the edge), as CloudFront path routing gives in AWS.
  const app = new Hono();
  app.post('/graphql', (c) => stack.edge.fetch(c.req.raw));
  app.route('/', stack.stepUp);
  server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
  browser = await chromium.launch({
    executablePath,
    headless: true,
    // playwright gives every launch a fresh temporary profile (its own --user-data-dir).
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  await stack?.close();
});

it('registers a passkey, steps up on the 401 and applies the merge in Chromium', async () => {
  const tenant = testTenant('browser');
  for (const id of ['s', 'm']) {
    await stack.repo.upsertEntity(tenant, entityInput({ id, names: [`n-${id}`], dataClass: 'ENTITY' }));
  }
  const token = await stack.issuer.sign({ tenant, roles: ['analyst'], sid: 'sess-browser' }, { sub: 'alice' });
  const context = await browser!.newContext({ viewport: { width: 900, height: 820 } });
  const page = await context.newPage();
  await addVirtualAuthenticator(context, page);

  await page.goto(`http://localhost:${port}/stepup#token=${token}`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.click('#register');
  await page.waitForFunction(() => document.querySelector('#result')?.textContent === 'Passkey registered.');
  await page.fill('#survivor', 's');
  await page.fill('#merged', 'm');
  await page.click('#merge');
  await page.waitForFunction(() =>
    /Merge (applied|refused)/.test(document.querySelector('#result')?.textContent ?? ''),
  );
  const result = await page.textContent('#result');
  const log = await page.textContent('#log');

  // A test run leaves the work tree clean: it keeps only the latest screenshot, under .run/ (gitignored).
  // `npm run evidence:stepup` sets GRAPHGATE_WRITE_EVIDENCE to keep a timestamped one in evidence/security/.
  const evidence = Boolean(process.env.GRAPHGATE_WRITE_EVIDENCE);
  const dir = join(repoRoot, evidence ? 'evidence/security' : '.run/screenshots');
  mkdirSync(dir, { recursive: true });
  const latest = join(dir, 'stepup-latest.png');
  await page.screenshot({ path: latest, fullPage: true });
  if (evidence) copyFileSync(latest, join(dir, `stepup-${new Date().toISOString().replace(/[:.]/g, '-')}.png`));
  await context.close();

  expect(result, log ?? '').toBe('Merge applied: m → s');
  expect(log).toContain('insufficient_user_authentication');
  const calls = (await stack.audit(tenant, 'stepup.sensitive-call')).map((e) => e.data.outcome);
  expect(calls).toEqual(['denied', 'ok']);
});
