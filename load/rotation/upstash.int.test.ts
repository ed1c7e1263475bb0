import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { twin } from '../../infra/local/test-support/twin.js';
import { StageLog } from './stages.js';
import { localUpstashEndpoint, rotateUpstashToken, type UpstashEndpoint } from './upstash.js';

const dir = mkdtempSync(join(tmpdir(), 'graphgate-rotation-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the Upstash token rotation drill (real REST endpoint and Redis)', () => {
  it('passes every stage when each one does what it claims', async () => {
    const log = new StageLog(() => {});

    const ok = await rotateUpstashToken(log, await localUpstashEndpoint(dir, twin().redisUrl));

    expect(log.stages.map((s) => [s.stage, s.ok])).toEqual(
      [
        'baseline',
        'rollback.add-new-token',
        'rollback.switch-readers',
        'rollback.readers-back-to-old',
        'rollback.new-token-removed',
        'add-new-token',
        'switch-readers',
        'retire-old-token',
      ].map((s) => [`upstash.${s}`, true]),
    );
    expect(ok).toBe(true);
  });

  it('fails the drill when the retire stage leaves the old token accepted', async () => {
    const honest = await localUpstashEndpoint(dir, twin().redisUrl);
    // A broken retirement: the endpoint is asked for the new token alone but keeps the first token it ever saw.
    let first: string | undefined;
    const neverRetires: UpstashEndpoint = (tokens) => {
      first ??= tokens[0];
      return honest(tokens.includes(first!) ? tokens : [first!, ...tokens]);
    };
    const log = new StageLog(() => {});

    const ok = await rotateUpstashToken(log, neverRetires);

    expect(ok).toBe(false);
    expect(log.stages.filter((s) => !s.ok)).toEqual([
      expect.objectContaining({
        stage: 'upstash.retire-old-token',
        failures: [expect.stringMatching(/^old: expected refused, got accepted/)],
      }),
    ]);
  });
});
