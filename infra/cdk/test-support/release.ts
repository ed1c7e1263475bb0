import { join } from 'node:path';
import { functionEntries, reviewPage } from '../../release/deployables.js';
import { gitState } from '../../release/git.js';
import { sealTestRelease, type TamperWorld, testFacts } from '../../release/tamper-cases.js';

/** A signed release (stub code, real signature) of every deployable for `stage`, built from the checked-out commit. */
export async function sealStageRelease(world: TamperWorld, dir: string, stage: string): Promise<void> {
  const stubs = {
    ...Object.fromEntries(
      Object.keys(functionEntries).map((name) => [
        `functions/${name}/index.mjs`,
        `export const handler = () => '${name}';\n`,
      ]),
    ),
    [`${reviewPage.artefact}/index.html`]: '<!doctype html><title>review page stub</title>\n',
  };
  const facts = { ...testFacts(`rel-${stage}`, new Date()), commit: gitState().commit };
  await sealTestRelease(dir, { ...facts, inputs: { ...facts.inputs, stage } }, world.keys.signer, stubs);
}

/** CDK context that makes synth require `dir`, trusting the world's signed policy. */
export const gateContext = (world: TamperWorld, dir: string) => ({
  requireVerifiedBundle: 'true',
  releaseDir: dir,
  trustPolicy: world.keys.paths.policyBundle,
  policyRoot: world.keys.paths.rootPublicKey,
});

export const releaseDirIn = (world: TamperWorld, name: string) => join(world.root, name);
