import type { PageLimits } from '../../services/ports/mailSource';

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

/**
 * The messages of one page, with their real sizes, in UID order. Messages over
 * `skipContentOverBytes` are not read, so they take no room in the page's byte budget.
 */
export function planSizedPage(sized: readonly SizedUid[], limits: PageLimits): SizedUid[] {
  const limit = limits.skipContentOverBytes ?? Number.POSITIVE_INFINITY;
  const uidsInPage = new Set(
    planPage(
      sized.map((m) => (m.size > limit ? { ...m, size: 0 } : m)),
      limits,
    ),
  );
  return sized.filter((m) => uidsInPage.has(m.uid)).sort((a, b) => a.uid - b.uid);
}
