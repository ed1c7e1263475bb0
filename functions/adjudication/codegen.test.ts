import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import { reviewOperationIds, reviewOperations } from './build.js';
import config, { generatedFile } from './codegen.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('review page types', () => {
  it('are generated from the current schema and documents (run `npm run codegen:review` when this fails)', async () => {
    const [out] = await generate({ ...config, cwd: root }, false);

    expect(out!.filename).toBe(generatedFile);
    expect(readFileSync(join(root, generatedFile), 'utf8')).toBe(out!.content);
  }, 60_000);

  it('name only registered operations, each with its persisted id', () => {
    const ids = reviewOperationIds();

    expect(Object.keys(ids)).toEqual(reviewOperations);
    for (const id of Object.values(ids)) expect(id).toMatch(/^[0-9a-f]{64}$/);
  });
});
