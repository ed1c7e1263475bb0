/**
 * Browser side of the step-up page: @simplewebauthn/browser for the ceremonies, plain fetch for the step-up routes
 * and for the merge through the edge (same origin: `/graphql` is routed to the edge, as CloudFront does in AWS).
 */
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const tokenInput = $<HTMLInputElement>('token');
const logEl = $<HTMLPreElement>('log');
const resultEl = $<HTMLParagraphElement>('result');

const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
if (fromHash) tokenInput.value = fromHash;

function log(line: string) {
  logEl.textContent = `${logEl.textContent}${new Date().toISOString().slice(11, 19)} ${line}\n`;
}

function show(text: string, ok: boolean) {
  resultEl.textContent = text;
  resultEl.className = ok ? 'ok' : 'bad';
}

async function api<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokenInput.value.trim()}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as T & { code?: string; errors?: { message: string }[] };
  if (!res.ok) throw new Error(`${path}: ${res.status} ${json.code ?? ''} ${json.errors?.[0]?.message ?? ''}`);
  return json;
}

async function register() {
  const { challengeId, options } = await api<{ challengeId: string; options: never }>('/stepup/register/options', {});
  log(`register: challenge ${challengeId}`);
  const response = await startRegistration({ optionsJSON: options });
  const { credentialId } = await api<{ credentialId: string }>('/stepup/register/verify', { challengeId, response });
  log(`register: passkey ${credentialId} stored`);
  show('Passkey registered.', true);
}

interface StepUpInfo {
  optionsUrl: string;
  scopes: string[];
  reason: string;
}

async function stepUp(info: StepUpInfo): Promise<string> {
  const { challengeId, options } = await api<{ challengeId: string; options: never }>(info.optionsUrl, {
    scopes: info.scopes,
  });
  log(`step-up: challenge ${challengeId} for ${info.scopes.join(', ')}`);
  const response = await startAuthentication({ optionsJSON: options });
  const issued = await api<{ grant: string; expiresAt: number }>('/stepup/authenticate/verify', {
    challengeId,
    response,
  });
  log(`step-up: grant issued, valid until ${new Date(issued.expiresAt * 1000).toISOString()}`);
  return issued.grant;
}

async function merge() {
  const body = JSON.stringify({
    operationName: document.body.dataset.mergeName,
    variables: { survivorId: $<HTMLInputElement>('survivor').value, mergedId: $<HTMLInputElement>('merged').value },
    extensions: { persistedQuery: { version: 1, sha256Hash: document.body.dataset.mergeId } },
  });
  const call = (grant?: string) =>
    fetch('/graphql', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokenInput.value.trim()}`,
        'content-type': 'application/json',
        ...(grant ? { 'x-gg-step-up-grant': grant } : {}),
      },
      body,
    });
  let res = await call();
  let json = await res.json();
  const first = json.errors?.[0]?.extensions;
  if (res.status === 401 && first?.code === 'STEP_UP_REQUIRED') {
    log(`merge: 401 ${res.headers.get('www-authenticate')}`);
    res = await call(await stepUp(first.stepUp as StepUpInfo));
    json = await res.json();
  }
  if (json.data?.mergeEntity) {
    log(`merge: applied, merge id ${json.data.mergeEntity.mergeId}`);
    show(`Merge applied: ${json.data.mergeEntity.mergedId} → ${json.data.mergeEntity.survivor.id}`, true);
  } else {
    show(`Merge refused: ${json.errors?.[0]?.extensions?.code ?? res.status}`, false);
    log(`merge: ${JSON.stringify(json)}`);
  }
}

function guard(fn: () => Promise<void>) {
  return () =>
    fn().catch((err: Error) => {
      log(`error: ${err.message}`);
      show(err.message, false);
    });
}

$('register').addEventListener('click', guard(register));
$('merge').addEventListener('click', guard(merge));
document.body.dataset.ready = 'true';
