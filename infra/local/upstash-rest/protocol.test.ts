import { describe, expect, it } from 'vitest';
import { RestRequestError } from './errors.js';
import { assertAllowed, encodeReply, itemReply, parseCommand, parseCommandList } from './protocol.js';
import { RespErrorReply } from './resp.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('command arguments', () => {
  it('takes JSON numbers, booleans and null as their JSON text, like Upstash', () => {
    expect(parseCommand(['SET', 'k', 1.5, true, false, null, 10])).toEqual([
      'SET',
      'k',
      '1.5',
      'true',
      'false',
      'null',
      '10',
    ]);
  });

  it('refuses an object or array argument with a 400 naming its position', () => {
    const obj = () => parseCommand(['SET', 'k', { a: 1 }]);
    const arr = () => parseCommand(['SET', 'k', 'v', ['x']]);
    expect(obj).toThrow(RestRequestError);
    expect(obj).toThrow('body[2]: a command argument must be a string, number, boolean or null, got object');
    expect(arr).toThrow('body[3]');
    expect(arr).toThrow('got array');
  });

  it('refuses a body that is not a non-empty array', () => {
    expect(() => parseCommand([])).toThrow(/non-empty JSON array/);
    expect(() => parseCommand({ cmd: 'GET' })).toThrow(/non-empty JSON array/);
    expect(() => parseCommandList([])).toThrow(/array of commands/);
  });

  it('returns a malformed pipeline command as an error in its place, keeping the others', () => {
    const list = parseCommandList([['SET', 'a', 1], ['SET', 'b', {}], 'GET', ['GET', 'a']]);
    expect(list[0]).toEqual(['SET', 'a', '1']);
    expect(list[1]).toBeInstanceOf(RestRequestError);
    expect((list[1] as Error).message).toMatch(/^body\[1\]\[2\]/);
    expect((list[2] as Error).message).toMatch(/^body\[2\]/);
    expect(list[3]).toEqual(['GET', 'a']);
  });
});

describe('reply encoding', () => {
  const reply = [Buffer.from('héllo'), 'OK', 3, null, new RespErrorReply('ERR boom'), [Buffer.from('x'), 'QUEUED']];

  it('sends strings as text without base64', () => {
    expect(encodeReply(reply, 'utf8')).toEqual(['héllo', 'OK', 3, null, { error: 'ERR boom' }, ['x', 'QUEUED']]);
  });

  it('base64-encodes every string at any depth, numbers, nil and error messages stay as they are', () => {
    expect(encodeReply(reply, 'base64')).toEqual([
      b64('héllo'),
      b64('OK'),
      3,
      null,
      { error: 'ERR boom' },
      [b64('x'), b64('QUEUED')],
    ]);
  });

  it('sends a top-level OK status as is under base64, as Upstash documents, but not a bulk "OK"', () => {
    expect(encodeReply('OK', 'base64')).toBe('OK');
    expect(encodeReply('PONG', 'base64')).toBe(b64('PONG'));
    expect(encodeReply(Buffer.from('OK'), 'base64')).toBe(b64('OK'));
  });

  it('keeps binary bytes exact under base64', () => {
    const bytes = Buffer.from([0, 0xff, 0x80]);
    expect(encodeReply(bytes, 'base64')).toBe(bytes.toString('base64'));
  });

  it('makes a top-level error reply the item error', () => {
    expect(itemReply(new RespErrorReply('WRONGTYPE x'), 'base64')).toEqual({ error: 'WRONGTYPE x' });
    expect(itemReply(Buffer.from('v'), 'utf8')).toEqual({ result: 'v' });
  });
});

describe('commands refused on the shared connection', () => {
  it.each([
    ['BLPOP', 'q', '0'],
    ['blpop', 'q', '0'],
    ['SUBSCRIBE', 'c'],
    ['unsubscribe', 'a', 'b'],
    ['CLIENT', 'REPLY', 'OFF'],
    ['HELLO', '3'],
    ['select', '1'],
    ['MULTI'],
    ['XREAD', 'block', '0', 'STREAMS', 's', '$'],
  ])('refuses %s', (...command) => {
    expect(() => assertAllowed(command)).toThrow(/not supported by this REST endpoint/);
  });

  it('lets ordinary commands through, including a non-blocking XREAD', () => {
    expect(() => assertAllowed(['hgetall', 'h'])).not.toThrow();
    expect(() => assertAllowed(['XREAD', 'COUNT', '1', 'STREAMS', 's', '0'])).not.toThrow();
  });
});
