import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { createSchema, createYoga, type Plugin, type YogaInitialContext } from 'graphql-yoga';
import type { AuditLedger } from '../core/audit/types.js';
import { settleCacheWrites } from '../core/cache/index.js';
import type { ReviewEventBus } from '../core/er/review/events.js';
import type { ReviewStore } from '../core/er/review/types.js';
import type { GraphRepository } from '../core/graph/types.js';
import { errorResponse, HttpError } from '../core/http/index.js';
import type { WriteJournal } from '../core/journal/index.js';
import { manifest as bundledManifest, findOperation, type Manifest } from '../core/manifest/index.js';
import { readSdl } from '../core/manifest/schema-source.js';
import { outcomeOf } from '../core/metrics/names.js';
import type { NlqService } from '../core/nlq/service.js';
import type { CallerAttributes, PolicyEngine } from '../core/policy/index.js';
import { createScopeResolver } from '../core/policy/index.js';
import { sealBookmarks } from '../core/signing/bookmark.js';
import { bookmarkHeader } from '../core/signing/forwarded-headers.js';
import type { InternalClaims, SigningKey } from '../core/signing/internal-request.js';
import type { NonceStore } from '../core/signing/nonces.js';
import { traceExemplar } from '../core/telemetry/exemplars.js';
import { useCompiledReads } from './compiled-reads.js';
import type { CallerScope, OriginContext } from './context.js';
import { clientError, maskError } from './errors.js';
import { documentLimitsRule } from './limits.js';
import { originLogger } from './log.js';
import { useRequestLimits } from './request-limits.js';
import { resolvers } from './resolvers.js';
import { meteredRepository, type OriginSignals } from './signals.js';
import { verifyOriginRequest } from './signed-request.js';
import { type StepUpGuardOptions, useStepUp } from './step-up/guard.js';
import {
  createOriginMetrics,
  type OriginMetrics,
  originTracingPlugin,
  tracedRepository,
  tracedResolvers,
  tracer,
} from './telemetry.js';

/** Largest accepted request body; variables beyond this are refused with 413 before any parsing. */
export const maxBodyBytes = 64 * 1024;

/** Invalidates cached responses that mention the given entities, in the tenant only. */
export type Invalidate = (tenant: string, entityIds: string[]) => Promise<void>;

export interface OriginDeps {
  repo: GraphRepository;
  /** The review queue's store; without it the review operations are refused (REVIEWS_UNAVAILABLE). */
  reviews?: ReviewStore;
  /** Live review-queue events; without it `reviewQueueChanged` answers REVIEW_EVENTS_UNAVAILABLE and nothing is published. */
  reviewEvents?: ReviewEventBus;
  policy: PolicyEngine;
  /** Verify the edge's signature; the first also seals the bookmarks returned to clients. */
  signingKeys: SigningKey[];
  /** The seen-set of signature nonces (Upstash in every deployment): a signed request is served once. */
  nonces: NonceStore;
  maxSkewS?: number;
  allowArbitraryDocuments?: boolean;
  manifest?: Manifest;
  metrics?: OriginMetrics;
  /** Per-tenant usage, Cypher time and Upstash commands (Prometheus locally, EMF in the Lambda); absent: not reported. */
  signals?: OriginSignals;
  /** Extra yoga plugins (the response cache is added here by the caller). */
  plugins?: Plugin[];
  invalidate?: Invalidate;
  /** Audit ledger for export decision logs; without it exports are refused (they must never run unaudited). */
  ledger?: AuditLedger;
  /** Natural-language queries; without it `nlq` answers NLQ_UNAVAILABLE. */
  nlq?: NlqService;
  /** Step-up enforcement on `@sensitive` operations; without it the origin runs them unguarded (unit tests only). */
  stepUp?: StepUpGuardOptions;
  /** Journal of acknowledged upserts and links, replayed after a graph restore; absent: not journaled. */
  journal?: WriteJournal;
  /** Masks unexpected errors (default true); tests of masking rely on it. */
  graphqlEndpoint?: string;
}

interface RequestState {
  claims: InternalClaims;
  bookmarks: string[];
  /** The sealed bookmark of this request's write, returned as `x-gg-bookmark`. */
  sealedBookmark?: string;
  started: number;
  operation: string;
}

function persistedId(params: { extensions?: Record<string, unknown> | null }): string | undefined {
  const pq = params.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined;
  return typeof pq?.sha256Hash === 'string' ? pq.sha256Hash : undefined;
}

/**
 * The GraphQL origin as a fetch handler (graphql-yoga): only edge-signed requests, only persisted operations (unless
 * the local stage allows arbitrary documents), tenant from the signed claims, scope from policy, errors with stable
 * codes, spans and RED metrics.
 */
