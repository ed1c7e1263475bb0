import { createHash } from 'node:crypto';
import type { RedisCommand } from './protocol.js';
import type { RespValue } from './resp.js';

/**
 * Upstash accepts a Lua shebang flag that open-source Redis does not know (`#!lua flags=allow-key-locking`, used by
 * @upstash/ratelimit). To behave like Upstash we drop unknown flags before Redis sees the script, and remember which
 * client-side sha maps to the sha Redis stored, so EVALSHA with the client's sha keeps working.
 */
const upstashOnlyFlags = new Set(['allow-key-locking']);

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const text = (arg: string | Buffer | undefined) => (arg === undefined ? '' : arg.toString());

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

  /**
   * Rewrites EVAL / EVALSHA / SCRIPT LOAD so scripts with Upstash-only flags run on plain Redis. `reply`, when set,
   * replaces a successful reply (error replies pass through unchanged).
   */
  rewrite(command: RedisCommand): { command: RedisCommand; reply?: (redisReply: RespValue) => RespValue } {
    const name = text(command[0]).toUpperCase();
    const first = command[1] === undefined ? undefined : text(command[1]);
    if ((name === 'EVAL' || name === 'EVAL_RO') && first !== undefined) {
      const stripped = stripUpstashFlags(first);
      if (stripped === first) return { command };
      this.shaMap.set(sha1(first), sha1(stripped));
      return { command: [command[0]!, stripped, ...command.slice(2)] };
    }
    if ((name === 'EVALSHA' || name === 'EVALSHA_RO') && first !== undefined) {
      const mapped = this.shaMap.get(first.toLowerCase());
      return mapped ? { command: [command[0]!, mapped, ...command.slice(2)] } : { command };
    }
    if (name === 'SCRIPT' && first?.toUpperCase() === 'LOAD' && command[2] !== undefined) {
      const original = text(command[2]);
      const stripped = stripUpstashFlags(original);
      if (stripped === original) return { command };
      this.shaMap.set(sha1(original), sha1(stripped));
      // The client expects the sha of what it sent (a bulk string, like Redis's own reply).
      return { command: [command[0]!, command[1]!, stripped], reply: () => Buffer.from(sha1(original)) };
    }
    return { command };
  }
}
