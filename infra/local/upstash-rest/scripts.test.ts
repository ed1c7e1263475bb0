import { describe, expect, it } from 'vitest';
import { ScriptTranslator, stripUpstashFlags } from './scripts.js';

describe('Upstash-only Lua flags', () => {
  it('drops allow-key-locking and keeps flags Redis knows', () => {
    expect(stripUpstashFlags('#!lua flags=allow-key-locking\nreturn 1')).toBe('#!lua\nreturn 1');
    expect(stripUpstashFlags('#!lua flags=no-writes,allow-key-locking\nreturn 1')).toBe(
      '#!lua flags=no-writes\nreturn 1',
    );
    expect(stripUpstashFlags('return 1')).toBe('return 1');
  });

  it('maps the client sha of a flagged script to the sha Redis stored', () => {
    const t = new ScriptTranslator();
    const script = '#!lua flags=allow-key-locking\nreturn 1';
    const loaded = t.rewrite(['SCRIPT', 'LOAD', script]);
    const clientSha = String(loaded.reply?.('whatever'));
    const evalsha = t.rewrite(['EVALSHA', clientSha, '0']);
    expect(loaded.command[2]).toBe('#!lua\nreturn 1');
    expect(evalsha.command[1]).not.toBe(clientSha);
    expect(evalsha.command[1]).toMatch(/^[0-9a-f]{40}$/);
  });
});
