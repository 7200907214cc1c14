import { app, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { getServices } from '../compositionRoot';
import { logEvent } from './logging/functionLog';

const notificationSchema = z.object({
  batchId: z.string(),
  to: z.array(z.string().min(3)).min(1),
  subject: z.string(),
  html: z.string(),
});

/**
 * Sends the status emails queued by the batches, from NOTIFICATION_SENDER through Graph. A
 * failure throws, so the host retries the message and, after maxDequeueCount tries, moves it to
 * the poison queue: a mail outage never holds a batch up.
 */
export async function sendNotification(message: unknown, context: InvocationContext): Promise<void> {
  const parsed = notificationSchema.safeParse(typeof message === 'string' ? JSON.parse(message) : message);
  if (!parsed.success) {
    logEvent(context, 'error', `Notification dropped: it is not a status email (${parsed.error.issues.map((i) => i.path.join('.') || 'body').join(', ')}).`);
    return;
  }
  const services = getServices();
  const sender = services.config.notificationSender;
  const tenant = services.connectors.tenant();
  if (!sender || !tenant) {
    logEvent(context, 'warn', `Batch ${parsed.data.batchId}: status email not sent, NOTIFICATION_SENDER or the Graph settings are missing.`, {
      batchId: parsed.data.batchId,
    });
    return;
  }
  await tenant.sendMail(sender, { to: parsed.data.to, subject: parsed.data.subject, html: parsed.data.html });
  logEvent(context, 'info', `Batch ${parsed.data.batchId}: status email sent to ${parsed.data.to.length} recipient(s).`, {
    batchId: parsed.data.batchId,
    recipients: parsed.data.to.length,
  });
}

app.storageQueue('sendNotification', {
  queueName: '%NOTIFICATION_QUEUE%',
  connection: 'AzureWebJobsStorage',
  handler: sendNotification,
});
