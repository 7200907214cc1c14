import { toError } from '../errors';
import type { FunctionRegistry } from '../functionRegistry';
import type { HostLog } from '../hostLog';
import { invokeFunction } from '../invokeFunction';
import { Semaphore } from '../semaphore';
import { fromTypedData, toJsonText, toTypedJson } from '../typedData';
import { WakeableSleep } from '../wakeableSleep';
import type { CompletionBatcher } from './completionBatcher';
import { EventType, newEvent, type HistoryEvent } from './historyEvents';
import type { ActivityTask, WorkItemMessage } from './messages';
import type { TaskHubStorage } from './taskHubStorage';

/** A work item stays hidden this long and is renewed while its activities run; a crash frees it soon. */
const VISIBILITY_S = 8;
const RENEW_EVERY_MS = 2_500;
const MAX_IDLE_POLL_MS = 250;
const MESSAGES_PER_RECEIVE = 4;

/**
 * Runs activities from `<hub>-workitems`, at most `maxConcurrentActivityFunctions` at a time. It
 * takes new messages only when every activity it holds has a slot, so work waits in the queue, not
 * in memory. Each result goes to the orchestration's control queue before the work item is deleted:
 * after a crash an activity may run twice, but its result is never lost.
 */
export class ActivityWorker {
  readonly sleeper = new WakeableSleep();
  private readonly slots: Semaphore;
  private readonly inFlight = new Set<Promise<void>>();
  /** Activities received but not yet started, and messages received but not yet read. */
  private backlog = 0;
  private unread = 0;
  private readonly slotFreed = new WakeableSleep();
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly storage: TaskHubStorage,
    private readonly registry: FunctionRegistry,
    private readonly completions: CompletionBatcher,
    private readonly log: HostLog,
    maxConcurrent: number,
  ) {
    this.slots = new Semaphore(maxConcurrent);
  }

  start(): void {
    this.running = true;
    this.loop = this.pollLoop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.sleeper.wake();
    this.slotFreed.wake();
    await this.loop;
    await Promise.all(this.inFlight);
  }

  private async pollLoop(): Promise<void> {
    let idle = 0;
    while (this.running) {
      if (this.backlog > 0 || this.unread > 0 || this.slots.free === 0) {
        await this.slotFreed.sleep(1_000);
        continue;
      }
      let got = 0;
      try {
        const response = await this.storage.workItems.receiveMessages({ numberOfMessages: MESSAGES_PER_RECEIVE, visibilityTimeout: VISIBILITY_S });
        got = response.receivedMessageItems.length;
        for (const item of response.receivedMessageItems) {
          this.unread++;
          const work = this.runMessage(item.messageId, item.popReceipt, item.messageText).finally(() => this.inFlight.delete(work));
          this.inFlight.add(work);
        }
      } catch (error) {
        this.log.error(`Work-item queue poll failed: ${toError(error).message}`);
      }
      idle = got > 0 ? 0 : Math.min(MAX_IDLE_POLL_MS, idle * 2 + 5);
      if (idle > 0 && this.running) await this.sleeper.sleep(idle);
    }
  }

  private async runMessage(messageId: string, popReceipt: string, text: string): Promise<void> {
    let receipt = popReceipt;
    const renew = setInterval(() => {
      this.storage.workItems
        .updateMessage(messageId, receipt, undefined, VISIBILITY_S)
        .then((r) => {
          if (r.popReceipt) receipt = r.popReceipt;
        })
        .catch(() => undefined);
    }, RENEW_EVERY_MS);
    try {
      let message: WorkItemMessage;
      try {
        message = (await this.storage.readMessage(text)) as WorkItemMessage;
      } finally {
        this.unread--;
      }
      this.backlog += message.tasks.length;
      await Promise.all(message.tasks.map((task) => this.runTask(message, task)));
    } catch (error) {
      this.log.error(`Work item ${messageId} could not be completed and will be retried: ${toError(error).message}`);
      return;
    } finally {
      clearInterval(renew);
    }
    await this.storage.workItems.deleteMessage(messageId, receipt).catch(() => undefined);
  }

  private async runTask(message: WorkItemMessage, task: ActivityTask): Promise<void> {
    await this.slots.acquire();
    this.backlog--;
    let event: HistoryEvent;
    try {
      event = await this.invoke(task);
    } finally {
      this.slots.release();
      this.slotFreed.wake();
    }
    await this.completions.add(message.instanceId, message.executionId, event);
  }

  private async invoke(task: ActivityTask): Promise<HistoryEvent> {
    try {
      const fn = this.registry.get(task.name);
      const { response } = await invokeFunction(
        this.registry,
        fn,
        {
          inputData: [{ name: fn.trigger.name, data: toTypedJson(task.input) }],
        },
        this.log,
      );
      return newEvent(EventType.TaskCompleted, { TaskScheduledId: task.taskId, Result: toJsonText(fromTypedData(response.returnValue)) });
    } catch (thrown) {
      const error = toError(thrown);
      return newEvent(EventType.TaskFailed, {
        TaskScheduledId: task.taskId,
        Reason: `Activity function '${task.name}' failed: ${error.message}`,
        Details: error.stack ?? error.message,
      });
    }
  }
}
