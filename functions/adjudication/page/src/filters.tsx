/** The queue's filters: every field of the API's ReviewFilter, plus the order. Changes apply as you type. */
import { forwardRef } from 'react';
import type { EntityKind, ReviewOrder, ReviewStatus } from './generated/graphql.js';

export interface FilterForm {
  status: ReviewStatus | 'ANY';
  band: 'MID';
  minProbability: string;
  maxProbability: string;
  kind: EntityKind | 'ANY';
  sourceSystem: string;
  /** '' or `min:<seconds>` / `max:<seconds>`. */
  age: string;
  assignee: string;
  unassigned: boolean;
  text: string;
  orderBy: ReviewOrder;
}

export const initialFilter: FilterForm = {
  status: 'OPEN',
  band: 'MID',
  minProbability: '',
  maxProbability: '',
  kind: 'ANY',
  sourceSystem: '',
  age: '',
  assignee: '',
  unassigned: false,
  text: '',
  orderBy: 'OLDEST',
};

export const statuses: ReviewStatus[] = ['OPEN', 'DEFERRED', 'ACCEPTED', 'REJECTED', 'MERGED', 'SUPERSEDED'];
const kinds: EntityKind[] = ['PERSON', 'ORGANISATION', 'LOCATION', 'EVENT', 'DOCUMENT', 'ACCOUNT', 'VEHICLE'];
/** Age choices: `min:<s>` is older than, `max:<s>` newer than (the API's minAgeS / maxAgeS). */
const ages = [
  ['', 'any age'],
  ['max:3600', 'newer than 1 hour'],
  ['max:86400', 'newer than 1 day'],
  ['min:3600', 'older than 1 hour'],
  ['min:86400', 'older than 1 day'],
  ['min:604800', 'older than 7 days'],
] as const;
const orders: [ReviewOrder, string][] = [
  ['OLDEST', 'oldest first'],
  ['NEWEST', 'newest first'],
  ['PROBABILITY_DESC', 'most likely first'],
  ['PROBABILITY_ASC', 'least likely first'],
];

export const Filters = forwardRef<
  HTMLInputElement,
  { value: FilterForm; onChange: (f: FilterForm) => void; onSearchEscape: () => void }
>(function Filters({ value, onChange, onSearchEscape }, searchRef) {
  const set = <K extends keyof FilterForm>(k: K, v: FilterForm[K]) => onChange({ ...value, [k]: v });
  return (
    <form className="filters" aria-label="Queue filters" onSubmit={(e) => e.preventDefault()}>
      <label className="search">
        <span>
          Search names <kbd>/</kbd>
        </span>
        <input
          ref={searchRef}
          type="search"
          value={value.text}
          placeholder="e.g. carter"
          onChange={(e) => set('text', e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' || e.key === 'Enter') {
              e.preventDefault();
              onSearchEscape();
            }
          }}
        />
      </label>
      <label>
        Status
        <select value={value.status} onChange={(e) => set('status', e.target.value as FilterForm['status'])}>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {s.toLowerCase()}
            </option>
          ))}
          <option value="ANY">any status</option>
        </select>
      </label>
      <label>
        Band
        <select value={value.band} onChange={(e) => set('band', e.target.value as 'MID')}>
          <option value="MID">MID (every review candidate)</option>
        </select>
      </label>
      <fieldset>
        <legend>Probability (%)</legend>
        <label>
          from
          <input
            type="number"
            min={0}
            max={100}
            step={1}
            inputMode="decimal"
            value={value.minProbability}
            onChange={(e) => set('minProbability', e.target.value)}
          />
        </label>
        <label>
          to
          <input
            type="number"
            min={0}
            max={100}
            step={1}
            inputMode="decimal"
            value={value.maxProbability}
            onChange={(e) => set('maxProbability', e.target.value)}
          />
        </label>
      </fieldset>
      <label>
        Kind
        <select value={value.kind} onChange={(e) => set('kind', e.target.value as FilterForm['kind'])}>
          <option value="ANY">any kind</option>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {k.toLowerCase()}
            </option>
          ))}
        </select>
      </label>
      <label>
        Source system
        <input
          value={value.sourceSystem}
          onChange={(e) => set('sourceSystem', e.target.value)}
          placeholder="e.g. crm"
        />
      </label>
      <label>
        Age
        <select value={value.age} onChange={(e) => set('age', e.target.value)}>
          {ages.map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </select>
      </label>
      <label>
        Assignee
        <input
          value={value.assignee}
          disabled={value.unassigned}
          onChange={(e) => set('assignee', e.target.value)}
          placeholder="subject"
        />
      </label>
      <label className="check">
        <input type="checkbox" checked={value.unassigned} onChange={(e) => set('unassigned', e.target.checked)} />
        unclaimed only
      </label>
      <label>
        Order
        <select value={value.orderBy} onChange={(e) => set('orderBy', e.target.value as ReviewOrder)}>
          {orders.map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
});
