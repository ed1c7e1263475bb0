/**
 * Negative controls of Verify-Bundle: each case builds a small real release in a temporary directory (real keys, real
 * Sigstore bundle), tampers with it one way, and expects verification to refuse it with that case's own code. The
 * unit tests and `npm run tamper-tests` (CI's tamper-test job, evidence/provenance/) run the same list.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { canonicalJson } from '../../functions/core/json/canonical.js';
import { signDsse } from './dsse.js';
import { ReleaseError, type ReleaseErrorCode } from './errors.js';
import { generateKey, type LocalKeys, openLocalKeys, writeSignedPolicy } from './keystore.js';
import { type ReleaseFacts, sealRelease } from './sign-release.js';
import { FileKeySigner } from './signer.js';
import { IN_TOTO_PAYLOAD_TYPE, LOCAL_BUILDER_ID, RELEASE_FILES } from './statement.js';
import { loadTrustPolicy, TRUST_POLICY_PAYLOAD_TYPE, type TrustPolicy } from './trust-policy.js';
import { type VerifiedRelease, verifyRelease } from './verify.js';

export const TEST_REPOSITORY = 'https://example.test/graphgate.git';

/** A throwaway world: a key store, two sealed releases (a, b) and a verify function reading the policy from disk. */
export interface TamperWorld {
  readonly root: string;
  readonly keys: LocalKeys;
  readonly a: string;
  readonly b: string;
  verify(dir?: string): VerifiedRelease;
  policy(): TrustPolicy;
  rewritePolicy(edit: (p: TrustPolicy) => TrustPolicy): Promise<void>;
  bundleJson(dir: string): { dsseEnvelope: { payload: string; payloadType: string; signatures: { sig: string }[] } };
  writeBundle(dir: string, json: unknown): void;
  dispose(): void;
}

const ARTEFACTS = {
  'functions/graphql/index.mjs': 'export const handler = async () => ({ statusCode: 200 });\n',
  'functions/graphql/policies/policy.wasm': '\0asm\x01\0\0\0',
  'edge/index.mjs': 'export const handler = async (e) => e.Records[0].cf.request;\n',
  'schema/manifest.json': '{"operations":[]}\n',
};

/** Facts of a test release built at `at` (the signing time the key windows are checked against). */
export function testFacts(releaseId: string, at: Date, builder = LOCAL_BUILDER_ID): ReleaseFacts {
  return {
    releaseId,
    createdAt: at.toISOString(),
    commit: '0'.repeat(40),
    dirty: false,
    sourceRepository: TEST_REPOSITORY,
    lockfileSha256: 'a'.repeat(64),
    builder: { id: builder, node: process.version, esbuild: 'test' },
    inputs: { stage: 'test', entries: {}, policyRevision: 'b'.repeat(64) },
  };
}

