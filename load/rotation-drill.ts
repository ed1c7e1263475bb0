/**
 * `npm run secrets:rotate` — a staged rotation of the edge↔origin signing key (and of the JWT signing key) against a
 * local stack, with a timestamp per stage in evidence/security/rotation-<UTC>.json (+ -latest.json):
 *   rehearsal of a rollback mid-rotation (add new key → switch signer → signer back → verifier back: old accepted, new
 *   refused), then add new key → verify both accepted → switch signer → retire old → verify old refused.
 * The Upstash REST token the same way (load/rotation/upstash.ts): the endpoint (infra/local/upstash-rest, restarted per stage) accepts old, then
 * old + new (Upstash: a second ACL user's REST token), readers switch, the old is retired — with the same rollback
 * rehearsal first. Writes the drill record runbooks/drills/rotation-<UTC>.md and evidence/dr/rotation-<UTC>.json too,
 * and fills the "last drill" line of runbooks/secrets-rotation.md.
 * Uses the running `npm start` twin when .run/endpoints.json answers, else starts a throwaway twin on free ports.
 * The origin is a real process (functions/graphql/server.ts) restarted with each stage's SIGNING_KEYS.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createVerifier, defaultMaxTokenLifetimeS } from '../functions/core/auth/index.js';
import type { SigningKey } from '../functions/core/signing/internal-request.js';
import { originEnv } from '../infra/local/apps.js';
import { ensureDevKeys } from '../infra/local/dev-keys.js';
import { signedOriginRequest } from '../infra/local/origin-request.js';
import { cacheDir, repoRoot, startRunDir } from '../infra/local/paths.js';
import { freePort, spawnComponent } from '../infra/local/process.js';
import { pickFreePorts, startTwin, type Twin } from '../infra/local/twin.js';
import type { TwinEndpoints } from '../infra/local/types.js';
import { fileStamp, fillLastDrill, writeEvidence } from '../infra/release/evidence.js';
import { type Classify, type Expectation, type Probe, StageLog } from './rotation/stages.js';
import { localUpstashEndpoint, rotateUpstashToken } from './rotation/upstash.js';

const log = new StageLog();
const stages = log.stages;

async function endpointsOrStart(runDir: string): Promise<{ endpoints: TwinEndpoints; twin?: Twin }> {
  const file = join(startRunDir, 'endpoints.json');
  if (existsSync(file)) {
    const endpoints = JSON.parse(readFileSync(file, 'utf8')) as TwinEndpoints;
    const ok = await fetch(endpoints.dynamoEndpoint).then(
      () => true,
      () => false,
    );
    if (ok) return { endpoints };
  }
  const twin = await startTwin({ runDir, cacheDir, persistent: false }, { ports: await pickFreePorts() });
  return { endpoints: twin.endpoints, twin };
}

/** Status of one signed GetEntity call straight to the origin (401 BAD_SIGNATURE means the key is refused). */
async function probe(url: string, key: SigningKey): Promise<{ status: number; code?: string }> {
  const req = await signedOriginRequest({
    url,
    key,
    operation: 'GetEntity',
    variables: { id: 'rotation-probe' },
    claims: {
      tenant: 'rotation-probe',
      subject: 'rotation',
      attributes: { roles: ['analyst'] },
      sessionId: 'rotation',
    },
  });
  const res = await fetch(req);
  const json = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
  return { status: res.status, code: json.errors?.[0]?.extensions?.code };
}

