import type { QueueClient } from '@azure/storage-queue';
import { toError } from '../errors';
import type { FunctionRegistry } from '../functionRegistry';
import type { HostLog } from '../hostLog';
import { Semaphore } from '../semaphore';
import { WakeableSleep } from '../wakeableSleep';
import { EventType } from './historyEvents';
import type { HistoryStore } from './historyStore';
import { InstanceProcessor } from './instanceProcessor';
import type { InstanceStore } from './instanceStore';
import type { ControlMessage } from './messages';
import type { MessageSender } from './messageSender';
import type { TaskHubStorage } from './taskHubStorage';

/** A dequeued control message stays hidden this long; after a crash it reappears and is redone. */
const CONTROL_VISIBILITY_S = 8;
/** Idle polls back off to this; work the host gives itself wakes the poller at once instead. */
const MAX_IDLE_POLL_MS = 250;
/** A control message that keeps failing for a storage reason is dropped after this many tries. */
const MAX_CONTROL_DEQUEUE = 20;

interface Received {
  messageId: string;
  popReceipt: string;
  queue: QueueClient;
  body: ControlMessage;
}

export interface OrchestrationWorkerDeps {
  storage: TaskHubStorage;
  instances: InstanceStore;
  history: HistoryStore;
  sender: MessageSender;
  registry: FunctionRegistry;
  log: HostLog;
  maxConcurrentOrchestrations: number;
}

/**
 * Polls the control queues (up to 32 messages a queue), groups messages by instance and hands each
 * group to the InstanceProcessor: one group per instance at a time, at most
 * `maxConcurrentOrchestratorFunctions` instances at once. Inbound messages are deleted only after
 * the processor has persisted their effect, so a crash redoes the episode.
 */
export class OrchestrationWorker {
  readonly sleeper = new WakeableSleep();
  private readonly processor: InstanceProcessor;
  private readonly locks = new Map<string, Promise<void>>();
  private readonly slots: Semaphore;
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(private readonly deps: OrchestrationWorkerDeps) {
    this.slots = new Semaphore(deps.maxConcurrentOrchestrations);
    this.processor = new InstanceProcessor(deps);
  }

  start(): void {
    this.running = true;
    this.loops = [this.pollLoop()];
  }

  async stop(): Promise<void> {
    this.running = false;
    this.sleeper.wake();
    await Promise.all(this.loops);
  }

  /** Forgets a cached instance (after a purge, so a re-created instance is read fresh). */
  evict(instanceId: string): void {
    this.processor.evict(instanceId);
  }

  private async pollLoop(): Promise<void> {
    let idle = 0;
    while (this.running) {
      let got = 0;
      try {
        const batches = await Promise.all(this.deps.storage.controlQueues.map((q) => this.receive(q)));
        const all = batches.flat();
        got = all.length;
        await this.dispatch(all);
      } catch (error) {
        this.deps.log.error(`Control queue poll failed: ${toError(error).message}`);
      }
      idle = got > 0 ? 0 : Math.min(MAX_IDLE_POLL_MS, idle * 2 + 5);
      if (idle > 0 && this.running) await this.sleeper.sleep(idle);
    }
  }

  private async receive(queue: QueueClient): Promise<Received[]> {
    const response = await queue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: CONTROL_VISIBILITY_S });
    const out: Received[] = [];
    for (const item of response.receivedMessageItems) {
      if (item.dequeueCount > MAX_CONTROL_DEQUEUE) {
        this.deps.log.error(`Dropping control message ${item.messageId} after ${item.dequeueCount} failed attempts: ${item.messageText.slice(0, 200)}`);
        await queue.deleteMessage(item.messageId, item.popReceipt);
        continue;
      }
      const body = (await this.deps.storage.readMessage(item.messageText)) as ControlMessage;
      out.push({ messageId: item.messageId, popReceipt: item.popReceipt, queue, body });
    }
    return out;
  }

  private async dispatch(received: Received[]): Promise<void> {
    const byInstance = new Map<string, Received[]>();
    for (const r of received) {
      const early = earlyTimerDelay(r.body);
      if (early > 0) {
        // A timer due within the visibility window waits here; the message stays hidden meanwhile,
        // so a crash still brings it back.
        setTimeout(() => {
          if (this.running) void this.dispatch([r]);
        }, early);
        continue;
      }
      const list = byInstance.get(r.body.instanceId) ?? [];
      list.push(r);
      byInstance.set(r.body.instanceId, list);
    }
    await Promise.all(
      [...byInstance].map(([instanceId, list]) => this.withInstanceLock(instanceId, () => this.slots.run(() => this.process(instanceId, list)))),
    );
  }

  private async withInstanceLock(instanceId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.locks.get(instanceId) ?? Promise.resolve();
    const current = previous.then(work, work);
    this.locks.set(instanceId, current);
    try {
      await current;
    } finally {
      if (this.locks.get(instanceId) === current) this.locks.delete(instanceId);
    }
  }

  private async process(instanceId: string, received: Received[]): Promise<void> {
    try {
      const outcome = await this.processor.process(
        instanceId,
        received.map((r) => r.body),
      );
      if (outcome === 'deferred') {
        // Events for an instance whose start is not processed yet come back in a second.
        await Promise.all(received.map((r) => r.queue.updateMessage(r.messageId, r.popReceipt, undefined, 1).catch(() => undefined)));
        return;
      }
      await Promise.all(received.map((r) => r.queue.deleteMessage(r.messageId, r.popReceipt).catch(() => undefined)));
    } catch (error) {
      this.processor.evict(instanceId);
      this.deps.log.error(`Orchestration ${instanceId}: processing failed and will be retried: ${toError(error).stack ?? String(error)}`);
    }
  }
}

/** Milliseconds until a timer-only message is due, when that is inside its visibility window. */
function earlyTimerDelay(message: ControlMessage): number {
  const fireTimes = message.events.map((e) => (e.EventType === EventType.TimerFired && e.FireAt ? Date.parse(e.FireAt) : Number.NaN));
  if (fireTimes.length === 0 || fireTimes.some(Number.isNaN)) return 0;
  const wait = Math.max(...fireTimes) - Date.now();
  return wait > 0 && wait < (CONTROL_VISIBILITY_S - 3) * 1000 ? wait : 0;
}
