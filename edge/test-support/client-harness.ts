/**
 * Real GraphQL clients against a real edge: the edge app served over HTTP on a loopback port (as the Node adapter
 * serves it), wired to the real origin, Neo4j and the Upstash cache of the twin. Every exchange is recorded — whether
 * the client sent the document or only an id, the status and `x-cache` — so tests can tell a hash-only hit from a
 * fallback to the full document.
 */

import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Kind, type OperationDefinitionNode, parse, print } from 'graphql';
import { DynamoDbAuditLedger } from '../../functions/core/audit/dynamodb-ledger.js';
import { dynamoClient } from '../../functions/core/aws/dynamodb.js';
import { reviewIdFor } from '../../functions/core/er/apply.js';
import { envelopeFor, personRecord } from '../../functions/core/er/test-support/records.js';
import { entityInput } from '../../functions/core/graph/test-support/fixtures.js';
import type { Manifest } from '../../functions/core/manifest/index.js';
import { readFragmentSources, readOperationDocuments } from '../../functions/core/manifest/schema-source.js';
import { tableName, tables } from '../../functions/core/resources/index.js';
import { seedPairs } from '../../functions/graphql/test-support/reviews.js';
import { testTenant, twin } from '../../infra/local/test-support/twin.js';
import { realStack } from './real-stack.js';

export interface Exchange {
  method: string;
  operationName?: string;
  /** The client sent the document text (GET `query` or POST body `query`). */
  sentDocument: boolean;
  status: number;
  xCache: string | null;
  contentType: string | null;
}

export async function clientHarness(options: { manifest?: Manifest } = {}) {
  const t = twin();
  const ledger = new DynamoDbAuditLedger({
    client: dynamoClient({ region: t.region, endpoint: t.dynamoEndpoint }),
    tableName: tableName('local', tables.auditLedger),
  });
  // A cold twin's first write can take seconds on a loaded 2-core machine; the edge's production timeout is not
  // what these tests are about.
  const stack = await realStack({
    ledger,
    manifest: options.manifest,
    config: { timeouts: { cacheMs: 1_000, originMs: 30_000 } },
  });
  const server = serve({ fetch: stack.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const exchanges: Exchange[] = [];

  /** The fetch every client is given: the real network call, recorded. */
  const recordingFetch: typeof fetch = async (input, init) => {
    const request = new Request(input as string | URL, init);
    const target = new URL(request.url);
    let body: { query?: string; operationName?: string } = {};
    if (request.method === 'POST') body = JSON.parse(await request.clone().text());
    const res = await fetch(request);
    exchanges.push({
      method: request.method,
      operationName: body.operationName ?? target.searchParams.get('operationName') ?? undefined,
      sentDocument: Boolean(body.query ?? target.searchParams.get('query')),
      status: res.status,
      xCache: res.headers.get('x-cache'),
      contentType: res.headers.get('content-type'),
    });
    return res;
  };

  /**
   * A fresh tenant and a token for it that may read, write and export (investigator, with PII clearance). The tenant
   * holds one review candidate (a MID pair made by the real ER effect), so the review reads have something to return.
   */
  async function tenantToken(prefix: string) {
    const tenant = testTenant(prefix);
    await seedPairs(stack.origin.driver, tenant, ['Seeded Reviewee']);
    const token = await stack.issuer.sign({
      tenant,
      roles: ['analyst', 'investigator'],
      clearances: ['pii'],
    });
    return { tenant, token };
  }

  const close = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await stack.close();
  };
  return { url, stack, exchanges, recordingFetch, tenantToken, close };
}

export type ClientHarness = Awaited<ReturnType<typeof clientHarness>>;

/** Two public organisations collected for investigation: enough for every registered read to return rows. */
export const sampleEntities = (suffix: string) => {
  const org = (id: string, name: string) =>
    entityInput({
      id,
      kind: 'ORGANISATION',
      names: [name],
      dataClass: 'ENTITY',
      licence: 'PUBLIC',
      purposes: ['investigation'],
    });
  return { a: org(`a-${suffix}`, `Initech ${suffix}`), b: org(`b-${suffix}`, `Globex ${suffix}`) };
};

/** Variables of every registered read, for the sample entities and the tenant's seeded review candidate. */
export const readVariables = (suffix: string) => {
  const { a, b } = sampleEntities(suffix);
  return {
    GetEntity: { id: a.id },
    Search: { text: `Initech ${suffix}` },
    Neighbors: { id: a.id, hops: 1 },
    Path: { from: a.id, to: b.id },
    ExportEntities: { selection: { ids: [a.id, b.id] }, purpose: 'investigation', audience: 'INTERNAL' },
    Nlq: { question: 'how many organisations are there', purpose: 'investigation' },
    ReviewQueue: {},
    ReviewCandidate: { id: seededReviewId },
  } as Record<string, Record<string, unknown>>;
};

/** The id of the review candidate {@link clientHarness} seeds in every tenant (the first pair of `seedPairs`). */
const seededReviewId = reviewIdFor(envelopeFor('any', '0b', personRecord()).eventId);

type AppDocuments = Record<string, { text: string; kind: 'query' | 'mutation' | 'subscription' }>;

/** {@link appDocuments} and, from them, the queries (name and document) every client test reads. */
export function appOperations(): { docs: AppDocuments; reads: [string, AppDocuments[string]][] } {
  const docs = appDocuments();
  return { docs, reads: Object.entries(docs).filter(([, d]) => d.kind === 'query') };
}

/**
 * The registered operations as an app team writes them, by name: the operation file's text followed by the shared
 * fragments it uses, in order of first use (what a `gql` template with interpolated fragments produces) — no
 * `__typename`, not the registry's printing.
 */
export function appDocuments(): AppDocuments {
  const fragments = new Map<string, string>();
  for (const source of readFragmentSources()) {
    for (const d of parse(source).definitions) {
      if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, print(d));
    }
  }
  const spreads = (text: string) => [...text.matchAll(/\.\.\.(\w+)/g)].map((m) => m[1]!);
  const out: Record<string, { text: string; kind: 'query' | 'mutation' | 'subscription' }> = {};
  for (const source of readOperationDocuments()) {
    const op = parse(source).definitions[0] as OperationDefinitionNode;
    const used: string[] = [];
    const pending = spreads(source);
    while (pending.length > 0) {
      const name = pending.shift()!;
      if (used.includes(name) || !fragments.has(name)) continue;
      used.push(name);
      pending.push(...spreads(fragments.get(name)!));
    }
    const kind = op.operation;
    out[op.name!.value] = { text: [source, ...used.map((f) => fragments.get(f)!)].join('\n'), kind };
  }
  return out;
}
