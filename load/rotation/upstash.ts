/**
 * The staged rotation of the Upstash REST token, with a rollback rehearsal first: the endpoint (infra/local/upstash-rest,
 * restarted per stage as Upstash adds or deletes an ACL user) accepts old, then old + new; readers switch; the old is
 * retired. Every stage asserts which token must be accepted (200) and which refused (401) at that point.
 */
import { randomBytes } from 'node:crypto';
import { cacheDir } from '../../infra/local/paths.js';
import { freePort } from '../../infra/local/process.js';
import { startUpstashRest } from '../../infra/local/upstash.js';
import type { Classify, StageLog } from './stages.js';

/** Starts an endpoint accepting exactly `tokens` at `url`; each stage starts one and stops it. */
export type UpstashEndpoint = (tokens: string[]) => Promise<{ url: string; stop: () => Promise<void> }>;

/** The twin's REST endpoint in front of `redisUrl`, on one free port for every stage. */
export async function localUpstashEndpoint(runDir: string, redisUrl: string): Promise<UpstashEndpoint> {
  const port = await freePort();
  return async (tokens) => {
    const running = await startUpstashRest(
      { runDir, cacheDir, persistent: false },
      { port, redisUrl, tokens, logName: 'upstash-rest-rotation.log' },
    );
    return { url: `http://127.0.0.1:${port}`, stop: () => running.stop() };
  };
}

/** A PING through the REST endpoint with `token`. */
async function ping(url: string, token: string) {
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '["PING"]' });
  await res.arrayBuffer();
  return { status: res.status };
}

const classify: Classify = ({ status }) => (status === 200 ? 'accepted' : status === 401 ? 'refused' : 'other');

/** Runs the Upstash token rotation's stages into `log`; true when every stage's claims held. */
export async function rotateUpstashToken(log: StageLog, endpoint: UpstashEndpoint): Promise<boolean> {
  const oldToken = `rot-old-${randomBytes(16).toString('base64url')}`;
  const newToken = `rot-new-${randomBytes(16).toString('base64url')}`;
  const stage = async (
    name: string,
    tokens: string[],
    expected: { old?: 'accepted' | 'refused'; new?: 'accepted' | 'refused' },
    detail: Record<string, unknown>,
  ) => {
    const running = await endpoint(tokens);
    try {
      const observed: Record<string, { status: number }> = {};
      if (expected.old) observed.old = await ping(running.url, oldToken);
      if (expected.new) observed.new = await ping(running.url, newToken);
      log.record(`upstash.${name}`, { expected: expected as Record<string, 'accepted'>, observed, classify }, detail);
    } finally {
      await running.stop();
    }
  };
  const both = [oldToken, newToken];
  await stage('baseline', [oldToken], { old: 'accepted', new: 'refused' }, { readers: 'old' });
  // Rehearsal of a rotation abandoned mid-way: add the new token, switch readers, then undo both in reverse order.
  await stage('rollback.add-new-token', both, { old: 'accepted', new: 'accepted' }, { readers: 'old' });
  await stage('rollback.switch-readers', both, { new: 'accepted' }, { readers: 'new' });
  await stage('rollback.readers-back-to-old', both, { old: 'accepted' }, { readers: 'old' });
  await stage('rollback.new-token-removed', [oldToken], { old: 'accepted', new: 'refused' }, { readers: 'old' });
  // Stage 1: the database accepts both tokens; every reader still presents the old one.
  await stage('add-new-token', both, { old: 'accepted', new: 'accepted' }, { readers: 'old' });
  // Stage 2: readers (origin, intake API, edge) switch to the new token (secret + deploy); the probe plays them.
  await stage('switch-readers', both, { new: 'accepted' }, { readers: 'new' });
  // Stage 3: the old token is retired; a reader still on it is refused.
  await stage('retire-old-token', [newToken], { old: 'refused', new: 'accepted' }, { readers: 'new' });
  return log.passed('upstash.');
}