/** Writes a small artefact tree into `dir` and seals it with `signer`. */
export async function sealTestRelease(
  dir: string,
  facts: ReleaseFacts,
  signer: FileKeySigner,
  extra: Record<string, string> = {},
): Promise<void> {
  for (const [path, text] of Object.entries({ ...ARTEFACTS, ...extra })) {
    const file = join(dir, RELEASE_FILES.artefacts, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  await sealRelease(dir, facts, signer, facts.createdAt, facts.createdAt);
}

/** Creates a world with releases `a` and `b` signed by the store's current key, now. */
export async function createWorld(now = new Date()): Promise<TamperWorld> {
  const root = mkdtempSync(join(tmpdir(), 'graphgate-release-'));
  const keys = await openLocalKeys(TEST_REPOSITORY, join(root, 'keys'), new Date(now.getTime() - 60_000));
  const a = join(root, 'a');
  const b = join(root, 'b');
  await sealTestRelease(a, testFacts('rel-a', now), keys.signer);
  await sealTestRelease(b, testFacts('rel-b', now), keys.signer, { 'functions/graphql/index.mjs': 'export {};\n' });
  const policy = () =>
    loadTrustPolicy({
      bundle: keys.paths.policyBundle,
      plain: keys.paths.policy,
      rootPublicKeyPem: keys.rootPublicKeyPem,
    });
  return {
    root,
    keys,
    a,
    b,
    policy,
    verify: (dir = a) => verifyRelease(dir, { policy: policy() }),
    rewritePolicy: async (edit) => writeSignedPolicy(keys.paths, edit(policy()), keys.root),
    bundleJson: (dir) => JSON.parse(readFileSync(join(dir, RELEASE_FILES.bundle), 'utf8')),
    writeBundle: (dir, json) => writeFileSync(join(dir, RELEASE_FILES.bundle), JSON.stringify(json)),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** One negative control: how it tampers and the only code that counts as blocking it. */
export interface TamperCase {
  readonly name: string;
  readonly expect: ReleaseErrorCode;
  tamper(world: TamperWorld): Promise<void> | void;
}

const artefact = (w: TamperWorld, path: string) => join(w.a, RELEASE_FILES.artefacts, path);

/**
 * Re-signs release a's statement, with a trusted key, plus a subject `name` whose file exists at `file` with the
 * digest the statement names: without a path check, verification would read and accept a file outside the release.
 */
async function signExtraSubject(w: TamperWorld, name: string, file: string): Promise<void> {
  const text = 'export const handler = async () => ({ statusCode: 302 });\n';
  writeFileSync(file, text);
  const statement = JSON.parse(Buffer.from(w.bundleJson(w.a).dsseEnvelope.payload, 'base64').toString('utf8'));
  statement.subject.push({ name, digest: { sha256: createHash('sha256').update(text).digest('hex') } });
  w.writeBundle(w.a, await signDsse(w.keys.signer, Buffer.from(canonicalJson(statement)), IN_TOTO_PAYLOAD_TYPE));
}

export const tamperCases: TamperCase[] = [
  {
    name: 'one byte changed in an artefact',
    expect: 'ARTEFACT_DIGEST',
    tamper: (w) => {
      const file = artefact(w, 'functions/graphql/index.mjs');
      const bytes = readFileSync(file);
      bytes[10] = bytes[10]! ^ 0x01;
      writeFileSync(file, bytes);
    },
  },
  {
    name: 'an artefact added',
    expect: 'ARTEFACT_UNLISTED',
    tamper: (w) => writeFileSync(artefact(w, 'functions/graphql/backdoor.mjs'), 'export const x = 1;\n'),
  },
  {
    name: 'an artefact removed',
    expect: 'ARTEFACT_MISSING',
    tamper: (w) => unlinkSync(artefact(w, 'edge/index.mjs')),
  },
  {
    name: 'a signed statement with a ../ subject',
    expect: 'ARTEFACT_PATH',
    tamper: (w) => signExtraSubject(w, '../outside.mjs', join(w.root, 'outside.mjs')),
  },
  {
    name: 'a signed statement with a subject that climbs out of artefacts/',
    expect: 'ARTEFACT_PATH',
    tamper: (w) => signExtraSubject(w, 'artefacts/../../outside.mjs', join(w.root, 'outside.mjs')),
  },
  {
    name: 'a signed statement with an absolute subject',
    expect: 'ARTEFACT_PATH',
    tamper: (w) => signExtraSubject(w, join(w.root, 'outside.mjs'), join(w.root, 'outside.mjs')),
  },
  {
    name: 'manifest edited after signing',
    expect: 'ARTEFACT_DIGEST',
    tamper: (w) => appendFileSync(join(w.a, RELEASE_FILES.manifest), ' '),
  },
  {
    name: 'signature swapped (from another release, same key)',
    expect: 'SIGNATURE_INVALID',
    tamper: (w) => {
      const mine = w.bundleJson(w.a);
      mine.dsseEnvelope.signatures[0]!.sig = w.bundleJson(w.b).dsseEnvelope.signatures[0]!.sig;
      w.writeBundle(w.a, mine);
    },
  },
  {
    name: 'payload edited inside the envelope',
    expect: 'SIGNATURE_INVALID',
    tamper: (w) => {
      const mine = w.bundleJson(w.a);
      const statement = JSON.parse(Buffer.from(mine.dsseEnvelope.payload, 'base64').toString('utf8'));
      statement.subject[0].digest.sha256 = 'f'.repeat(64);
      mine.dsseEnvelope.payload = Buffer.from(canonicalJson(statement)).toString('base64');
      w.writeBundle(w.a, mine);
    },
  },
  {
    name: 'bundle from another release',
    expect: 'RELEASE_MISMATCH',
    tamper: (w) => w.writeBundle(w.a, w.bundleJson(w.b)),
  },
  {
    name: 'payload-type confusion (envelope type relabelled)',
    expect: 'PAYLOAD_TYPE',
    tamper: (w) => {
      const mine = w.bundleJson(w.a);
      mine.dsseEnvelope.payloadType = 'application/json';
      w.writeBundle(w.a, mine);
    },
  },
  {
    name: 'payload-type confusion (statement validly signed as a trust policy)',
    expect: 'PAYLOAD_TYPE',
    tamper: async (w) => {
      const payload = Buffer.from(w.bundleJson(w.a).dsseEnvelope.payload, 'base64');
      w.writeBundle(w.a, await signDsse(w.keys.signer, payload, TRUST_POLICY_PAYLOAD_TYPE));
    },
  },
  {
    name: 'signed by an unknown key',
    expect: 'UNKNOWN_KEY',
    tamper: async (w) => {
      const rogue = generateKey((id) => join(w.root, `rogue-${id.slice(0, 8)}.pem`));
      const signer = new FileKeySigner(join(w.root, `rogue-${rogue.keyId.slice(0, 8)}.pem`));
      await sealTestRelease(w.a, testFacts('rel-a', new Date()), signer);
    },
  },
  {
    name: 'signed by an expired key',
    expect: 'KEY_OUTSIDE_VALIDITY',
    tamper: (w) =>
      w.rewritePolicy((p) => ({
        ...p,
        serial: p.serial + 1,
        keys: p.keys.map((k) => ({ ...k, validUntil: new Date(Date.parse(k.validFrom) + 1000).toISOString() })),
      })),
  },
  {
    name: 'signed by a revoked key',
    expect: 'KEY_REVOKED',
    tamper: (w) =>
      w.rewritePolicy((p) => ({
        ...p,
        serial: p.serial + 1,
        revoked: p.keys.map((k) => ({
          keyId: k.keyId,
          revokedAt: new Date().toISOString(),
          reason: 'test: key leaked',
        })),
      })),
  },
  {
    name: 'trust policy edited without a signature',
    expect: 'TRUST_POLICY_UNSIGNED',
    tamper: (w) => {
      const p = w.policy();
      p.builders.push('https://attacker.example/builder');
      writeFileSync(w.keys.paths.policy, JSON.stringify(p, null, 2));
    },
  },
  {
    name: 'trust policy payload edited inside its signed bundle',
    expect: 'TRUST_POLICY_SIGNATURE',
    tamper: (w) => {
      const bundle = JSON.parse(readFileSync(w.keys.paths.policyBundle, 'utf8'));
      const p = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8'));
      p.builders.push('https://attacker.example/builder');
      bundle.dsseEnvelope.payload = Buffer.from(canonicalJson(p)).toString('base64');
      writeFileSync(w.keys.paths.policyBundle, JSON.stringify(bundle));
      unlinkSync(w.keys.paths.policy);
    },
  },
  {
    name: 'built by a builder the policy does not allow',
    expect: 'BUILDER_NOT_ALLOWED',
    tamper: (w) =>
      sealTestRelease(w.a, testFacts('rel-a', new Date(), 'https://laptop.example/builder'), w.keys.signer),
  },
  {
    name: 'built from a source repository the policy does not allow',
    expect: 'SOURCE_NOT_ALLOWED',
    tamper: (w) =>
      sealTestRelease(
        w.a,
        { ...testFacts('rel-a', new Date()), sourceRepository: 'https://fork.example/g.git' },
        w.keys.signer,
      ),
  },
  {
    name: 'built from a dirty work tree where the policy forbids it',
    expect: 'DIRTY_BUILD',
    tamper: async (w) => {
      await w.rewritePolicy((p) => ({ ...p, serial: p.serial + 1, allowDirtyBuilds: false }));
      await sealTestRelease(w.a, { ...testFacts('rel-a', new Date()), dirty: true }, w.keys.signer);
    },
  },
];

/** What one case produced. */
export interface TamperResult {
  readonly name: string;
  readonly expected: ReleaseErrorCode;
  readonly got: string;
  readonly message: string;
  readonly blocked: boolean;
}

/** Runs one case in its own world: blocked only if verification refused with exactly the expected code. */
export async function runTamperCase(c: TamperCase): Promise<TamperResult> {
  const world = await createWorld();
  try {
    world.verify(); // the control: untampered, it must pass
    await c.tamper(world);
    try {
      world.verify();
      return { name: c.name, expected: c.expect, got: 'ACCEPTED', message: 'verification passed', blocked: false };
    } catch (error) {
      const code = error instanceof ReleaseError ? error.code : `UNEXPECTED:${(error as Error).name}`;
      return {
        name: c.name,
        expected: c.expect,
        got: code,
        message: (error as Error).message,
        blocked: code === c.expect,
      };
    }
  } finally {
    world.dispose();
  }
}
