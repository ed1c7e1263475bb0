import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packEvidence } from './evidence-pack.js';
import { createWorld, type TamperWorld } from './tamper-cases.js';

describe('release evidence bundle', () => {
  let world: TamperWorld;
  afterEach(() => world.dispose());

  const pack = async () => {
    world = await createWorld();
    const root = join(world.root, 'repo');
    mkdirSync(join(root, 'evidence', 'provenance'), { recursive: true });
    mkdirSync(join(root, 'runbooks', 'drills'), { recursive: true });
    writeFileSync(join(root, 'evidence', 'provenance', 'tamper-latest.json'), '{"blocked":16}\n');
    writeFileSync(join(root, 'runbooks', 'drills', 'freeze-1.md'), '# drill\n');
    const outDir = join(world.root, 'evidence-pack');
    const custody = await packEvidence({
      root,
      sources: ['evidence', 'runbooks/drills'],
      releaseDir: world.a,
      verified: world.verify(),
      outDir,
      signer: world.keys.signer,
      verifiedAt: new Date().toISOString(),
    });
    return { outDir, custody };
  };

  it('packs evidence and drills with a custody record, verifiable like a release', async () => {
    const { outDir, custody } = await pack();

    const verified = world.verify(outDir);

    expect(verified.releaseId).toBe('rel-a.evidence');
    expect(Object.keys(verified.manifest.artefacts)).toEqual([
      'artefacts/custody.json',
      'artefacts/evidence/provenance/tamper-latest.json',
      'artefacts/runbooks/drills/freeze-1.md',
    ]);
    expect(custody).toMatchObject({ release: 'rel-a', verified: { result: 'verified' } });
    expect(custody.built.commit).toBe('0'.repeat(40));
  });

  it('refuses an evidence bundle whose drill record was edited', async () => {
    const { outDir } = await pack();
    const drill = join(outDir, 'artefacts', 'runbooks', 'drills', 'freeze-1.md');
    writeFileSync(drill, `${readFileSync(drill, 'utf8')}PASS (edited)\n`);

    expect(() => world.verify(outDir)).toThrow(/changed: artefacts\/runbooks\/drills\/freeze-1.md/);
  });
});
