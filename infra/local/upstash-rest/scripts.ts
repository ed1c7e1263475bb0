import { createHash } from 'node:crypto';
import type { RedisCommand } from './protocol.js';

/**
 * Upstash accepts a Lua shebang flag that open-source Redis does not know (`#!lua flags=allow-key-locking`, used by
 * @upstash/ratelimit). To behave like Upstash we drop unknown flags before Redis sees the script, and remember which
 * client-side sha maps to the sha Redis stored, so EVALSHA with the client's sha keeps working.
 */
const upstashOnlyFlags = new Set(['allow-key-locking']);

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

/** The script with Upstash-only shebang flags removed (unchanged when it has none). */
export function stripUpstashFlags(script: string): string {
  const match = /^#!lua([^\n]*)/.exec(script);
  if (!match) return script;
  const rest = match[1]!.replace(/flags=([^\s]*)/, (_, list: string) => {
    const kept = list.split(',').filter((f) => f && !upstashOnlyFlags.has(f));
    return kept.length > 0 ? `flags=${kept.join(',')}` : '';
  });
  return `#!lua${rest.trimEnd()}${script.slice(match[0].length)}`;
}

export class ScriptTranslator {
  private readonly shaMap = new Map<string, string>();

  /** Rewrites EVAL / EVALSHA / SCRIPT LOAD so scripts with Upstash-only flags run on plain Redis. */
  rewrite(command: RedisCommand): { command: RedisCommand; reply?: (redisReply: unknown) => unknown } {
    const name = command[0]!.toUpperCase();
    if ((name === 'EVAL' || name === 'EVAL_RO') && command[1] !== undefined) {
      const stripped = stripUpstashFlags(command[1]);
      if (stripped === command[1]) return { command };
      this.shaMap.set(sha1(command[1]), sha1(stripped));
      return { command: [command[0]!, stripped, ...command.slice(2)] };
    }
    if ((name === 'EVALSHA' || name === 'EVALSHA_RO') && command[1] !== undefined) {
      const mapped = this.shaMap.get(command[1].toLowerCase());
      return mapped ? { command: [command[0]!, mapped, ...command.slice(2)] } : { command };
    }
    if (name === 'SCRIPT' && command[1]?.toUpperCase() === 'LOAD' && command[2] !== undefined) {
      const original = command[2];
      const stripped = stripUpstashFlags(original);
      if (stripped === original) return { command };
      this.shaMap.set(sha1(original), sha1(stripped));
      // The client expects the sha of what it sent.
      return { command: ['SCRIPT', 'LOAD', stripped], reply: () => sha1(original) };
    }
    return { command };
  }
}