export function createOrigin(deps: OriginDeps) {
  const m = deps.manifest ?? bundledManifest;
  const metrics = deps.metrics ?? createOriginMetrics();
  const state = new WeakMap<Request, RequestState>();
  const endpoint = deps.graphqlEndpoint ?? '/graphql';
  // The scope depends only on the caller's attributes and the engine's bundle: evaluated once per attribute set.
  const resolveScope = createScopeResolver(deps.policy);

  const verifySignature: Plugin = {
    async onRequest({ request, url, endResponse, setRequest, fetchAPI }) {
      try {
        const verified = await verifyOriginRequest(
          request,
          url,
          { endpoint, maxBodyBytes, signingKeys: deps.signingKeys, nonces: deps.nonces, maxSkewS: deps.maxSkewS },
          fetchAPI.Request,
        );
        setRequest(verified.request);
        state.set(verified.request, {
          claims: verified.claims,
          bookmarks: verified.bookmarks,
          started: performance.now(),
          operation: 'unknown',
        });
      } catch (err) {
        if (err instanceof HttpError) return endResponse(errorResponse(err));
        throw err;
      }
    },
    async onResponse({ request, response }) {
      const s = state.get(request);
      if (!s) return;
      // The answer waits (briefly) for the cache writes it started, and its duration includes that wait.
      await settleCacheWrites(request);
      if (s.sealedBookmark) response.headers.set(bookmarkHeader, s.sealedBookmark);
      // An unexpected error answers 500 (errors.ts), so it is a 5xx here and for the SLOs, whatever data came with it.
      const outcome = outcomeOf(response.status);
      const ms = performance.now() - s.started;
      metrics.requests.inc({ operation: s.operation, outcome });
      // The request's trace id rides along as an exemplar, so a slow bucket on the dashboard links to its trace.
      metrics.duration.observe({
        labels: { operation: s.operation, outcome },
        value: ms / 1000,
        exemplarLabels: traceExemplar(),
      });
      deps.signals?.request(s.claims.tenant, ms);
      deps.signals?.flush();
    },
  };

  const limits: Plugin = {
    onValidate({ addValidationRule }) {
      if (deps.allowArbitraryDocuments) addValidationRule(documentLimitsRule);
    },
  };

  const yoga = createYoga({
    graphqlEndpoint: endpoint,
    landingPage: false,
    graphiql: false,
    // The door (verifySignature) has read the body under maxBodyBytes already and hands yoga those bytes: yoga's own
    // limit would only pipe them through one more stream per request.
    maxRequestBodySize: false,
    logging: originLogger(),
    maskedErrors: { maskError },
    schema: createSchema<OriginContext>({ typeDefs: readSdl(), resolvers: tracedResolvers(resolvers) }),
    plugins: [
      originTracingPlugin(),
      verifySignature,
      useRequestLimits(),
      usePersistedOperations({
        getPersistedOperation: (id: string) => findOperation(id, m)?.document ?? null,
        allowArbitraryOperations: deps.allowArbitraryDocuments ?? false,
        skipDocumentValidation: false,
        customErrors: {
          notFound: {
            message: 'PersistedQueryNotFound: the operation id is not in the persisted-operation manifest',
            extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST', http: { status: 400 } },
          },
          persistedQueryOnly: {
            message: 'PersistedQueryOnly: send a persisted operation id (extensions.persistedQuery.sha256Hash)',
            extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } },
          },
          keyNotFound: {
            message: 'PersistedQueryKeyNotFound: extensions.persistedQuery.sha256Hash is missing',
            extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } },
          },
        },
      }),
      limits,
      useCompiledReads(),
      ...(deps.stepUp ? [useStepUp({ ...deps.stepUp, policy: deps.policy })] : []),
      ...(deps.plugins ?? []),
    ],
    context: async (initial: YogaInitialContext): Promise<OriginContext> => {
      const s = state.get(initial.request);
      if (!s) throw clientError('UNSIGNED_REQUEST', 'the origin only accepts requests signed by the edge');
      const operation = (() => {
        const id = persistedId(initial.params);
        return id ? findOperation(id, m) : undefined;
      })();
      s.operation = operation?.name ?? 'arbitrary';
      const scope: CallerScope = resolveScope(s.claims.attributes as CallerAttributes);
      const repo = tracedRepository(
        deps.signals ? meteredRepository(deps.repo, deps.signals) : deps.repo,
        metrics,
        s.operation,
      );
      return {
        claims: s.claims,
        tenant: s.claims.tenant,
        subject: s.claims.subject,
        scope,
        operation,
        repo,
        reviews: deps.reviews,
        reviewEvents: deps.reviewEvents,
        signal: initial.request.signal,
        policy: deps.policy,
        ledger: deps.ledger,
        nlq: deps.nlq,
        journal: deps.journal,
        readOptions: s.bookmarks.length > 0 ? { bookmarks: s.bookmarks } : {},
        cacheContext:
          operation && operation.kind === 'read'
            ? {
                tenant: s.claims.tenant,
                operationId: operation.id,
                scope: operation.scope,
                scopeFingerprint: scope.fingerprint,
                schemaVersion: m.schemaVersion,
                subject: s.claims.subject,
              }
            : undefined,
        recordWrite: async (touched, bookmarks) => {
          s.sealedBookmark = await sealBookmarks(deps.signingKeys[0]!, s.claims.tenant, bookmarks);
          await tracer.startActiveSpan('cache.invalidate', async (span) => {
            try {
              await deps.invalidate?.(s.claims.tenant, touched);
            } finally {
              span.end();
            }
          });
        },
      };
    },
  });
  return { yoga, metrics, manifest: m };
}
