import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One command's outcome as Upstash words it: a JSON result, or an error message. */
export type Outcome = { result: unknown } | { error: string };

/**
 * Quotes an argument for redis-cli's own parser (sdssplitargs): inside double quotes, `\"`, `\\` and `\xHH` escapes;
 * other bytes (UTF-8 text included) pass as they are.
 */
function quote(arg: string): string {
  let quoted = '"';
  for (const c of arg) {
    const code = c.charCodeAt(0);
    if (c === '"' || c === '\\') quoted += `\\${c}`;
    else if (code < 0x20 || code === 0x7f) quoted += `\\x${code.toString(16).padStart(2, '0')}`;
    else quoted += c;
  }
  return `${quoted}"`;
}

/**
 * redis-cli's `--json` prints an error reply as `error:"…"` (not JSON), also inside arrays. Rewrites those to
 * `{"error":"…"}`. Only where a value starts (line start, after `[` or `,`): inside a JSON string a quote is escaped,
 * so `error:"` cannot match there.
 */
function parseCliJson(line: string): unknown {
  return JSON.parse(line.replace(/(^|[[,])error:("(?:[^"\\]|\\.)*")/g, '$1{"error":$2}'));
}

/**
 * Runs commands through the real `redis-cli` (RESP2, `--json`), in order, on one connection, and returns one outcome
 * per command. This is the reference the compatibility suite holds the endpoint to.
 */
export function redisCli(redisUrl: string, commands: readonly (readonly string[])[]): Promise<Outcome[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'redis-cli',
      ['-u', redisUrl, '-2', '--json'],
      { maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`redis-cli failed: ${err.message}\n${stderr}`));
        const lines = stdout.split('\n').filter((l) => l !== '');
        if (lines.length !== commands.length) {
          return reject(new Error(`redis-cli gave ${lines.length} replies to ${commands.length} commands:\n${stdout}`));
        }
        resolve(
          lines.map((line) => {
            const value = parseCliJson(line);
            const isError = typeof value === 'object' && value !== null && !Array.isArray(value) && 'error' in value;
            return isError ? (value as { error: string }) : { result: value };
          }),
        );
      },
    );
    child.stdin?.end(`${commands.map((c) => c.map(quote).join(' ')).join('\n')}\n`);
  });
}

const base64 = (value: unknown, topLevel: boolean): unknown => {
  if (typeof value === 'string') return topLevel && value === 'OK' ? value : Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map((v) => base64(v, false));
  return value;
};

const asArg = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/**
 * A minimal Upstash-REST endpoint whose every reply comes from redis-cli. The official client pointed at it, with the
 * same options, gives the "what Upstash-over-real-Redis should look like" view to compare ours with. It knows only
 * `POST /`, `/pipeline` and `/multi-exec` with JSON bodies, and checks no token: it serves one test on loopback.
 */
export async function startRedisCliEndpoint(redisUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown[];
      const encode = req.headers['upstash-encoding'] === 'base64';
      const item = (o: Outcome): Outcome => ('error' in o ? o : { result: encode ? base64(o.result, true) : o.result });
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      const commands = (list: unknown[]) => list.map((c) => (c as unknown[]).map(asArg));
      try {
        if (req.url === '/pipeline') return reply(200, (await redisCli(redisUrl, commands(body))).map(item));
        if (req.url === '/multi-exec') {
          const outcomes = await redisCli(redisUrl, [['MULTI'], ...commands(body), ['EXEC']]);
          const exec = outcomes.at(-1);
          if (!exec || 'error' in exec) return reply(400, exec);
          return reply(
            200,
            (exec.result as unknown[]).map((r) =>
              typeof r === 'object' && r !== null && 'error' in r ? r : item({ result: r }),
            ),
          );
        }
        const [outcome] = await redisCli(redisUrl, commands([body]));
        return outcome && 'error' in outcome ? reply(400, outcome) : reply(200, item(outcome as Outcome));
      } catch (err) {
        reply(500, { error: String(err) });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
