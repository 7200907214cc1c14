/**
 * Runs `work` over the items with at most `lanes` at once, each lane taking the next item when it is done.
 * After the first failure no lane starts another item; the ones under way finish, then that failure is
 * thrown (a paused budget, say, so the whole page is tried again later, item by item from the map).
 */
export async function inLanes<T>(items: readonly T[], lanes: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
  if (failure) throw failure.error;
}
