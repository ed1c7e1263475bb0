/**
 * The adjudication page in a real browser for the end-to-end tests: Debian Chromium driven by playwright-core (as
 * the step-up test does), the page served with the in-process step-up stack behind it, a CDP virtual authenticator
 * per reviewer, screenshots under .run/screenshots/ (evidence/er/ with GRAPHGATE_WRITE_EVIDENCE), traces kept under
 * .run/traces/ when a test fails, and axe-core on every screen.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type ServerType, serve } from '@hono/node-server';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { ensureAptBinary } from '../../../infra/local/install.js';
import { repoRoot } from '../../../infra/local/paths.js';
import { stepUpStack } from '../../../infra/local/test-support/stepup-stack.js';
import { addVirtualAuthenticator } from '../../../infra/local/test-support/virtual-authenticator.js';
import { buildReviewPage } from '../build.js';
import { createReviewSite } from '../site.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export type ReviewStack = Awaited<ReturnType<typeof stepUpStack>>;

/** Builds the page, serves it with the step-up stack on one origin, and launches Chromium. */
export async function reviewBrowser() {
  // A fresh machine gets Chromium from Debian; playwright-core drives it, it never downloads a browser.
  const executablePath = await ensureAptBinary('chromium', 'chromium', 'chromium');
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const distDir = mkdtempSync(join(tmpdir(), 'review-dist-'));
  const [stack] = await Promise.all([stepUpStack({ pageOrigin: origin }), buildReviewPage(distDir)]);
  const site = createReviewSite({ distDir, edge: (r) => stack.edge.fetch(r), stepUp: (r) => stack.stepUp.fetch(r) });
  const server: ServerType = serve({ fetch: site.fetch, port, hostname: '127.0.0.1' });
  const browser: Browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });

  /**
   * A reviewer's browser context: a token in the URL fragment, a virtual passkey authenticator, a trace. `search`:
   * the page's query string (by default, poll every second while live updates are off).
   */
  async function reviewer(tenant: string, subject: string, claims: Record<string, unknown>, search = 'poll=1') {
    const token = await stack.issuer.sign({ tenant, sid: `sess-${subject}`, ...claims }, { sub: subject });
    const context: BrowserContext = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.tracing.start({ screenshots: true, snapshots: true });
    const page = await context.newPage();
    await addVirtualAuthenticator(context, page);
    await page.goto(`${origin}/review/?${search}#token=${token}`);
    await page.waitForSelector('body[data-ready="true"]');
    return { page, context, subject, sessionId: `sess-${subject}` };
  }

  return {
    stack,
    origin,
    reviewer,
    async close() {
      await browser.close();
      server.close();
      await stack.close();
      rmSync(distDir, { recursive: true, force: true });
    },
  };
}

/** Keeps the trace of a context when its test failed (.run/traces/<name>.zip), then closes it. */
export async function closeContext(context: BrowserContext, name: string, failed: boolean): Promise<void> {
  if (failed) {
    const dir = join(repoRoot, '.run/traces');
    mkdirSync(dir, { recursive: true });
    await context.tracing.stop({ path: join(dir, `${name}.zip`) });
  } else {
    await context.tracing.stop();
  }
  await context.close();
}

/**
 * A screenshot of the page as `adjudication-<name>.png`: under .run/screenshots/ in a test run (the tree stays
 * clean), in evidence/er/ too under `npm run evidence:review` (GRAPHGATE_WRITE_EVIDENCE=1).
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = join(repoRoot, '.run/screenshots');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `adjudication-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (process.env.GRAPHGATE_WRITE_EVIDENCE) {
    const evidence = join(repoRoot, 'evidence/er');
    mkdirSync(evidence, { recursive: true });
    copyFileSync(file, join(evidence, `adjudication-${name}.png`));
  }
}

/** The serious and critical axe-core violations of what the page shows now (WCAG 2.x A and AA rules). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
