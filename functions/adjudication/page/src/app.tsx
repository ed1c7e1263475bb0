/**
 * The adjudication page: filters, the virtualised queue, the detail pane, keyboard shortcuts, bulk actions with a
 * confirmation, optimistic decisions with rollback, and the inline step-up. Rows come from a QueueSource (the live
 * review-queue stream, polling while it is off); the header says which.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  type ActionDeps,
  claim,
  decide,
  decisionStatus,
  defaultReason,
  type Outcome,
  type RowOverride,
  summarise,
  undo,
} from './actions.js';
import { type Detail, DetailPane } from './detail.js';
import { ConfirmDialog, HelpDialog, StepUpPanel } from './dialogs.js';
import type { EdgeClient, StepUpChallenge } from './edge-client.js';
import { type FilterForm, Filters, initialFilter, statuses } from './filters.js';
import { countLabel, liveLabel } from './format.js';
import {
  ReviewCandidateDocument,
  type ReviewDecision,
  type ReviewFilter,
  type ReviewStatus,
} from './generated/graphql.js';
import { QueueList, type QueueListHandle } from './queue-list.js';
import type { QueueQuery, QueueSnapshot, QueueSource } from './queue-source.js';
import { actionOf, rangeIds } from './shortcuts.js';
import { type Grant, stepUp as runStepUp } from './stepup.js';

interface Pending {
  kind: 'decide' | 'undo' | 'claim';
  decision?: ReviewDecision;
  /** claim: give the candidates back instead. */
  release?: boolean;
  ids: string[];
  reason: string;
}

interface StepUpState {
  challenge: StepUpChallenge;
  busy: boolean;
  error: string | null;
  resolve: (g: Grant) => void;
  reject: (e: Error) => void;
}

/** The filter form as the API's ReviewFilter. */
export function toQuery(f: FilterForm): QueueQuery {
  const num = (s: string) => (s.trim() === '' || Number.isNaN(Number(s)) ? undefined : Number(s) / 100);
  const filter: ReviewFilter = {
    // Every status for "any" (no statuses at all means OPEN to the API).
    statuses: f.status === 'ANY' ? statuses : [f.status],
    minProbability: num(f.minProbability),
    maxProbability: num(f.maxProbability),
    kinds: f.kind === 'ANY' ? undefined : [f.kind],
    sourceSystem: f.sourceSystem.trim() || undefined,
    minAgeS: f.age.startsWith('min:') ? Number(f.age.slice(4)) : undefined,
    maxAgeS: f.age.startsWith('max:') ? Number(f.age.slice(4)) : undefined,
    assignee: f.unassigned ? undefined : f.assignee.trim() || undefined,
    unassigned: f.unassigned || undefined,
    text: f.text.trim() || undefined,
  };
  return { filter, orderBy: f.orderBy };
}

const isEditable = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

