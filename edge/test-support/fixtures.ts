import { Redis } from '@upstash/redis';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { manifest, operationByName } from '../../functions/core/manifest/index.js';
import { createStaticPolicyEngine, type PolicyEngine } from '../../functions/core/policy/index.js';
import { type Background, createEdgeApp } from '../app.js';
import { type EdgeConfigInput, parseEdgeConfig } from '../config.js';
import type { CallOrigin, OriginCall, OriginResult } from '../origin.js';

/** A token issuer for tests: its own ES256 key pair, and the JWKS the edge is configured with. */
export async function testIssuer() {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'test-kid', alg: 'ES256' };
  const sign = (
    claims: Record<string, unknown>,
    opts: { exp?: string | number; iss?: string; aud?: string; sub?: string } = {},
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'test-kid' })
      .setIssuer(opts.iss ?? 'https://issuer.test')
      .setAudience(opts.aud ?? 'graphgate')
      .setSubject(opts.sub ?? 'alice')
      .setIssuedAt()
      .setExpirationTime(opts.exp ?? '5m')
      .sign(privateKey);
  return { jwks: { keys: [jwk as Record<string, unknown>] }, sign };
}

/** Scope like the policy's: analysts see `entity`. */
export const testPolicy: PolicyEngine = createStaticPolicyEngine({
  'graphgate/scope/decision': () => ({
    allow: true,
    classes: ['entity'],
    purposes: ['investigation'],
    reasons: [{ rule: 'scope.roles', message: 'by role', unlock: 'none' }],
  }),
});

export function edgeConfig(overrides: Partial<EdgeConfigInput> & { jwks: { keys: Record<string, unknown>[] } }) {
  const { jwks, ...rest } = overrides;
  return parseEdgeConfig({
    stage: 'local',
    originUrl: 'http://origin.test/graphql',
    signingKey: { kid: 'test', secret: 'unit-test-signing-secret' },
    jwt: { issuer: 'https://issuer.test', audience: 'graphgate', jwks },
    upstash: { url: 'http://127.0.0.1:9', token: 'none' },
    timeouts: { cacheMs: 200, originMs: 2_000 },
    ...rest,
  });
}

/** Records origin calls and answers them with `respond` (a stand-in for the HTTP hop, not for a data store). */
export function recordingOrigin(respond: (call: OriginCall) => Promise<OriginResult> | OriginResult) {
  const calls: OriginCall[] = [];
  const callOrigin: CallOrigin = async (call) => {
    calls.push(call);
    return respond(call);
  };
  return { calls, callOrigin };
}

export function buildTestEdge(args: {
  config: ReturnType<typeof edgeConfig>;
  callOrigin: CallOrigin;
  redis?: Redis;
  background?: Background;
  now?: () => number;
}) {
  const redis =
    args.redis ?? new Redis({ url: args.config.upstash.url, token: args.config.upstash.token, retry: false });
  return createEdgeApp({
    config: args.config,
    manifest,
    redis,
    policy: testPolicy,
    callOrigin: args.callOrigin,
    background: args.background,
    now: args.now,
  });
}

export function apqBody(name: string, variables: Record<string, unknown> = {}) {
  const op = operationByName(name);
  return JSON.stringify({
    operationName: op.name,
    variables,
    extensions: { persistedQuery: { version: 1, sha256Hash: op.id } },
  });
}

export function apqQuery(name: string, variables: Record<string, unknown> = {}) {
  const op = operationByName(name);
  const q = new URLSearchParams({
    operationName: op.name,
    variables: JSON.stringify(variables),
    extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: op.id } }),
  });
  return `/graphql?${q}`;
}

/** The first GraphQL error of an edge answer (`{ errors: [{ message, extensions: { code } }] }`, nothing else). */
export function firstError(body: unknown): { code?: string; message?: string; details?: unknown } {
  const e = (body as { errors?: { message?: string; extensions?: { code?: string; details?: unknown } }[] })
    ?.errors?.[0];
  return { code: e?.extensions?.code, message: e?.message, details: e?.extensions?.details };
}
