/** Small display helpers shared by the page's components. */
import type { ReviewStatus } from './generated/graphql.js';
import type { QueueSnapshot } from './queue-store.js';

export const pct = (p: number) => `${(p * 100).toFixed(1)} %`;

/** A queue total as the page shows it: "1,000", or "≥ 1,000" when the edge stopped counting there. */
export const countLabel = (total: number, exact: boolean) => `${exact ? '' : '≥ '}${total.toLocaleString('en')}`;

/** "3 min", "5 h", "2 d": how long ago an ISO instant was, relative to `now`. */
export function age(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86_400)} d`;
}

export const statusLabel: Record<ReviewStatus, string> = {
  OPEN: 'open',
  DEFERRED: 'deferred',
  ACCEPTED: 'accepted',
  REJECTED: 'rejected',
  MERGED: 'merged',
  SUPERSEDED: 'superseded',
};

/** What the header says about live updates (the reason of an interruption or of polling included). */
export function liveLabel(live: QueueSnapshot['live']): string {
  switch (live.mode) {
    case 'live':
      return 'Live updates on';
    case 'connecting':
      return 'Connecting live updates…';
    case 'reconnecting':
      return `Live updates interrupted (${live.reason}): reconnecting in ${live.retryInS} s`;
    case 'polling':
      return `Live updates off${live.reason ? ` (${live.reason})` : ''}: the queue is re-read every ${live.everyS} s`;
  }
}