async function rotateSigningKey(runDir: string, endpoints: TwinEndpoints) {
  const keys = ensureDevKeys(join(runDir, 'dev-keys.json'));
  const oldKey = { kid: 'rot-old', secret: randomBytes(32).toString('base64url') };
  const newKey = { kid: 'rot-new', secret: randomBytes(32).toString('base64url') };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/graphql`;
  const origin = async (signing: SigningKey[]) =>
    spawnComponent({
      name: 'graphql origin (rotation)',
      command: process.execPath,
      args: [
        join(repoRoot, 'node_modules/tsx/dist/cli.mjs'),
        join(repoRoot, 'functions/graphql/server.ts'),
        '--port',
        String(port),
      ],
      env: { ...originEnv(endpoints, keys), SIGNING_KEYS: signing.map((k) => `${k.kid}:${k.secret}`).join(',') },
      port,
      url,
      logFile: join(runDir, 'origin-rotation.log'),
      readyLine: /GRAPHGATE_ORIGIN_READY/,
      probe: async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
      timeoutMs: 90_000,
    });
  // 401 BAD_SIGNATURE is a refused key; any other answer (200, a GraphQL error) means the signature was accepted.
  const classify: Classify = (r) => (r.status !== 401 ? 'accepted' : r.code === 'BAD_SIGNATURE' ? 'refused' : 'other');
  const stage = async (
    name: string,
    expected: { old?: Expectation; new?: Expectation },
    detail: Record<string, unknown>,
  ) => {
    const observed: Record<string, Probe> = {};
    if (expected.old) observed.old = await probe(url, oldKey);
    if (expected.new) observed.new = await probe(url, newKey);
    log.record(`signing.${name}`, { expected: expected as Record<string, Expectation>, observed, classify }, detail);
  };
  let running = await origin([oldKey]);
  await stage('baseline', { old: 'accepted', new: 'refused' }, { originKeys: ['rot-old'] });
  await running.stop();
  // Rehearsal of a rotation abandoned mid-way (a bad key, an alarm after the switch): add → switch → roll both back.
  running = await origin([oldKey, newKey]);
  await stage('rollback.add-new-key', { old: 'accepted', new: 'accepted' }, { originKeys: ['rot-old', 'rot-new'] });
  await stage('rollback.switch-signer', { new: 'accepted' }, { edgeKid: 'rot-new' });
  // Undo stage 2: the edge signs with the old key again; the origin still accepts both, so nothing fails meanwhile.
  await stage('rollback.signer-back-to-old', { old: 'accepted' }, { edgeKid: 'rot-old' });
  await running.stop();
  // Undo stage 1: the origin forgets the new key; the old one works, the new one is refused as it was before.
  running = await origin([oldKey]);
  await stage('rollback.verifier-back-to-old', { old: 'accepted', new: 'refused' }, { originKeys: ['rot-old'] });
  await running.stop();
  // Stage 1: the verifier learns the new key first; the signer keeps using the old one.
  running = await origin([oldKey, newKey]);
  await stage('add-new-key', { old: 'accepted', new: 'accepted' }, { originKeys: ['rot-old', 'rot-new'] });
  // Stage 2: the edge signs with the new key (local edge: SIGNING key in its config; here the probe plays the edge).
  await stage('switch-signer', { new: 'accepted' }, { edgeKid: 'rot-new' });
  await running.stop();
  // Stage 3: the old key is retired from the verifier; calls signed with it must now be refused.
  running = await origin([newKey]);
  await stage('retire-old-key', { old: 'refused', new: 'accepted' }, { originKeys: ['rot-new'] });
  await running.stop();
  return log.passed('signing.');
}

async function rotateJwtKey() {
  const jwk = async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const kid = `jwt-${randomBytes(4).toString('hex')}`;
    return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256' } };
  };
  const [oldK, newK] = [await jwk(), await jwk()];
  const token = (k: typeof oldK) =>
    new SignJWT({ tenant: 'rotation', sid: 's' })
      .setProtectedHeader({ alg: 'ES256', kid: k.kid })
      .setIssuer('https://graphgate.local/issuer')
      .setAudience('graphgate')
      .setSubject('rotation')
      .setExpirationTime('5m')
      .sign(k.privateKey);
  const verifier = (keys: Record<string, unknown>[]) =>
    createVerifier({
      issuer: 'https://graphgate.local/issuer',
      audience: 'graphgate',
      jwks: { keys },
      clockSkewS: 30,
      maxTokenLifetimeS: defaultMaxTokenLifetimeS,
      tenantClaim: 'tenant',
    });
  // A token the verifier takes is accepted (200), one it throws on is refused (401).
  const status = async (v: ReturnType<typeof verifier>, t: string): Promise<Probe> =>
    v(`Bearer ${t}`).then(
      () => ({ status: 200 }),
      () => ({ status: 401 }),
    );
  const classify: Classify = (p) => (p.status === 200 ? 'accepted' : 'refused');
  const both = verifier([oldK.publicJwk, newK.publicJwk]);
  log.record('jwt.publish-new-key', {
    expected: { old: 'accepted', new: 'accepted' },
    observed: { old: await status(both, await token(oldK)), new: await status(both, await token(newK)) },
    classify,
  });
  const onlyNew = verifier([newK.publicJwk]);
  log.record('jwt.retire-old-key', {
    expected: { old: 'refused', new: 'accepted' },
    observed: { old: await status(onlyNew, await token(oldK)), new: await status(onlyNew, await token(newK)) },
    classify,
  });
  return log.passed('jwt.');
}

const started = new Date();
const runDir = mkdtempSync(join(tmpdir(), 'graphgate-rotate-'));
console.log('staged secret rotation (local)');
const { endpoints, twin } = await endpointsOrStart(runDir);
let ok = false;
try {
  const signing = await rotateSigningKey(runDir, endpoints);
  const upstash = await rotateUpstashToken(log, await localUpstashEndpoint(runDir, endpoints.redisUrl));
  const jwt = await rotateJwtKey();
  ok = signing && upstash && jwt;
} finally {
  await twin?.stop();
}
const dir = join(repoRoot, 'evidence/security');
mkdirSync(dir, { recursive: true });
const file = join(dir, `rotation-${started.toISOString().replace(/[:.]/g, '-')}.json`);
const report = {
  command: `npm run secrets:rotate${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  startedAt: started.toISOString(),
  finishedAt: new Date().toISOString(),
  stack: twin ? 'started (free ports)' : 'running npm start twin',
  ok,
  stages,
};
// First, while the tree holds only what was committed: the record's `dirty` flag is about the code, not our outputs.
const drill = writeEvidence('dr', 'rotation', report.command, report);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
copyFileSync(file, join(dir, 'rotation-latest.json'));
const drills = join(repoRoot, 'runbooks', 'drills');
mkdirSync(drills, { recursive: true });
const md = join(drills, `rotation-${fileStamp(started)}.md`);
writeFileSync(
  md,
  [
    `# Secrets rotation drill ${started.toISOString()}`,
    '',
    `Written by \`${report.command}\`; evidence: \`${relative(repoRoot, drill)}\` (and \`${relative(repoRoot, file)}\`).`,
    `Stack: ${report.stack}.`,
    '',
    `**${ok ? 'PASS' : 'FAIL'}** — signing key, Upstash token (each: rollback mid-rotation, then add → switch → retire), JWT key (publish → retire).`,
    '',
    '## Stages (UTC)',
    '',
    ...stages.map(
      (s) =>
        `- ${s.at} — ${s.stage} — ${s.ok ? 'ok' : `FAIL: ${s.failures.join('; ')}`} — expected \`${JSON.stringify(s.expected)}\`, observed \`${JSON.stringify(s.observed)}\`${Object.keys(s.detail).length ? `, \`${JSON.stringify(s.detail)}\`` : ''}`,
    ),
    '',
  ].join('\n'),
);
fillLastDrill(
  join(repoRoot, 'runbooks', 'secrets-rotation.md'),
  `Last drill: ${started.toISOString()} — ${ok ? 'PASS' : 'FAIL'} (signing key and Upstash token: rollback rehearsal, then add → switch → retire; JWT key: publish → retire); record \`${relative(repoRoot, md)}\`, evidence \`${relative(repoRoot, drill)}\`, written by \`${report.command}\`.`,
);
console.log(`${ok ? 'rotation verified' : 'ROTATION CHECK FAILED'}; evidence: ${file}`);
process.exit(ok ? 0 : 1);
