import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillLastDrill } from './evidence.js';

describe('last-drill line of a runbook', () => {
  it('replaces only the text between the markers, and refuses a runbook without them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'last-drill-'));
    const runbook = join(dir, 'r.md');
    writeFileSync(runbook, '# R\n\n<!-- last-drill:start -->\nLast drill: none\n<!-- last-drill:end -->\n\nsteps\n');

    fillLastDrill(runbook, 'Last drill: 2026-12-05T18:00:00Z — PASS');

    expect(readFileSync(runbook, 'utf8')).toBe(
      '# R\n\n<!-- last-drill:start -->\nLast drill: 2026-12-05T18:00:00Z — PASS\n<!-- last-drill:end -->\n\nsteps\n',
    );
    writeFileSync(runbook, '# no markers\n');
    expect(() => fillLastDrill(runbook, 'x')).toThrow(/no last-drill markers/);
  });
});