export function App(props: {
  client: EdgeClient;
  source: QueueSource;
  token: () => string;
  subject: string;
  tenant?: string;
}) {
  const { client, source } = props;
  const [form, setForm] = useState<FilterForm>(initialFilter);
  const [snap, setSnap] = useState<QueueSnapshot | null>(null);
  const [overrides, setOverrides] = useState<Map<string, RowOverride>>(new Map());
  const [activeId, setActiveId] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [anchor, setAnchor] = useState<string | null>(null);
  const [detail, setDetail] = useState<{ d: Detail | null; loading: boolean; error: string | null }>({
    d: null,
    loading: false,
    error: null,
  });
  const [message, setMessage] = useState<{ text: string; failed: boolean } | null>(null);
  const [confirm, setConfirm] = useState<Pending | null>(null);
  const [help, setHelp] = useState(false);
  const [stepUpState, setStepUpState] = useState<StepUpState | null>(null);
  const [busy, setBusy] = useState(false);
  /** Decisions and undos finished so far (tests wait on it: data-runs). */
  const [runs, setRuns] = useState(0);
  const grantRef = useRef<Grant | null>(null);
  const undoStack = useRef<{ ids: string[]; before: Map<string, ReviewStatus> }[]>([]);
  const list = useRef<QueueListHandle>(null);
  const search = useRef<HTMLInputElement>(null);
  const detailRef = useRef<HTMLElement>(null);

  const query = useMemo(() => toQuery(form), [form]);
  useEffect(() => source.follow(query, setSnap), [source, query]);

  const items = snap?.items ?? [];
  const ids = useMemo(() => items.map((i) => i.id), [items]);
  const statusOf = useCallback(
    (id: string): ReviewStatus =>
      overrides.get(id)?.status ?? items.find((i) => i.id === id)?.status ?? ('OPEN' as ReviewStatus),
    [overrides, items],
  );

  // The current row follows its id; when it leaves the queue, the row now at its place becomes current.
  const lastIndex = useRef(0);
  useEffect(() => {
    if (ids.length === 0) return;
    const at = activeId ? ids.indexOf(activeId) : -1;
    if (at >= 0) lastIndex.current = at;
    else setActiveId(ids[Math.min(lastIndex.current, ids.length - 1)]!);
  }, [ids, activeId]);

  // The detail of the current row, read after a short pause so j/j/j does not fetch every row passed.
  const [detailTick, setDetailTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: detailTick re-reads the detail after a decision.
  useEffect(() => {
    if (!activeId) return;
    let live = true;
    setDetail((d) => ({ ...d, loading: true }));
    const t = setTimeout(async () => {
      try {
        const data = await client.request(ReviewCandidateDocument, { id: activeId });
        if (live) setDetail({ d: data.reviewCandidate, loading: false, error: null });
      } catch (err) {
        if (live)
          setDetail({ d: null, loading: false, error: `Could not read ${activeId}: ${(err as Error).message}` });
      }
    }, 120);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [activeId, client, detailTick]);

  const deps: ActionDeps = useMemo(
    () => ({
      client,
      grant: () => (grantRef.current && grantRef.current.expiresAt > Date.now() + 5_000 ? grantRef.current : null),
      setOverrides,
      stepUp: (challenge) =>
        new Promise<Grant>((resolve, reject) =>
          setStepUpState({ challenge, busy: false, error: null, resolve, reject }),
        ),
    }),
    [client],
  );

  const report = (verb: string, outcomes: Outcome[]) => setMessage(summarise(verb, outcomes));

  async function run(p: Pending) {
    setBusy(true);
    setMessage(null);
    try {
      if (p.kind === 'decide' && p.decision) {
        const before = new Map(p.ids.map((id) => [id, statusOf(id)]));
        const outcomes = await decide(deps, p.ids, p.decision, p.reason);
        const done = outcomes.filter((o) => o.outcome === 'DONE').map((o) => o.id);
        if (done.length) undoStack.current.push({ ids: done, before });
        report({ ACCEPT: 'Accepted', REJECT: 'Rejected', DEFER: 'Deferred' }[p.decision], outcomes);
        setSelected((s) => new Set([...s].filter((id) => !done.includes(id))));
      } else if (p.kind === 'claim') {
        report(p.release ? 'Released' : 'Claimed', await claim(deps, p.ids, p.release ?? false));
      } else {
        const outcomes = await undo(deps, p.ids, statusOf);
        report('Undid', outcomes);
      }
    } finally {
      setBusy(false);
      setRuns((r) => r + 1);
      setDetailTick((t) => t + 1);
      void source.refresh();
    }
  }

  /** a / r / d: the selection after a confirmation, else the current row at once (then the next row). */
  function requestDecision(decision: ReviewDecision) {
    if (busy || stepUpState) return;
    if (selected.size > 0) {
      setConfirm({
        kind: 'decide',
        decision,
        ids: ids.filter((id) => selected.has(id)),
        reason: defaultReason[decision],
      });
      return;
    }
    if (!activeId) return;
    const id = activeId;
    const at = ids.indexOf(id);
    if (at >= 0 && at < ids.length - 1) move(1);
    void run({ kind: 'decide', decision, ids: [id], reason: defaultReason[decision] });
  }

  /** c: claims the current row (gives it back when it is the reviewer's own), or the selection after a confirmation. */
  function requestClaim() {
    if (busy || stepUpState) return;
    const assigneeOf = (id: string) => items.find((i) => i.id === id)?.assignee ?? null;
    if (selected.size > 0) {
      const chosen = ids.filter((id) => selected.has(id));
      const release = chosen.every((id) => assigneeOf(id) === props.subject);
      setConfirm({ kind: 'claim', release, ids: chosen, reason: '' });
      return;
    }
    if (!activeId) return;
    void run({ kind: 'claim', release: assigneeOf(activeId) === props.subject, ids: [activeId], reason: '' });
  }

  function requestUndo(idsToUndo?: string[]) {
    if (busy || stepUpState) return;
    const target = idsToUndo ?? undoStack.current.pop()?.ids;
    if (!target?.length) {
      setMessage({ text: 'Nothing to undo in this session.', failed: false });
      return;
    }
    if (target.length > 1) setConfirm({ kind: 'undo', ids: target, reason: '' });
    else void run({ kind: 'undo', ids: target, reason: '' });
  }

  function move(delta: number) {
    if (ids.length === 0) return;
    const at = activeId ? ids.indexOf(activeId) : -1;
    const next = Math.max(0, Math.min(ids.length - 1, at + delta));
    setActiveId(ids[next]!);
    list.current?.scrollTo(next);
  }

  function toggle(id: string) {
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
    setAnchor(id);
  }

  const onKey = (e: KeyboardEvent) => {
    if (confirm || help) return; // the dialog has the keys
    const action = actionOf(e);
    if (!action) return;
    if (isEditable(e.target) && action !== 'escape') return;
    if (stepUpState && action !== 'escape') return;
    // Enter opens the detail from the list only; on a button or link it keeps its own meaning.
    if (action === 'openDetail' && !(e.target instanceof HTMLElement && e.target.getAttribute('role') === 'listbox'))
      return;
    e.preventDefault();
    switch (action) {
      case 'next':
        return move(1);
      case 'previous':
        return move(-1);
      case 'first':
        return move(-ids.length);
      case 'last':
        return move(ids.length);
      case 'accept':
        return requestDecision('ACCEPT');
      case 'reject':
        return requestDecision('REJECT');
      case 'defer':
        return requestDecision('DEFER');
      case 'claim':
        return requestClaim();
      case 'toggleSelect':
        return activeId && toggle(activeId);
      case 'rangeSelect':
        if (!activeId) return;
        setSelected((s) => new Set([...s, ...rangeIds(ids, anchor, activeId)]));
        return setAnchor(activeId);
      case 'undo':
        return requestUndo();
      case 'search':
        return search.current?.focus();
      case 'help':
        return setHelp(true);
      case 'openDetail':
        return detailRef.current?.focus();
      case 'escape':
        if (stepUpState) return cancelStepUp();
        if (isEditable(e.target)) return list.current?.focus();
        return setSelected(new Set());
    }
  };
  const keyRef = useRef(onKey);
  keyRef.current = onKey;
  useEffect(() => {
    const h = (e: KeyboardEvent) => keyRef.current(e);
    document.addEventListener('keydown', h);
    return () => document.removeEventListener('keydown', h);
  }, []);

  async function verifyStepUp() {
    const s = stepUpState!;
    setStepUpState({ ...s, busy: true, error: null });
    const held = deps.grant();
    const scopes = [...new Set([...(held?.scopes ?? []), ...s.challenge.scopes])].sort();
    try {
      const grant = await runStepUp(props.token(), s.challenge, scopes);
      grantRef.current = grant;
      setStepUpState(null);
      list.current?.focus();
      s.resolve(grant);
    } catch (err) {
      setStepUpState({ ...s, busy: false, error: `The passkey step-up did not complete: ${(err as Error).message}` });
    }
  }

  function cancelStepUp() {
    const s = stepUpState!;
    setStepUpState(null);
    list.current?.focus();
    s.reject(new Error('step-up cancelled: nothing was changed'));
  }

  const selectedIds = ids.filter((id) => selected.has(id));
  const claimVerb = (p: Pending) => (p.release ? 'Give back' : 'Claim');
  const confirmText = (p: Pending) =>
    p.kind === 'claim'
      ? {
          title: `${claimVerb(p)} ${p.ids.length} candidates?`,
          body: p.release
            ? 'Other reviewers can claim them again.'
            : 'They are assigned to you; another reviewer holding one keeps it (reported as a conflict).',
          label: `${claimVerb(p)} ${p.ids.length}`,
        }
      : p.kind === 'undo'
        ? {
            title: `Undo ${p.ids.length} decisions?`,
            body: 'Each accept is unmerged and each reject lifted; the candidates reopen.',
            label: `Undo ${p.ids.length}`,
          }
        : {
            title: `${{ ACCEPT: 'Accept', REJECT: 'Reject', DEFER: 'Defer' }[p.decision!]} ${p.ids.length} candidates?`,
            body:
              p.decision === 'ACCEPT'
                ? `Merges each pair (reversible with undo). ${p.ids.length} candidates are selected.`
                : `${p.ids.length} candidates are selected; they become ${decisionStatus[p.decision!].toLowerCase()}.`,
            label: `${{ ACCEPT: 'Accept', REJECT: 'Reject', DEFER: 'Defer' }[p.decision!]} ${p.ids.length}`,
          };

  return (
    <>
      <a className="skip" href="#queue-h">
        Skip to the queue
      </a>
      <header>
        <h1>Review queue</h1>
        <p className="counts" data-testid="counts">
          {snap?.loading
            ? 'Loading…'
            : `${countLabel(snap?.totalCount ?? 0, snap?.totalCountExact ?? true)} candidates`}{' '}
          · {items.length} loaded · {selected.size} selected · signed in as {props.subject}
          {props.tenant ? ` (tenant ${props.tenant})` : ''}
        </p>
        {snap && (
          <p
            className={`live ${snap.live.mode}`}
            role="status"
            data-testid="live"
            data-live={snap.live.mode}
            title={'reason' in snap.live && snap.live.reason ? snap.live.reason : undefined}
          >
            {liveLabel(snap.live)}
          </p>
        )}
        <button type="button" onClick={() => setHelp(true)}>
          Shortcuts <kbd>?</kbd>
        </button>
      </header>
      <main data-busy={busy} data-runs={runs}>
        <Filters
          ref={search}
          value={form}
          onChange={(f) => {
            setForm(f);
            setSelected(new Set());
          }}
          onSearchEscape={() => list.current?.focus()}
        />
        <div
          role="status"
          aria-live="polite"
          className={`message${message?.failed ? ' bad' : ''}`}
          data-testid="message"
        >
          {message?.text}
        </div>
        {snap?.error && (
          <p role="alert" className="bad">
            The queue could not be read: {snap.error}
          </p>
        )}
        <div className="panes">
          <section aria-labelledby="queue-h" className="queue-pane">
            <h2 id="queue-h" tabIndex={-1}>
              Candidates
            </h2>
            {stepUpState && (
              <StepUpPanel
                scopes={stepUpState.challenge.scopes}
                operation={stepUpState.challenge.operation}
                busy={stepUpState.busy}
                error={stepUpState.error}
                onVerify={() => void verifyStepUp()}
                onCancel={cancelStepUp}
              />
            )}
            {selected.size > 0 && (
              <section className="bulk" aria-label="Bulk actions" data-testid="bulk">
                <span>{selected.size} selected</span>
                {(['ACCEPT', 'REJECT', 'DEFER'] as const).map((d) => (
                  <button
                    key={d}
                    type="button"
                    disabled={busy}
                    onClick={() =>
                      setConfirm({ kind: 'decide', decision: d, ids: selectedIds, reason: defaultReason[d] })
                    }
                  >
                    {{ ACCEPT: 'Accept', REJECT: 'Reject', DEFER: 'Defer' }[d]} selected
                  </button>
                ))}
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => setConfirm({ kind: 'claim', release: false, ids: selectedIds, reason: '' })}
                >
                  Claim selected
                </button>
                <button type="button" onClick={() => setSelected(new Set())}>
                  Clear selection
                </button>
              </section>
            )}
            {!snap?.loading && items.length === 0 ? (
              <p data-testid="empty">No candidates match these filters.</p>
            ) : (
              <QueueList
                ref={list}
                items={items}
                overrides={overrides}
                activeId={activeId}
                selected={selected}
                totalCount={snap?.totalCount ?? 0}
                totalCountExact={snap?.totalCountExact ?? true}
                onActivate={(id) => {
                  setActiveId(id);
                  list.current?.focus();
                }}
                onNearEnd={() => void source.loadMore()}
              />
            )}
          </section>
          <DetailPane
            ref={detailRef}
            detail={detail.d}
            loading={detail.loading}
            error={detail.error}
            onUndo={(id) => requestUndo([id])}
          />
        </div>
      </main>
      {confirm &&
        (() => {
          const t = confirmText(confirm);
          return (
            <ConfirmDialog
              title={t.title}
              body={t.body}
              confirmLabel={t.label}
              reason={confirm.kind === 'decide' ? confirm.reason : null}
              onReason={(reason) => setConfirm({ ...confirm, reason })}
              onClose={() => {
                setConfirm(null);
                list.current?.focus();
              }}
              onConfirm={() => {
                const p = confirm;
                setConfirm(null);
                list.current?.focus();
                void run(p);
              }}
            />
          );
        })()}
      {help && (
        <HelpDialog
          onClose={() => {
            setHelp(false);
            list.current?.focus();
          }}
        />
      )}
    </>
  );
}
