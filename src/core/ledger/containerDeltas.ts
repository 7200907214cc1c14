import type { ContainerCounts, ContainerState } from './containerState';
import type { ItemRow } from './ledgerRows';

/** How a page changed one container's counts. */
export interface CountDelta {
  copied: number;
  skipped: number;
  retryable: number;
  bytes: number;
  /** Items skipped in this pass that count toward BadItemLimit. */
  bad: number;
}

export function zeroDelta(): CountDelta {
  return { copied: 0, skipped: 0, retryable: 0, bytes: 0, bad: 0 };
}

/**
 * Counts follow the rows, not the pages: settling an item takes its row's old state off the container it
 * was in and adds its new state to the container it is in now. A message moved to another folder leaves
 * the first folder's count; a skipped item copied after all leaves the skipped count.
 */
export function addRowChange(deltas: Map<string, CountDelta>, before: ItemRow | undefined, after: ItemRow | undefined): void {
  if (before) apply(deltas, before, -1);
  if (after) apply(deltas, after, 1);
}

function apply(deltas: Map<string, CountDelta>, row: ItemRow, sign: 1 | -1): void {
  const delta = deltas.get(row.container) ?? zeroDelta();
  if (row.state === 'copied' || row.state === 'gone') delta.copied += sign;
  if (row.state === 'skipped') {
    delta.skipped += sign;
    if (row.retryable) delta.retryable += sign;
  }
  deltas.set(row.container, delta);
}

/** The container's counts after a page's delta; bad items are counted per pass. */
export function withDelta(container: ContainerState, delta: CountDelta | undefined, pass: string): ContainerState {
  if (!delta) return container;
  const counts: ContainerCounts = {
    ...container.counts,
    copied: Math.max(0, container.counts.copied + delta.copied),
    skipped: Math.max(0, container.counts.skipped + delta.skipped),
    retryable: Math.max(0, container.counts.retryable + delta.retryable),
    bytes: container.counts.bytes + delta.bytes,
  };
  if (delta.bad > 0) counts.bad = { pass, count: (container.counts.bad?.pass === pass ? container.counts.bad.count : 0) + delta.bad };
  return { ...container, counts };
}
