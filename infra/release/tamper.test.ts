import { afterEach, describe, expect, it } from 'vitest';
import { createWorld, runTamperCase, type TamperWorld, tamperCases } from './tamper-cases.js';
import { subjectPathProblem } from './verify.js';

describe('verify-bundle', () => {
  let world: TamperWorld | undefined;
  afterEach(() => world?.dispose());

  it('accepts an untampered release signed by a trusted key', async () => {
    world = await createWorld();

    const verified = world.verify();

    expect(verified.releaseId).toBe('rel-a');
    expect(verified.artefactCount).toBe(4);
    expect(verified.key.label).toBe('local-development');
  });

  it.each(tamperCases.map((c) => [c.name, c] as const))('blocks %s with its own reason', async (_name, c) => {
    const result = await runTamperCase(c);

    expect(result.got).toBe(c.expect);
    expect(result.blocked).toBe(true);
    expect(result.message.length).toBeGreaterThan(20);
  });

  it('gives every tamper case a distinct reason where the issue lists one', () => {
    const listed = [
      'one byte changed in an artefact',
      'an artefact added',
      'an artefact removed',
      'a signed statement with a ../ subject',
      'signature swapped (from another release, same key)',
      'bundle from another release',
      'payload-type confusion (envelope type relabelled)',
      'signed by an unknown key',
      'signed by an expired key',
      'signed by a revoked key',
      'trust policy edited without a signature',
    ];
    const codes = listed.map((n) => tamperCases.find((c) => c.name === n)?.expect);

    expect(codes).not.toContain(undefined);
    expect(new Set(codes).size).toBe(listed.length);
  });

  it.each([
    ['manifest.json', undefined],
    ['artefacts/edge/index.mjs', undefined],
    ['../outside.mjs', '..'],
    ['artefacts/../../outside.mjs', '..'],
    ['artefacts/a/../b.mjs', '..'],
    ['/etc/passwd', 'absolute'],
    ['C:/release/x.mjs', 'absolute'],
    ['artefacts\\..\\x.mjs', 'backslash'],
    ['artefacts//x.mjs', 'empty'],
    ['artefacts/./x.mjs', '"."'],
    ['artefacts', 'outside artefacts/'],
    ['statement.json', 'outside artefacts/'],
    ['artefacts-evil/x.mjs', 'outside artefacts/'],
  ] as const)('judges subject name %j', (name, problem) => {
    const found = subjectPathProblem(name);

    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});
