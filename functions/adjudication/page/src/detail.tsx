/** The detail pane: both sides' records and sources side by side, the explanation as a waterfall, the history. */
import { forwardRef } from 'react';
import { pct, statusLabel } from './format.js';
import type { ReviewCandidateQuery } from './generated/graphql.js';

export type Detail = NonNullable<ReviewCandidateQuery['reviewCandidate']>;
type Side = Detail['entity'];

function Record(props: { title: string; side: Side }) {
  const { side } = props;
  const attrs = Object.entries((side.attributes ?? {}) as Record<string, unknown>);
  return (
    <section className="record" aria-label={props.title}>
      <h3>{props.title}</h3>
      <dl>
        <dt>Names</dt>
        <dd>{side.names.join(' · ')}</dd>
        <dt>Entity</dt>
        <dd>
          <code>{side.id}</code> {side.kind.toLowerCase()}, {side.dataClass}
        </dd>
        {attrs.map(([k, v]) => (
          <div key={k} className="attr">
            <dt>{k}</dt>
            <dd>{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
          </div>
        ))}
        <dt>Sources</dt>
        <dd>
          <ul>
            {side.sources.map((s) => (
              <li key={`${s.system}/${s.recordId}`}>
                {s.system} <code>{s.recordId}</code>
              </li>
            ))}
          </ul>
        </dd>
      </dl>
    </section>
  );
}

const fmt = (n: number | null | undefined, digits = 3) => (n == null ? '—' : n.toFixed(digits));

/** Prior, then each comparison's Bayes factor as a bar (log2: right for, left against), then the probability. */
function Waterfall(props: { explanation: NonNullable<Detail['explanation']> }) {
  const e = props.explanation;
  const prior = e.prior as { probability?: number; log2odds?: number } | null;
  const priorP = prior?.probability;
  const maxAbs = Math.max(1, ...e.waterfall.map((w) => Math.abs(w.log2bf)));
  return (
    <table className="waterfall" aria-label="Match explanation (Fellegi–Sunter waterfall)">
      <thead>
        <tr>
          <th scope="col">Comparison</th>
          <th scope="col">Level</th>
          <th scope="col">m</th>
          <th scope="col">u</th>
          <th scope="col">Bayes factor</th>
          <th scope="col">log₂</th>
          <th scope="col">
            <span className="sr-only">Evidence bar</span>
          </th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <th scope="row">Prior</th>
          <td colSpan={6}>
            {priorP == null
              ? JSON.stringify(e.prior)
              : `${pct(priorP)} before any comparison (log₂ odds ${fmt(prior?.log2odds, 2)})`}
          </td>
        </tr>
        {e.waterfall.map((w) => (
          <tr key={w.comparison}>
            <th scope="row">{w.comparison}</th>
            <td>{w.level}</td>
            <td>{fmt(w.m)}</td>
            <td>{fmt(w.u)}</td>
            <td>{fmt(w.bayesFactor, 2)}</td>
            <td>{fmt(w.log2bf, 2)}</td>
            <td className="bar-cell">
              <span
                className={w.log2bf >= 0 ? 'bar for' : 'bar against'}
                style={{ width: `${(Math.abs(w.log2bf) / maxAbs) * 50}%` }}
              />
            </td>
          </tr>
        ))}
        <tr className="total">
          <th scope="row">Final</th>
          <td colSpan={4}>match weight {fmt(e.matchWeight, 2)}</td>
          <td colSpan={2}>probability {pct(e.probability)}</td>
        </tr>
      </tbody>
    </table>
  );
}

export const DetailPane = forwardRef<
  HTMLElement,
  {
    detail: Detail | null;
    loading: boolean;
    error: string | null;
    onUndo: (id: string) => void;
  }
>(function DetailPane(props, ref) {
  const d = props.detail;
  return (
    <section ref={ref} className="detail" aria-labelledby="detail-h" tabIndex={-1} data-testid="detail">
      <h2 id="detail-h">{d ? `Candidate ${d.id}` : 'Candidate'}</h2>
      {props.error && <p role="alert">{props.error}</p>}
      {!d && !props.error && <p>{props.loading ? 'Loading…' : 'Pick a candidate in the queue.'}</p>}
      {d && (
        <>
          <p className="facts">
            <span className={`badge ${d.status.toLowerCase()}`}>{statusLabel[d.status]}</span> probability{' '}
            <strong>{pct(d.probability)}</strong>, band {d.band}, model <code>{d.modelVersion ?? '—'}</code>
            {d.assignee && <>, claimed by {d.assignee}</>}
          </p>
          <div className="sides">
            <Record title="Incoming record" side={d.entity} />
            <Record title="Existing entity" side={d.candidate} />
          </div>
          <h3>Why it was proposed</h3>
          {d.explanation ? <Waterfall explanation={d.explanation} /> : <p>No explanation stored.</p>}
          <h3>Decision history</h3>
          {d.decisions.length === 0 ? (
            <p>No decisions yet.</p>
          ) : (
            <ol className="history" data-testid="history">
              {d.decisions.map((h, i) => {
                const latest = i === d.decisions.length - 1 && !h.undoneAt;
                const undoable = latest && (d.status === 'ACCEPTED' || d.status === 'REJECTED');
                return (
                  <li key={h.id}>
                    <strong>{h.decision}</strong> by {h.reviewer} at {new Date(h.at).toISOString()} — “{h.reason}”
                    {h.mergeId && (
                      <>
                        {' '}
                        (merge <code>{h.mergeId}</code>)
                      </>
                    )}
                    {h.stepUpChallengeId && <> — step-up {h.stepUpChallengeId.slice(0, 8)}…</>}
                    {h.undoneAt && (
                      <>
                        {' '}
                        — undone by {h.undoneBy} at {new Date(h.undoneAt).toISOString()}
                      </>
                    )}
                    {undoable && (
                      <button type="button" onClick={() => props.onUndo(d.id)}>
                        {h.decision === 'ACCEPT' ? 'Unmerge' : 'Undo reject'}
                      </button>
                    )}
                  </li>
                );
              })}
            </ol>
          )}
        </>
      )}
    </section>
  );
});
