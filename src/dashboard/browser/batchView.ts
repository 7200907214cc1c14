import { allMailboxes, batchPath, getJson } from './api.js';
import type { BatchView, MailboxView, ThroughputView } from './apiTypes.js';
import { byId, el, tableBody, timeEl } from './dom.js';
import { formatBytes, formatNumber } from './format.js';
import { announce } from './notices.js';
import { renderChart } from './chart.js';
import { badge, isBusy } from './status.js';

/** The second view: one batch, its summary, its mailboxes and its throughput chart. */

/** What the mailbox table shows, so a poll that changed nothing leaves the table alone. */
let shownMailboxes = '';

/** Empties the view while the batch `id` loads. */
export function resetBatchView(id: string): void {
  byId('batch-title').textContent = `Loading ${id}…`;
  byId('batch-status').replaceChildren();
  byId('batch-detail').textContent = '';
  byId('batch-summary').replaceChildren();
  byId('chart').replaceChildren();
  byId('chart-summary').textContent = '';
  tableBody('mailboxes').replaceChildren();
  shownMailboxes = '';
}

/**
 * Loads and shows the batch; its answer (for the buttons), and whether it is busy (poll fast), or
 * undefined when `isCurrent` says a newer refresh took over.
 */
export async function refreshBatch(id: string, isCurrent: () => boolean): Promise<{ batch: BatchView; busy: boolean } | undefined> {
  const [batch, mailboxes, throughput] = await Promise.all([
    getJson<BatchView>(batchPath(id)),
    allMailboxes(id),
    getJson<ThroughputView>(`${batchPath(id)}/throughput`),
  ]);
  if (!isCurrent()) return undefined;
  renderBatch(batch);
  renderMailboxes(mailboxes);
  renderChart(throughput);
  announce([batch]);
  return { batch, busy: isBusy(batch) };
}

function renderBatch(batch: BatchView): void {
  document.title = `${batch.name} - Mailbox migration`;
  byId('batch-title').textContent = batch.name;
  byId('batch-status').replaceChildren(badge(batch.status));
  byId('batch-detail').textContent = batch.statusDetail || '';
  const counts = Object.entries(batch.counts ?? {})
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name} ${n}`)
    .join(' · ');
  const items: [string, string | HTMLElement][] = [
    ['Endpoint', batch.endpoint],
    ['Mailboxes', formatNumber(batch.mailboxCount)],
    ['By status', counts || 'none'],
    ['Created', timeEl(batch.createdAt)],
    ['Started', timeEl(batch.startedAt)],
    ['Initial sync done', timeEl(batch.syncedAt)],
    ['Completed', timeEl(batch.completedAt)],
    ['Incremental sync', `every ${batch.incrementalSyncIntervalHours} h`],
  ];
  const nodes = items
    .filter(([, value]) => value)
    .map(([term, value]) => {
      const group = el('div');
      const dd = el('dd');
      dd.append(value);
      group.append(el('dt', term), dd);
      return group;
    });
  byId('batch-summary').replaceChildren(...nodes);
}

function renderMailboxes(mailboxes: readonly MailboxView[]): void {
  // A 2,000-mailbox batch polled every 2 s: rebuild the table only when a row changed.
  const snapshot = JSON.stringify(mailboxes);
  if (snapshot === shownMailboxes) return;
  shownMailboxes = snapshot;
  const rows = mailboxes
    .slice()
    .sort((a, b) => (a.csvLine || 0) - (b.csvLine || 0))
    .map((mailbox) => {
      const percent = Math.max(0, Math.min(100, Math.round(mailbox.percentageComplete || 0)));
      const tr = el('tr', null, { 'data-mailbox': mailbox.emailAddress });
      const statusCell = el('td');
      statusCell.append(badge(mailbox.status));
      const progressCell = el('td', null, { class: 'progress' });
      progressCell.append(
        el('progress', null, { max: '100', value: String(percent), 'aria-label': `Progress of ${mailbox.emailAddress}` }),
        el('span', `${percent} %`),
      );
      const bytes = el('td', formatBytes(mailbox.bytesTransferred), { class: 'num', title: `${formatNumber(mailbox.bytesTransferred)} bytes` });
      const lastSync = el('td');
      lastSync.append(timeEl(mailbox.lastSuccessfulSyncTimestamp));
      tr.append(
        el('th', mailbox.emailAddress, { scope: 'row' }),
        statusCell,
        el('td', mailbox.statusDetail || ''),
        progressCell,
        el('td', formatNumber(mailbox.syncedItemCount), { class: 'num' }),
        el('td', formatNumber(mailbox.skippedItemCount), { class: 'num' }),
        el('td', formatNumber(mailbox.totalItemsInSourceMailbox), { class: 'num' }),
        bytes,
        lastSync,
        el('td', mailbox.error || '', { class: 'error' }),
      );
      return tr;
    });
  tableBody('mailboxes').replaceChildren(...rows);
}
