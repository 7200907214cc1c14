import type { PageLimits } from '../../mailTypes';

export interface SizedUid {
  uid: number;
  size: number;
}

/**
 * Picks the UIDs of one page: ascending, at most maxCount, and as many as fit in maxBytes by
 * RFC822.SIZE, but always at least one, so a message larger than the cap still moves (alone).
 */
export function planPage(candidates: readonly SizedUid[], limits: PageLimits): number[] {
  const sorted = [...candidates].sort((a, b) => a.uid - b.uid);
  const page: number[] = [];
  let bytes = 0;
  for (const { uid, size } of sorted) {
    if (page.length >= limits.maxCount) break;
    if (page.length > 0 && bytes + size > limits.maxBytes) break;
    page.push(uid);
    bytes += size;
  }
  return page;
}
