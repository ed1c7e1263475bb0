/**
 * Process entry of the local Upstash-REST endpoint, started by infra/local/upstash.ts.
 * Usage: tsx infra/local/upstash-rest/main.ts --port 8079 --redis redis://127.0.0.1:16379 (token from UPSTASH_TOKEN;
 * several, comma-separated, are all accepted — a staged rotation's "both tokens valid" stage)
 */
import { parseArgs } from 'node:util';
import { createUpstashRestServer } from './server.js';

const { values } = parseArgs({ options: { port: { type: 'string' }, redis: { type: 'string' } } });
const token = process.env.UPSTASH_TOKEN;
if (!values.port || !values.redis || !token) {
  console.error('usage: main.ts --port N --redis redis://host:port  (UPSTASH_TOKEN must be set)');
  process.exit(2);
}
const { server, redis } = createUpstashRestServer({ redisUrl: values.redis, token: token.split(',') });
server.listen(Number(values.port), '127.0.0.1', () => {
  console.log(`GRAPHGATE_UPSTASH_READY http://127.0.0.1:${values.port}`);
});
const shutdown = () => {
  server.close();
  redis.close();
  process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.stdin.on('end', shutdown);
process.stdin.resume();
