import { describe, expect, it } from 'vitest';
import { encodeCommand, RespDecoder, RespErrorReply, RespProtocolError, type RespValue } from './resp.js';

/** Feeds `wire` to a fresh decoder in pieces of `step` bytes and returns every reply it emitted. */
function decode(wire: string | Buffer, step = Number.POSITIVE_INFINITY): RespValue[] {
  const bytes = typeof wire === 'string' ? Buffer.from(wire, 'binary') : wire;
  const replies: RespValue[] = [];
  const decoder = new RespDecoder((r) => replies.push(r));
  for (let i = 0; i < bytes.length; i += Math.min(step, bytes.length)) decoder.write(bytes.subarray(i, i + step));
  return replies;
}

const nested = '*4\r\n:1\r\n-ERR boom\r\n$1\r\nx\r\n*2\r\n$-1\r\n+OK\r\n';
const nestedValue = [1, new RespErrorReply('ERR boom'), Buffer.from('x'), [null, 'OK']];

describe('RESP2 command encoding', () => {
  it('encodes every argument as a length-prefixed bulk string, counting bytes not characters', () => {
    // Prepare
    const args = ['SET', 'k', 'héllo'];

    // Act
    const wire = encodeCommand(args).toString('utf8');

    // Assess
    expect(wire).toBe('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$6\r\nhéllo\r\n');
  });

  it('sends Buffer arguments byte for byte', () => {
    const wire = encodeCommand(['SET', Buffer.from([0, 0xff, 0x0d, 0x0a])]);
    expect(wire.subarray(-10)).toEqual(Buffer.from([0x24, 0x34, 0x0d, 0x0a, 0, 0xff, 0x0d, 0x0a, 0x0d, 0x0a]));
  });
});

describe('RESP2 reply decoding', () => {
  it('keeps each type apart: bulk as bytes, status as text, integers, nil, errors', () => {
    const replies = decode('$3\r\nabc\r\n+PONG\r\n:-42\r\n$-1\r\n*-1\r\n-WRONGTYPE no\r\n*0\r\n');
    expect(replies).toEqual([Buffer.from('abc'), 'PONG', -42, null, null, new RespErrorReply('WRONGTYPE no'), []]);
  });

  it('keeps an error reply inside an array in its place', () => {
    expect(decode(nested)).toEqual([nestedValue]);
  });

  it('gives the same replies however the stream is cut into chunks', () => {
    // Prepare: nested arrays, an empty bulk and a bulk holding CRLF, cut at every possible size
    const wire = `${nested}$0\r\n\r\n$4\r\na\r\nb\r\n*2\r\n*1\r\n:7\r\n*0\r\n`;
    const whole = decode(wire);

    // Act / Assess
    for (let step = 1; step <= wire.length; step++) expect(decode(wire, step)).toEqual(whole);
    expect(whole).toEqual([nestedValue, Buffer.alloc(0), Buffer.from('a\r\nb'), [[7], []]]);
  });

  it('keeps binary bulk strings intact', () => {
    const bytes = Buffer.from([0, 1, 0xfe, 0xff, 0x0d, 0x0a, 0x80]);
    const wire = Buffer.concat([Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n')]);
    expect(decode(wire, 3)).toEqual([bytes]);
  });

  it('decodes a large array that arrives in many chunks', () => {
    const count = 20_000;
    const wire = `*${count}\r\n${':1\r\n'.repeat(count)}`;
    const [reply] = decode(wire, 1024);
    expect(reply).toHaveLength(count);
  });

  it('refuses a stream that is not RESP2', () => {
    expect(() => decode('%1\r\n')).toThrow(RespProtocolError);
    expect(() => decode(':12x\r\n')).toThrow(RespProtocolError);
  });

  it('starts afresh after reset, dropping a half-received reply', () => {
    const replies: RespValue[] = [];
    const decoder = new RespDecoder((r) => replies.push(r));
    decoder.write(Buffer.from('*2\r\n:1\r\n$5\r\nab'));

    decoder.reset();
    decoder.write(Buffer.from(':9\r\n'));

    expect(replies).toEqual([9]);
  });
});
