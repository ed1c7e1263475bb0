import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { originLogger } from './log.js';

function capture() {
  const lines: string[] = [];
  return { logger: originLogger((l) => lines.push(l)), lines };
}

describe('originLogger', () => {
  it('logs a client error as one line with its code and no stack', () => {
    const { logger, lines } = capture();
    logger.error(new GraphQLError('Variable "$id" of required type "ID!" was not provided.'));
    logger.error(Object.assign(new Error('no such entity'), { code: 'NOT_FOUND' }));
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => !l.includes('\n') && !l.includes('    at '))).toBe(true);
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        level: 'info',
        msg: 'client error',
        code: 'BAD_USER_INPUT',
        error: 'Variable "$id" of required type "ID!" was not provided.',
      },
      { level: 'info', msg: 'client error', code: 'NOT_FOUND', error: 'no such entity' },
    ]);
  });

  it('keeps the stack of a server error', () => {
    const { logger, lines } = capture();
    logger.error(new TypeError('cannot read properties of undefined'));
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ level: 'error', msg: 'server error', error: 'cannot read properties of undefined' });
    expect(entry.stack).toContain('TypeError: cannot read properties of undefined\n    at ');
  });

  it('drops debug output', () => {
    const { logger, lines } = capture();
    logger.debug('Parsing request to extract GraphQL parameters');
    expect(lines).toEqual([]);
  });
});
