import type { QueueClient } from '@azure/storage-queue';

/** A status email waiting to be sent. */
export interface OutgoingNotification {
  batchId: string;
  to: string[];
  subject: string;
  html: string;
}

/**
 * The notification outbox queue. Status emails are queued here and sent by a queue-triggered
 * function, so a mail outage retries there (and ends in the poison queue) instead of stalling a
 * batch. Messages are base64 JSON, the encoding the Functions queue trigger expects by default.
 */
export class NotificationOutbox {
  constructor(private readonly queue: () => Promise<QueueClient>) {}

  async enqueue(notification: OutgoingNotification): Promise<void> {
    const text = Buffer.from(JSON.stringify(notification), 'utf8').toString('base64');
    await (await this.queue()).sendMessage(text);
  }
}
