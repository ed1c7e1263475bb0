import { existsSync, mkdtempSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type TamperWorld } from '../release/tamper-cases.js';
import { stageConfig } from './config/stages.js';
import { addGraphgateStage, createApp } from './graphgate-app.js';
import { gateContext, releaseDirIn, sealStageRelease } from './test-support/release.js';

// These synths either stop at the gate (before any stack exists) or deploy stub artefacts (no bundling), so they are
// fast; the full bundled synth is infra/cdk/synth.test.ts.
const synth = (context: Record<string, unknown>) => {
  const app = createApp({ outdir: mkdtempSync(join(tmpdir(), 'graphgate-gate-')), context });
  const stacks = addGraphgateStage(app, stageConfig('prod'));
  return { stacks, assembly: app.synth() };
};

describe('CDK release gate', () => {
  let world: TamperWorld;
  beforeAll(async () => {
    world = await createWorld();
  });
  afterAll(() => world.dispose());

  it('refuses to synth without a bundle when one is required', async () => {
    const dir = releaseDirIn(world, 'unsigned');
    await sealStageRelease(world, dir, 'prod');
    unlinkSync(join(dir, 'provenance.sigstore.json'));

    expect(() => synth(gateContext(world, dir))).toThrow(/synth refused: .* BUNDLE_MISSING/);
  });

  it('refuses a tampered bundle, naming the artefact', async () => {
    const dir = releaseDirIn(world, 'tampered');
    await sealStageRelease(world, dir, 'prod');
    const file = join(dir, 'artefacts', 'functions', 'graphql', 'index.mjs');
    writeFileSync(file, `${readFileSync(file, 'utf8')}// injected\n`);

    expect(() => synth(gateContext(world, dir))).toThrow(
      /ARTEFACT_DIGEST: changed: artefacts\/functions\/graphql\/index.mjs/,
    );
  });

  it('refuses a bundle built for another stage', async () => {
    const dir = releaseDirIn(world, 'dev');
    await sealStageRelease(world, dir, 'dev');

    expect(() => synth(gateContext(world, dir))).toThrow(/RELEASE_MISMATCH: the release was built for stage dev/);
  });

  it('cannot be talked past with context: the verified flag is not a context key', async () => {
    const dir = releaseDirIn(world, 'tampered-2');
    await sealStageRelease(world, dir, 'prod');
    unlinkSync(join(dir, 'artefacts', 'edge', 'index.mjs'));

    expect(() => synth({ ...gateContext(world, dir), verifiedRelease: dir })).toThrow(/ARTEFACT_MISSING/);
  });

  it('deploys the verified artefacts, byte for byte, when the bundle verifies', async () => {
    const dir = releaseDirIn(world, 'good');
    await sealStageRelease(world, dir, 'prod');

    const { stacks, assembly } = synth(gateContext(world, dir));

    const api = assembly.getStackByName(stacks.api.stackName);
    const fns = Template.fromJSON(api.template).findResources('AWS::Lambda::Function');
    const graphql = Object.values(fns).find((f) => String(f.Properties.Description).startsWith('GraphQL origin'));
    expect(graphql?.Properties.Handler).toBe('index.handler');
    const key = String(graphql?.Properties.Code.S3Key);
    const assetDir = join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`);
    expect(readFileSync(join(assetDir, 'index.mjs'), 'utf8')).toBe("export const handler = () => 'graphql';\n");
    // The review page uploaded to S3 is the release's build, not one made at synth.
    const pages = readdirSync(assembly.directory)
      .filter((d) => d.startsWith('asset.'))
      .map((d) => join(assembly.directory, d, 'index.html'))
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f, 'utf8'));
    expect(pages).toEqual(['<!doctype html><title>review page stub</title>\n']);
  }, 120_000);
});
