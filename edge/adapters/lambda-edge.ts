/**
 * Lambda@Edge adapter (CloudFront origin-request trigger). Lambda@Edge has no environment variables, so the non-secret
 * configuration is baked in at build time (`__GRAPHGATE_EDGE_CONFIG__`, see infra/cdk/constructs/edge-code.ts): stage,
 * JWT issuer/audience/JWKS URL and the names of two secrets, which are fetched once per cold start from Secrets Manager
 * in the home region. The origin URL is a deploy-time value the event carries (`cf.request.origin.custom`). There is
 * no waitUntil here: the sandbox freezes once we answer, so stale-while-revalidate refreshes run inline (edge/app.ts).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type CloudFrontEdgeEvent, handle } from 'hono/lambda-edge';
import { secretsManagerClient } from '../../functions/core/aws/secrets-manager.js';
import { loadWasmPolicyEngine, type PolicyEngine } from '../../functions/core/policy/index.js';
import { parseEdgeConfig } from '../config.js';
import { buildEdge } from './runtime.js';

interface BakedConfig {
  stage: string;
  jwt: { issuer: string; audience: string; jwksUrl: string };
  secrets: { region: string; upstash: string; signingKeys: string };
}

declare const __GRAPHGATE_EDGE_CONFIG__: BakedConfig;

async function secretJson(client: SecretsManagerClient, id: string): Promise<Record<string, string>> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: id }));
  if (!SecretString) throw new Error(`secret ${id} is empty`);
  return JSON.parse(SecretString) as Record<string, string>;
}

const baked = __GRAPHGATE_EDGE_CONFIG__;
const shared = (async () => {
  const client = secretsManagerClient({ region: baked.secrets.region });
  const [upstash, signing] = await Promise.all([
    secretJson(client, baked.secrets.upstash),
    secretJson(client, baked.secrets.signingKeys),
  ]);
  const [kid, ...rest] = (signing.keys ?? '').split(',')[0]!.split(':');
  const policy: PolicyEngine = await loadWasmPolicyEngine(join(dirname(fileURLToPath(import.meta.url)), 'policy'));
  return { upstash, signingKey: { kid: kid!, secret: rest.join(':') }, policy };
})();

let app: ReturnType<typeof handle> | undefined;
let appOrigin: string | undefined;

export async function handler(event: CloudFrontEdgeEvent) {
  const { upstash, signingKey, policy } = await shared;
  const request = event.Records[0]!.cf.request as { origin?: { custom?: { domainName?: string; path?: string } } };
  const domain = request.origin?.custom?.domainName;
  if (!domain) throw new Error('origin-request event has no custom origin domain');
  const originUrl = `https://${domain}${request.origin?.custom?.path ?? ''}/graphql`;
  if (!app || appOrigin !== originUrl) {
    const config = parseEdgeConfig({
      stage: baked.stage,
      originUrl,
      signingKey,
      jwt: baked.jwt,
      upstash: { url: upstash.url, token: upstash.token },
    });
    app = handle(buildEdge(config, policy, undefined).app);
    appOrigin = originUrl;
  }
  return app(event);
}
