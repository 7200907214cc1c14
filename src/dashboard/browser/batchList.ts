import { errorMessage, getJson } from './api.js';
import type { BatchView, EndpointView, ListAnswer } from './apiTypes.js';
import { IN_PROGRESS_MAILBOX_STATUSES } from './core/mailbox/mailboxStatusGroups.js';
import { el, tableBody, timeEl, typedById } from './dom.js';
import { formatNumber } from './format.js';
import { announce, showAlert } from './notices.js';
import { badge, isBusy, sumCounts } from './status.js';

/** The first view: every batch, newest first, and the endpoints to choose from for a new one. */

/** Loads and shows the list; true when a batch is busy (poll fast). `isCurrent` false: a newer refresh took over. */
export async function refreshList(isCurrent: () => boolean): Promise<boolean> {
  const body = await getJson<ListAnswer<BatchView>>('/batches');
  if (!isCurrent()) return false;
  const batches = (body.value ?? []).slice().sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
  renderBatchList(batches);
  announce(batches);
  return batches.some(isBusy);
}

function renderBatchList(batches: readonly BatchView[]): void {
  const rows = batches.map((batch) => {
    const tr = el('tr');
    const nameCell = el('td');
    nameCell.append(el('a', batch.name, { href: `#/batches/${encodeURIComponent(batch.id)}` }));
    const statusCell = el('td');
    statusCell.append(badge(batch.status));
    const created = el('td');
    created.append(timeEl(batch.createdAt));
    tr.append(
      nameCell,
      statusCell,
      el('td', batch.endpoint),
      el('td', formatNumber(batch.mailboxCount), { class: 'num' }),
      el('td', formatNumber(sumCounts(batch.counts, IN_PROGRESS_MAILBOX_STATUSES)), { class: 'num' }),
      el('td', formatNumber(sumCounts(batch.counts, ['Synced'])), { class: 'num' }),
      el('td', formatNumber(sumCounts(batch.counts, ['Completed'])), { class: 'num' }),
      el('td', formatNumber(sumCounts(batch.counts, ['Failed'])), { class: 'num' }),
      created,
    );
    return tr;
  });
  tableBody('batches').replaceChildren(...rows);
  typedById('batches', HTMLTableElement).hidden = batches.length === 0;
  typedById('no-batches', HTMLElement).hidden = batches.length > 0;
}

/** Fills the endpoint choice of the upload form, keeping what was chosen when it is still there. */
export function loadEndpoints(): void {
  const select = typedById('batch-endpoint', HTMLSelectElement);
  getJson<ListAnswer<EndpointView>>('/endpoints')
    .then((body) => {
      const chosen = select.value;
      const endpoints = body.value ?? [];
      let options = endpoints.map((endpoint) => el('option', `${endpoint.name} (${endpoint.host})`, { value: endpoint.name }));
      if (options.length === 0) options = [el('option', 'No endpoints yet: create one with POST /api/endpoints', { value: '' })];
      select.replaceChildren(...options);
      if (chosen && endpoints.some((e) => e.name === chosen)) select.value = chosen;
    })
    .catch((error: unknown) => showAlert(`Could not load the endpoints: ${errorMessage(error)}`));
}
