/**
 * The minimal step-up page: register a passkey, attempt a merge through the edge, complete step-up on the 401 and
 * retry. The browser side (page/client.ts, @simplewebauthn/browser) is bundled with esbuild when first requested, so
 * `npm start` needs no separate build step; esbuild is imported lazily so the Lambda bundle never carries it.
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { operationByName } from '../core/manifest/index.js';

const pageStyle = `
body{font:15px/1.4 system-ui,sans-serif;max-width:760px;margin:2rem auto;padding:0 1rem;color:#1d2330}
h1{font-size:1.3rem} fieldset{border:1px solid #ccd;border-radius:6px;margin:1rem 0;padding:.8rem}
label{display:block;margin:.3rem 0} input{font:inherit;width:100%;box-sizing:border-box;padding:.3rem}
button{font:inherit;padding:.4rem .9rem;margin:.4rem .4rem 0 0} #result{font-weight:600}
pre{background:#f4f5f8;padding:.6rem;white-space:pre-wrap;word-break:break-all;max-height:22rem;overflow:auto}
.ok{color:#0a6b2b} .bad{color:#a0201c}
`;

/**
 * The page's Content-Security-Policy sources: only its own script (/stepup/page.js) and its one inline style block,
 * pinned by hash; fetches only to its own origin (the step-up routes and /graphql); never framed.
 */
export const pageCsp = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: [`'sha256-${createHash('sha256').update(pageStyle).digest('base64')}'`],
  connectSrc: ["'self'"],
  imgSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page HTML. The merge operation's persisted id comes from the manifest, like any client's. */
export function stepUpPage(): string {
  const merge = operationByName('MergeEntity');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>graphgate step-up</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${pageStyle}</style></head>
<body data-merge-id="${escapeHtml(merge.id)}" data-merge-name="${escapeHtml(merge.name)}">
<h1>graphgate — passkey step-up</h1>
<p>Merging entities is <code>@sensitive</code>: the origin asks for a fresh passkey step-up bound to this session.</p>
<fieldset><legend>Session</legend>
<label>Bearer token (or open this page with <code>#token=…</code>)<input id="token" autocomplete="off"></label>
<button id="register">1. Register a passkey</button></fieldset>
<fieldset><legend>Merge</legend>
<label>Survivor id<input id="survivor"></label><label>Merged id<input id="merged"></label>
<button id="merge">2. Merge (step-up when asked)</button></fieldset>
<p id="result" aria-live="polite"></p>
<pre id="log"></pre>
<script type="module" src="/stepup/page.js"></script>
</body></html>`;
}

let bundled: Promise<string> | undefined;

/** The browser script, bundled once per process. */
export function bundlePageScript(): Promise<string> {
  bundled ??= import('esbuild').then(async (esbuild) => {
    const out = await esbuild.build({
      entryPoints: [fileURLToPath(new URL('./page/client.ts', import.meta.url))],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2020',
      minify: false,
      write: false,
      logLevel: 'silent',
    });
    return out.outputFiles[0]!.text;
  });
  return bundled;
}
