/**
 * The queue as a virtualised listbox (@tanstack/react-virtual): only the rows in view are in the DOM, so 5,000
 * candidates scroll as smoothly as 50. Focus stays on the listbox; the current row is its active descendant.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import type { RowOverride } from './actions.js';
import { age, countLabel, pct, statusLabel } from './format.js';
import type { QueueItem } from './queue-source.js';

export interface QueueListHandle {
  focus(): void;
  scrollTo(index: number): void;
}

const rowHeight = 44;

export const QueueList = forwardRef<
  QueueListHandle,
  {
    items: QueueItem[];
    overrides: Map<string, RowOverride>;
    activeId: string | null;
    selected: Set<string>;
    totalCount: number;
    totalCountExact: boolean;
    onActivate: (id: string) => void;
    onNearEnd: () => void;
  }
>(function QueueList(props, ref) {
  const scroller = useRef<HTMLDivElement>(null);
  const { items, onNearEnd } = props;
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 10,
  });
  useImperativeHandle(ref, () => ({
    focus: () => scroller.current?.focus(),
    scrollTo: (index) => virtualizer.scrollToIndex(index, { align: 'auto' }),
  }));
  const virtualRows = virtualizer.getVirtualItems();
  const last = virtualRows[virtualRows.length - 1]?.index ?? 0;
  useEffect(() => {
    if (items.length > 0 && last >= items.length - 20) onNearEnd();
  }, [last, items.length, onNearEnd]);

  return (
    <div className="queue">
      <div className="queue-head" aria-hidden="true">
        <span />
        <span>status</span>
        <span>probability</span>
        <span>kind</span>
        <span>incoming record ↔ existing entity</span>
        <span>sources</span>
        <span>age</span>
        <span>assignee</span>
      </div>
      <div
        ref={scroller}
        className="queue-scroll"
        role="listbox"
        aria-label={`Review candidates, ${countLabel(props.totalCount, props.totalCountExact)} in the queue`}
        aria-multiselectable="true"
        aria-activedescendant={props.activeId ? `row-${props.activeId}` : undefined}
        tabIndex={0}
        data-testid="queue"
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualRows.map((v) => {
            const item = items[v.index]!;
            const o = props.overrides.get(item.id);
            const status = o?.status ?? item.status;
            const active = item.id === props.activeId;
            const selected = props.selected.has(item.id);
            return (
              // biome-ignore lint/a11y/useFocusableInteractive: options of a listbox are reached by aria-activedescendant.
              // biome-ignore lint/a11y/useKeyWithClickEvents: the listbox's keys (j/k, x) do what a click does.
              <div
                key={item.id}
                id={`row-${item.id}`}
                role="option"
                aria-selected={selected}
                aria-posinset={v.index + 1}
                // -1: the set's size is unknown (ARIA), when the total is only a lower bound.
                aria-setsize={props.totalCountExact ? props.totalCount : -1}
                data-id={item.id}
                data-status={status}
                className={`row${active ? ' active' : ''}${selected ? ' selected' : ''}${o?.pending ? ' pending' : ''}`}
                style={{ transform: `translateY(${v.start}px)`, height: rowHeight }}
                onClick={() => props.onActivate(item.id)}
              >
                <span className="mark" aria-hidden="true">
                  {selected ? '☑' : '☐'}
                </span>
                <span className={`badge ${status.toLowerCase()}`}>
                  {statusLabel[status]}
                  {o?.pending ? '…' : ''}
                </span>
                <span>{pct(item.probability)}</span>
                <span>{item.entity.kind.toLowerCase()}</span>
                <span className="names">
                  {item.entity.names[0] ?? item.entity.id} ↔ {item.candidate.names[0] ?? item.candidate.id}
                </span>
                <span>
                  {[...new Set([...item.entity.sources, ...item.candidate.sources].map((s) => s.system))].join(', ')}
                </span>
                <span>{age(item.createdAt)}</span>
                <span>{item.assignee ?? '—'}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
});
