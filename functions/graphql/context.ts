import type { AuditLedger } from '../core/audit/types.js';
import type { CacheContext } from '../core/cache/index.js';
import type { ReviewEventBus } from '../core/er/review/events.js';
import type { ReviewStore } from '../core/er/review/types.js';
import type { GraphRepository, ReadOptions } from '../core/graph/types.js';
import type { WriteJournal } from '../core/journal/index.js';
import type { ManifestEntry } from '../core/manifest/types.js';
import type { NlqService } from '../core/nlq/service.js';
import type { PolicyEngine } from '../core/policy/index.js';
import type { InternalClaims } from '../core/signing/internal-request.js';

/** What a caller may see (from the scope policy) and its fingerprint, which is part of every cache key. */
export interface CallerScope {
  classes: string[];
  purposes: string[];
  fingerprint: string;
}

/** Per-request GraphQL context of the origin. Built only after the edge's signature has been verified. */
export interface OriginContext {
  claims: InternalClaims;
  tenant: string;
  subject: string;
  scope: CallerScope;
  /** The persisted operation being run (undefined only for arbitrary documents in the local stage). */
  operation: ManifestEntry | undefined;
  repo: GraphRepository;
  /** The review queue (adjudication); absent: its operations answer REVIEWS_UNAVAILABLE. */
  reviews: ReviewStore | undefined;
  /** Live review-queue events (published by review mutations, streamed by `reviewQueueChanged`); absent: neither. */
  reviewEvents?: ReviewEventBus;
  /** Aborts when the client goes away: ends a subscription's stream. */
  signal?: AbortSignal;
  /** The step-up challenge whose grant allowed this `@sensitive` call (set by the step-up guard; null when exempted). */
  stepUpChallengeId?: string | null;
  /** The policy engine (exports decide per record, mutations per touched entity). */
  policy: PolicyEngine;
  /** Where exports and write denies log their decisions and reclassifications are audited; absent: both refused. */
  ledger: AuditLedger | undefined;
  /** Where acknowledged upserts and links are journaled for replay after a graph restore; absent: not journaled. */
  journal?: WriteJournal;
  /** Bookmarks the client sent back (x-gg-bookmark) for read-your-writes. */
  readOptions: ReadOptions;
  /** Inputs of the shared cache key (absent for arbitrary documents, which are never cached). */
  cacheContext: CacheContext | undefined;
  /** Natural-language queries (absent: `nlq` answers NLQ_UNAVAILABLE). */
  nlq: NlqService | undefined;
  /** Called by every mutation: invalidates the touched entities' cache entries and records the bookmark. */
  recordWrite(touched: string[], bookmarks: string[]): Promise<void>;
}
