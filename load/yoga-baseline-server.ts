/**
 * The edge benchmark's peer: what a team would run instead of the edge — a stock graphql-yoga server with
 * `@graphql-yoga/plugin-response-cache` on `@envelop/response-cache-redis` (ioredis to the SAME Redis the twin's
 * Upstash-REST endpoint fronts), doing the same JWT check as the edge (the one verifier, with its memo) and keying the
 * cache per tenant (session = the token's tenant). Full documents in, the real SDL, answers from a fixture of the
 * edge's own answers (resolvers run only on a miss, which the bench warms away).
 * With `--upstash <url>` (token in UPSTASH_TOKEN) the same server keeps its response cache behind the SAME Upstash-REST
 * endpoint as the edge instead (stock @upstash/redis client; envelop's Cache port in a few lines), so the peer can be
 * compared with the edge over one store path too.
 *   tsx load/yoga-baseline-server.ts --port N (--redis redis://… | --upstash http://…) --fixture file.json
 *   (JWT_ISSUER, JWT_AUDIENCE, JWT_JWKS)
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Cache } from '@envelop/response-cache';
import { createRedisCache } from '@envelop/response-cache-redis';
import { useResponseCache } from '@graphql-yoga/plugin-response-cache';
import { Redis as UpstashRedis } from '@upstash/redis';
import type { ExecutionResult } from 'graphql';
import { createSchema, createYoga, type Plugin } from 'graphql-yoga';
import { Redis } from 'ioredis';
import { z } from 'zod';
import {
  createVerifier,
  defaultVerifyMemo,
  type Identity,
  jwtEnvShape,
  jwtOptionsFromEnv,
} from '../functions/core/auth/index.js';
import { HttpError } from '../functions/core/http/index.js';
import { repoRoot } from '../infra/local/paths.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    redis: { type: 'string' },
    upstash: { type: 'string' },
    fixture: { type: 'string' },
  },
});
if (!values.port || !(values.redis || values.upstash) || !values.fixture) {
  console.error('usage: yoga-baseline-server.ts --port N (--redis redis://… | --upstash http://…) --fixture file.json');
  process.exit(2);
}

/** envelop's Cache port on Upstash REST: the result as JSON with its TTL, a set of result ids per entity tag. */
function upstashCache(redis: UpstashRedis): Cache {
  const tag = (e: { typename: string; id?: number | string }) => `yoga:tag:${e.typename}${e.id ? `:${e.id}` : ''}`;
  return {
    async set(id, data, entities, ttl) {
      const p = redis.pipeline();
      p.set(`yoga:${id}`, JSON.stringify(data), Number.isFinite(ttl) ? { px: ttl } : undefined);
      for (const e of entities) p.sadd(tag(e), id);
      await p.exec();
    },
    get: async (id) => (await redis.get<ExecutionResult>(`yoga:${id}`)) ?? undefined,
    async invalidate(entities) {
      for (const e of entities) {
        const ids = await redis.smembers(tag(e));
        if (ids.length > 0) await redis.del(...ids.map((i) => `yoga:${i}`), tag(e));
      }
    },
  };
}
/** tenant → entity id → the `entity` object the edge answered. */
const fixture = JSON.parse(readFileSync(values.fixture, 'utf8')) as Record<string, Record<string, unknown>>;
const jwtEnv = z.object(jwtEnvShape).parse(process.env);
const verify = createVerifier(jwtOptionsFromEnv(jwtEnv, 'yoga baseline'), defaultVerifyMemo);
const identities = new WeakMap<Request, Identity>();

/** The JWT check before anything else, hit or miss (the response cache answers hits before the context is built). */
const jwtCheck: Plugin = {
  async onRequest({ request, endResponse }) {
    try {
      identities.set(request, await verify(request.headers.get('authorization') ?? undefined));
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 401;
      endResponse(new Response(JSON.stringify({ errors: [{ message: 'unauthenticated' }] }), { status }));
    }
  },
};

const yoga = createYoga({
  schema: createSchema({
    typeDefs: readFileSync(join(repoRoot, 'schema/schema.graphql'), 'utf8'),
    resolvers: {
      Query: {
        entity: (_: unknown, args: { id: string }, ctx: { request: Request }) =>
          fixture[identities.get(ctx.request)?.tenant ?? '']?.[args.id] ?? null,
      },
    },
  }),
  graphqlEndpoint: '/graphql',
  maskedErrors: true,
  logging: false,
  plugins: [
    jwtCheck,
    useResponseCache({
      session: (request) => identities.get(request)?.tenant ?? null,
      cache: values.upstash
        ? upstashCache(new UpstashRedis({ url: values.upstash, token: process.env.UPSTASH_TOKEN ?? '' }))
        : createRedisCache({ redis: new Redis(values.redis!) }),
      ttl: 300_000,
    }),
  ],
});

const server = createServer(yoga);
server.keepAliveTimeout = 65_000;
server.listen(Number(values.port), '127.0.0.1', () =>
  console.log(`GRAPHGATE_YOGA_READY http://127.0.0.1:${values.port}/graphql`),
);
// Keep-alive connections (the bench's, vegeta's) would hold a plain close open for ever: close them too.
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
