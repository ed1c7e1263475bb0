/**
 * The origin's yoga logger. yoga logs the original of every error it rewrites, which is every client error too (our
 * maskError turns graphql-js request errors into BAD_USER_INPUT): a stack trace per bad variable buries the one stack
 * that matters. Client errors are one JSON line with their code; only server errors keep their stack.
 */
import type { GraphQLError } from 'graphql';
import { maskError } from './errors.js';

type Level = 'debug' | 'info' | 'warn' | 'error';
/** yoga's logger shape (`logging` option). */
export type OriginLogger = Record<Level, (...args: unknown[]) => void>;

const text = (args: unknown[]) =>
  args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a))).join(' ');

/** The code the client sees for `error`: decided by the same maskError that answers it. */
function clientCode(error: unknown): string | undefined {
  const code = (maskError(error, '') as GraphQLError).extensions?.code;
  return typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR' ? code : undefined;
}

/**
 * A logger writing JSON lines to `write` (stderr by default); `debug` is dropped.
 * @example createYoga({ logging: originLogger(), … })
 */
export function originLogger(write: (line: string) => void = (l) => console.error(l)): OriginLogger {
  const line = (entry: Record<string, unknown>) => write(JSON.stringify(entry));
  return {
    debug: () => {},
    info: (...args) => line({ level: 'info', msg: text(args) }),
    warn: (...args) => line({ level: 'warn', msg: text(args) }),
    error: (...args) => {
      const error = args.find((a) => a instanceof Error);
      const code = error ? clientCode(error) : undefined;
      if (code) return line({ level: 'info', msg: 'client error', code, error: (error as Error).message });
      line({
        level: 'error',
        msg: 'server error',
        error: text(args),
        ...(error ? { stack: (error as Error).stack } : {}),
      });
    },
  };
}
