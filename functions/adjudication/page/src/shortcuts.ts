/** Every keyboard shortcut of the page, in one table: the key handler and the `?` help both read it. */
export type Action =
  | 'next'
  | 'previous'
  | 'first'
  | 'last'
  | 'accept'
  | 'reject'
  | 'defer'
  | 'claim'
  | 'toggleSelect'
  | 'rangeSelect'
  | 'undo'
  | 'search'
  | 'help'
  | 'escape'
  | 'openDetail';

export interface Shortcut {
  action: Action;
  keys: string[];
  /** What the help shows. */
  label: string;
}

export const shortcuts: Shortcut[] = [
  { action: 'next', keys: ['j', 'ArrowDown'], label: 'Next candidate' },
  { action: 'previous', keys: ['k', 'ArrowUp'], label: 'Previous candidate' },
  { action: 'first', keys: ['Home'], label: 'First candidate' },
  { action: 'last', keys: ['End'], label: 'Last loaded candidate' },
  {
    action: 'accept',
    keys: ['a'],
    label: 'Accept (merge) the current candidate — or the selection, after a confirmation',
  },
  { action: 'reject', keys: ['r'], label: 'Reject (not the same) — or the selection, after a confirmation' },
  { action: 'defer', keys: ['d'], label: 'Defer (park) — or the selection, after a confirmation' },
  {
    action: 'claim',
    keys: ['c'],
    label:
      'Claim the current candidate for yourself, or give it back if it is yours — or the selection, after a confirmation',
  },
  { action: 'toggleSelect', keys: ['x'], label: 'Select or unselect the current candidate' },
  {
    action: 'rangeSelect',
    keys: ['X'],
    label: 'Shift+x: select every candidate from the last selected to the current',
  },
  { action: 'undo', keys: ['u'], label: 'Undo your last decision (unmerges an accept)' },
  { action: 'search', keys: ['/'], label: 'Search names' },
  { action: 'openDetail', keys: ['Enter'], label: 'Move focus to the detail pane' },
  { action: 'help', keys: ['?'], label: 'Show these shortcuts' },
  { action: 'escape', keys: ['Escape'], label: 'Close a dialog, clear the selection, or leave the search box' },
];

const byKey = new Map(shortcuts.flatMap((s) => s.keys.map((k) => [k, s.action] as const)));

/** The action of a key press, or null. Modified keys (Ctrl, Alt, Meta) are never shortcuts. */
export function actionOf(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'metaKey'>): Action | null {
  if (e.ctrlKey || e.altKey || e.metaKey) return null;
  return byKey.get(e.key) ?? null;
}

/** The ids from the anchor to the current row, inclusive (shift+x); just the current one without an anchor. */
export function rangeIds(ids: readonly string[], anchor: string | null, current: string): string[] {
  const to = ids.indexOf(current);
  const from = anchor ? ids.indexOf(anchor) : -1;
  if (to < 0) return [];
  if (from < 0) return [current];
  const [lo, hi] = from < to ? [from, to] : [to, from];
  return ids.slice(lo, hi + 1);
}
