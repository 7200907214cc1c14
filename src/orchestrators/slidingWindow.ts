import type { OrchestrationContext, Task } from 'durable-functions';

/**
 * Runs `start(item)` for every item with at most `limit` in flight: `Task.any` over the window,
 * and a new one starts as soon as one finishes (never `Task.all` over everything).
 * Returns each item's result, in the order they finished.
 */
export function* slidingWindow(
  context: OrchestrationContext,
  items: readonly string[],
  limit: number,
  start: (item: string) => Task,
): Generator<Task, { item: string; result: unknown }[], unknown> {
  const inFlight: { item: string; task: Task }[] = [];
  const finished: { item: string; result: unknown }[] = [];
  let next = 0;
  while (next < items.length || inFlight.length > 0) {
    while (inFlight.length < Math.max(1, limit) && next < items.length) {
      const item = items[next]!;
      inFlight.push({ item, task: start(item) });
      next += 1;
    }
    const winner: unknown = yield context.df.Task.any(inFlight.map((f) => f.task));
    const index = inFlight.findIndex((f) => f.task === winner);
    const [done] = inFlight.splice(index, 1);
    if (done) finished.push({ item: done.item, result: done.task.result });
  }
  return finished;
}
