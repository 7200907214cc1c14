import type { HistoryEvent } from './historyEvents';
import type { MessageSender } from './messageSender';

/** How long a completion waits for company before it is sent alone. */
const BATCH_WINDOW_MS = 4;
const MAX_EVENTS_PER_MESSAGE = 100;

interface Batch {
  instanceId: string;
  executionId: string;
  events: HistoryEvent[];
  flushed: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Activity results for one execution are sent as one control message when they finish close
 * together (a fan-out finishes hundreds at once). The orchestration engine reads every event of a
 * message, so this only saves queue round-trips; each caller still learns when its event is durable.
 */
export class CompletionBatcher {
  private readonly open = new Map<string, Batch>();

  constructor(private readonly sender: MessageSender) {}

  add(instanceId: string, executionId: string, event: HistoryEvent): Promise<void> {
    const key = `${instanceId}\u0000${executionId}`;
    let batch = this.open.get(key);
    if (!batch) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const flushed = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      batch = { instanceId, executionId, events: [], flushed, resolve, reject };
      this.open.set(key, batch);
      const opened = batch;
      setTimeout(() => this.flush(key, opened), BATCH_WINDOW_MS);
    }
    batch.events.push(event);
    const result = batch.flushed;
    if (batch.events.length >= MAX_EVENTS_PER_MESSAGE) this.flush(key, batch);
    return result;
  }

  private flush(key: string, batch: Batch): void {
    if (this.open.get(key) !== batch) return;
    this.open.delete(key);
    this.sender.sendControl({ instanceId: batch.instanceId, executionId: batch.executionId, events: batch.events }).then(batch.resolve, batch.reject);
  }
}
