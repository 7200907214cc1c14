import { packWorkItems, type ControlMessage, type OutboundMessage } from './messages';
import type { TaskHubStorage } from './taskHubStorage';

/** Queue requests in flight at once when an episode fans out (Azurite handles this many well). */
const SEND_PARALLELISM = 16;

/**
 * Sends an episode's outbound messages and wakes the local pollers, so work the host gives itself
 * starts without waiting for the next poll.
 */
export class MessageSender {
  constructor(
    private readonly storage: TaskHubStorage,
    private readonly wake: { control: () => void; workItems: () => void },
  ) {}

  async sendAll(unpacked: OutboundMessage[]): Promise<void> {
    const messages = packWorkItems(unpacked);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < messages.length) {
        const message = messages[next++]!;
        if (message.kind === 'workItem') await this.storage.send(this.storage.workItems, message.body);
        else await this.storage.send(this.storage.controlQueueFor(message.body.instanceId), message.body, message.delayMs ?? 0);
      }
    };
    await Promise.all(Array.from({ length: Math.min(SEND_PARALLELISM, messages.length) }, worker));
    if (messages.some((m) => m.kind === 'workItem')) this.wake.workItems();
    if (messages.some((m) => m.kind === 'control' && !m.delayMs)) this.wake.control();
  }

  async sendControl(body: ControlMessage, delayMs = 0): Promise<void> {
    await this.sendAll([{ kind: 'control', body, delayMs }]);
  }
}
