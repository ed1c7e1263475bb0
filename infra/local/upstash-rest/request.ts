import { RestRequestError } from './errors.js';
import { parseCommand, parseCommandList, type RedisCommand } from './protocol.js';

/** What one HTTP request asks of Redis. */
export type RestCall =
  | { kind: 'command'; command: RedisCommand }
  | { kind: 'pipeline'; commands: (RedisCommand | RestRequestError)[] }
  | { kind: 'multi-exec'; commands: RedisCommand[] };

/** Upstash answers these methods; anything else is 405. */
export const allowedMethods = new Set(['GET', 'HEAD', 'POST', 'PUT']);

const hasBody = (method: string) => method === 'POST' || method === 'PUT';

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new RestRequestError(400, 'body is not valid JSON');
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new RestRequestError(400, `path segment ${JSON.stringify(segment)} is not valid percent-encoding`);
  }
}

/**
 * The token a request presents: the `Authorization: Bearer …` header, or else the `_token` query parameter (Upstash
 * accepts both). `undefined` when neither is there.
 */
export function presentedToken(authorization: string | undefined, url: URL): string | undefined {
  if (authorization !== undefined) return authorization.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
  return url.searchParams.get('_token') ?? undefined;
}

/**
 * Maps an HTTP request onto Redis commands, in the forms Upstash serves:
 * - `POST /` with a JSON array body: one command;
 * - `POST /pipeline`, `POST /multi-exec` with a JSON array of commands;
 * - `GET|POST /<command>/<arg>/…`: each path segment (URL-decoded) is one argument; a non-empty POST body is appended
 *   as one more argument, raw bytes (so JSON or binary values need no escaping); then each query parameter other than
 *   `_token` is appended as its name and, when it has one, its value (`/set/k?EX=100` → `SET k <body> EX 100`).
 *
 * @example toRestCall('GET', new URL('http://h/hget/employee%3A1/salary'), Buffer.alloc(0))
 *   // → { kind: 'command', command: ['hget', 'employee:1', 'salary'] }
 */
export function toRestCall(method: string, url: URL, body: Buffer): RestCall {
  const path = url.pathname;
  if (path === '/pipeline' || path === '/multi-exec') {
    if (!hasBody(method)) throw new RestRequestError(405, `method ${method} not allowed on ${path}; use POST`);
    const commands = parseCommandList(parseJson(body));
    if (path === '/pipeline') return { kind: 'pipeline', commands };
    const bad = commands.find((c) => c instanceof RestRequestError);
    if (bad) throw bad;
    return { kind: 'multi-exec', commands: commands as RedisCommand[] };
  }
  if (path === '/' || path === '') {
    if (!hasBody(method)) {
      throw new RestRequestError(400, 'no command: POST a JSON array like ["GET","k"] to /, or use /get/k');
    }
    return { kind: 'command', command: parseCommand(parseJson(body)) };
  }
  const command: RedisCommand = path.slice(1).split('/').map(decodeSegment);
  if (hasBody(method) && body.length > 0) command.push(body);
  for (const [name, value] of url.searchParams) {
    if (name === '_token') continue;
    command.push(name);
    if (value !== '') command.push(value);
  }
  return { kind: 'command', command };
}
