import { allMailboxes, batchPath, getJson } from './api.js';
import type { BatchView, MailboxView, ThroughputView } from './apiTypes.js';
import { byId, el, tableBody, timeEl, typedById } from './dom.js';
import { formatBytes, formatNumber } from './format.js';
import { announce } from './notices.js';
import { renderChart } from './chart.js';
import { badge, isBusy } from './status.js';

/** The second view: one batch, its summary, its mailboxes and its throughput chart. */

/** What the mailbox table shows, so a poll that changed nothing leaves the table alone. */
let shownMailboxes = '';

/**
 * The item types a mailbox's figures are split into, each as synced, skipped and total (the way
 * Get-MigrationUserStatistics reports items). Contacts and events are undefined until a groupware
 * sync counts them, and stay so when the endpoint moves mail only.
 */
const ITEM_TYPES: readonly { label: string; figures: (m: MailboxView) => (number | undefined)[] }[] = [
  { label: 'Mail', figures: (m) => [m.syncedItemCount, m.skippedItemCount, m.totalItemsInSourceMailbox] },
  { label: 'Contacts', figures: (m) => [m.contactsSynced, m.contactsSkipped, m.contactsTotal] },
  { label: 'Events', figures: (m) => [m.eventsSynced, m.eventsSkipped, m.eventsTotal] },
];
const FIGURE_NAMES = ['Synced', 'Skipped', 'Total'];

/** The page's own header of the mailbox table (mail figures only), put back for a batch that moves mail only. */
let mailOnlyHead: HTMLTableSectionElement | undefined;
/** Whether the mailbox table shows the figures by item type. */
let shownByType = false;

/** Empties the view while the batch `id` loads. */
export function resetBatchView(id: string): void {
  byId('batch-title').textContent = `Loading ${id}…`;
  byId('batch-status').replaceChildren();
  byId('batch-detail').textContent = '';
  byId('batch-summary').replaceChildren();
  byId('chart').replaceChildren();
  byId('chart-summary').textContent = '';
  tableBody('mailboxes').replaceChildren();
  showItemTypeColumns(false);
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
  const byType = mailboxes.some(hasGroupwareFigures);
  showItemTypeColumns(byType);
  const types = byType ? ITEM_TYPES : ITEM_TYPES.slice(0, 1);
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
        ...types.flatMap((type) => type.figures(mailbox).map(figureCell)),
        bytes,
        lastSync,
        el('td', mailbox.error || '', { class: 'error' }),
      );
      return tr;
    });
  tableBody('mailboxes').replaceChildren(...rows);
}

/** Whether a groupware sync has counted the mailbox's contacts and calendar items (its endpoint has a davUrl). */
function hasGroupwareFigures(mailbox: MailboxView): boolean {
  return ITEM_TYPES.slice(1).some((type) => type.figures(mailbox).some((n) => n !== undefined));
}

function figureCell(n: number | undefined): HTMLTableCellElement {
  return n === undefined ? el('td', '–', { class: 'num', title: 'Not counted yet' }) : el('td', formatNumber(n), { class: 'num' });
}

/**
 * The mailbox table's header: the page's own (Synced, Skipped, Total of mail) while no mailbox has
 * contacts or events; else two rows, Mail, Contacts and Events each over its Synced, Skipped and
 * Total, with column groups so a screen reader names a cell "Contacts, Skipped".
 */
function showItemTypeColumns(byType: boolean): void {
  const table = typedById('mailboxes', HTMLTableElement);
  if (!table.tHead) throw new Error('The table #mailboxes has no header.');
  mailOnlyHead ??= table.tHead.cloneNode(true) as HTMLTableSectionElement;
  if (byType === shownByType) return;
  shownByType = byType;
  for (const group of [...table.querySelectorAll(':scope > colgroup')]) group.remove();
  if (!byType) {
    table.tHead = mailOnlyHead.cloneNode(true) as HTMLTableSectionElement;
    return;
  }
  const spanning = (text: string, attrs: Record<string, string> = {}) => el('th', text, { scope: 'col', rowspan: '2', ...attrs });
  const top = el('tr');
  const figures = el('tr');
  top.append(spanning('Mailbox'), spanning('Status'), spanning('Detail'), spanning('Progress'));
  for (const type of ITEM_TYPES) {
    top.append(el('th', type.label, { scope: 'colgroup', colspan: String(FIGURE_NAMES.length) }));
    figures.append(...FIGURE_NAMES.map((name) => el('th', name, { scope: 'col', class: 'num' })));
  }
  top.append(spanning('Bytes', { class: 'num' }), spanning('Last successful sync'), spanning('Error'));
  const head = el('thead');
  head.append(top, figures);
  table.tHead = head;
  const groups = [4, ...ITEM_TYPES.map(() => FIGURE_NAMES.length), 3].map((span) => el('colgroup', null, { span: String(span) }));
  for (const group of groups) table.insertBefore(group, head);
}
