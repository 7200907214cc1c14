import type { BatchView } from './apiTypes.js';
import type { BatchStatus } from './core/batch/batchStatus.js';
import { BUSY_BATCH_STATUSES } from './core/batch/batchStatusGroups.js';
import type { MailboxStatus, MailboxStatusCounts } from './core/mailbox/mailboxStatus.js';
import { IN_FLIGHT_MAILBOX_STATUSES } from './core/mailbox/mailboxStatusGroups.js';
import { el } from './dom.js';

function isIn(group: readonly string[], status: string): boolean {
  return group.includes(status);
}

/** The badge's colour: failures red, finished green, work going on blue, the rest grey. */
function tone(status: BatchStatus | MailboxStatus): 'bad' | 'good' | 'busy' | 'idle' {
  if (/WithErrors|Failed/.test(status)) return 'bad';
  if (status === 'Synced' || status === 'Completed') return 'good';
  if (isIn(BUSY_BATCH_STATUSES, status) || isIn(IN_FLIGHT_MAILBOX_STATUSES, status)) return 'busy';
  return 'idle';
}

export function badge(status: BatchStatus | MailboxStatus): HTMLSpanElement {
  return el('span', status, { class: `badge ${tone(status)}` });
}

/** The service is working on the batch: the page polls it fast. */
export function isBusy(batch: BatchView): boolean {
  return isIn(BUSY_BATCH_STATUSES, batch.status);
}

export function sumCounts(counts: Partial<MailboxStatusCounts> | undefined, names: readonly MailboxStatus[]): number {
  return names.reduce((n, name) => n + (counts?.[name] || 0), 0);
}
