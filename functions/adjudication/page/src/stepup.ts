/**
 * The passkey step-up ceremony, inline in the page: authentication options for the scopes the origin asked for, the
 * WebAuthn get (or, with no passkey yet, a registration first), and the grant the edge forwards with the retry.
 */
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import type { StepUpChallenge } from './edge-client.js';

export interface Grant {
  token: string;
  scopes: string[];
  expiresAt: number;
}

async function post<T>(path: string, token: string, body: unknown): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as T & { code?: string; message?: string };
  if (!res.ok) throw Object.assign(new Error(json.message ?? `${path}: ${res.status}`), { code: json.code });
  return json;
}

/** Registers a passkey for this session's subject. */
export async function registerPasskey(token: string, registerUrl: string): Promise<void> {
  const verifyUrl = registerUrl.replace(/options$/, 'verify');
  const { challengeId, options } = await post<{ challengeId: string; options: never }>(registerUrl, token, {});
  const response = await startRegistration({ optionsJSON: options });
  await post(verifyUrl, token, { challengeId, response });
}

/** Runs the step-up ceremony for `scopes` and returns the grant; registers a passkey first when there is none. */
export async function stepUp(token: string, challenge: StepUpChallenge, scopes: string[]): Promise<Grant> {
  const verifyUrl = challenge.optionsUrl.replace(/options$/, 'verify');
  let opts: { challengeId: string; options: never };
  try {
    opts = await post(challenge.optionsUrl, token, { scopes });
  } catch (err) {
    if ((err as { code?: string }).code !== 'NO_CREDENTIALS') throw err;
    await registerPasskey(token, challenge.registerUrl);
    opts = await post(challenge.optionsUrl, token, { scopes });
  }
  const response = await startAuthentication({ optionsJSON: opts.options });
  const issued = await post<{ grant: string; expiresAt: number }>(verifyUrl, token, {
    challengeId: opts.challengeId,
    response,
  });
  return { token: issued.grant, scopes, expiresAt: issued.expiresAt * 1000 };
}
