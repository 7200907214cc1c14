import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import { readConnectionSetting, resolveSettingReferences } from '../appSettings';
import { toError } from '../errors';
import type { RegisteredFunction } from '../functionRegistry';
import { WakeableSleep } from '../wakeableSleep';
import { invokeTriggeredFunction } from './invokeTriggeredFunction';
import type { TriggerDeps } from './startTriggerListeners';
import type { TriggerListener } from './triggerListener';

/** How long a message being processed stays hidden (the real host's lease is 10 minutes, renewed). */
const LEASE_S = 60;
const MAX_IDLE_POLL_MS = 1000;

/**
 * The Azure Functions host's base64 queue encoding, made lenient: text that is not base64 is passed
 * as it is, so messages sent by SDK clients without encoding still arrive.
 */
function decode(text: string, encoding: string): string {
  if (encoding === 'none') return text;
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(text) && text.length % 4 === 0) {
    const decoded = Buffer.from(text, 'base64').toString('utf8');
    if (Buffer.from(decoded, 'utf8').toString('base64') === text) return decoded;
  }
  return text;
}

/**
 * A queue trigger as the Storage Queues extension runs it: poll with backoff, `batchSize` messages
 * at a time, a failed message becomes visible again, and after `maxDequeueCount` failed tries it
 * moves to `<queue>-poison` (host.json `extensions.queues`).
 */
export class QueueTriggerListener implements TriggerListener {
  private readonly sleeper = new WakeableSleep();
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly queue: QueueClient;
  private readonly poison: QueueClient;

  constructor(
    private readonly fn: RegisteredFunction,
    private readonly deps: TriggerDeps,
  ) {
    const queueName = resolveSettingReferences(String(fn.trigger.queueName), `function ${fn.metadata.name} queueName`).toLowerCase();
    const service = QueueServiceClient.fromConnectionString(readConnectionSetting(fn.trigger.connection as string | undefined));
    this.queue = service.getQueueClient(queueName);
    this.poison = service.getQueueClient(`${queueName}-poison`);
  }

  async start(): Promise<void> {
    await this.queue.createIfNotExists();
    this.running = true;
    this.loop = this.pollLoop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.sleeper.wake();
    await this.loop;
  }

  private async pollLoop(): Promise<void> {
    let idle = 0;
    while (this.running) {
      let got = 0;
      try {
        const response = await this.queue.receiveMessages({ numberOfMessages: this.deps.config.queues.batchSize, visibilityTimeout: LEASE_S });
        got = response.receivedMessageItems.length;
        await Promise.all(response.receivedMessageItems.map((m) => this.handle(m)));
      } catch (error) {
        this.deps.log.error(`Queue ${this.queue.name}: poll failed: ${toError(error).message}`);
      }
      idle = got > 0 ? 0 : Math.min(MAX_IDLE_POLL_MS, idle * 2 + 50);
      if (idle > 0 && this.running) await this.sleeper.sleep(idle);
    }
  }

  private async handle(message: {
    messageId: string;
    popReceipt: string;
    messageText: string;
    dequeueCount: number;
    insertedOn: Date;
    expiresOn: Date;
    nextVisibleOn: Date;
  }): Promise<void> {
    const max = this.deps.config.queues.maxDequeueCount;
    const error = await invokeTriggeredFunction(
      this.deps,
      this.fn,
      { string: decode(message.messageText, this.deps.config.queues.messageEncoding) },
      {
        Id: message.messageId,
        DequeueCount: message.dequeueCount,
        InsertionTime: message.insertedOn.toISOString(),
        ExpirationTime: message.expiresOn.toISOString(),
        NextVisibleTime: message.nextVisibleOn.toISOString(),
        PopReceipt: message.popReceipt,
      },
    );
    if (!error) {
      await this.queue.deleteMessage(message.messageId, message.popReceipt);
      return;
    }
    if (message.dequeueCount >= max) {
      await this.poison.createIfNotExists();
      await this.poison.sendMessage(message.messageText);
      await this.queue.deleteMessage(message.messageId, message.popReceipt);
      this.deps.log.error(
        `Message ${message.messageId} on queue '${this.queue.name}' failed ${message.dequeueCount} times and was moved to '${this.poison.name}'.`,
      );
      return;
    }
    // host.json `queues.visibilityTimeout` is the pause before a failed message is tried again.
    await this.queue.updateMessage(message.messageId, message.popReceipt, undefined, Math.round(this.deps.config.queues.visibilityTimeoutMs / 1000));
  }
}
