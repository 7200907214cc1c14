import type { QueueClient } from '@azure/storage-queue';
import type { OutgoingNotification, StatusMailQueue } from '../services/ports/fileStores';

/**
 * The notification outbox queue. Status emails are queued here and sent by a queue-triggered
 * function, so a mail outage retries there (and ends in the poison queue) instead of stalling a
 * batch. Messages are base64 JSON, the encoding the Functions queue trigger expects by default.
 */
export class NotificationOutbox implements StatusMailQueue {
  constructor(private readonly queue: () => Promise<QueueClient>) {}

  async enqueue(notification: OutgoingNotification): Promise<void> {
    const text = Buffer.from(JSON.stringify(notification), 'utf8').toString('base64');
    await (await this.queue()).sendMessage(text);
  }
}
