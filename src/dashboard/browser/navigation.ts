import { showAllowedActions } from './actions.js';
import { loadEndpoints, refreshList } from './batchList.js';
import { refreshBatch, resetBatchView } from './batchView.js';
import { errorMessage } from './api.js';
import { byId } from './dom.js';
import { clearAlert, isPollingAlert, showAlert } from './notices.js';

/**
 * Which view shows (the address's `#/…` part) and the polling that keeps it current: every 2 s
 * while the service works on a batch or just after the administrator did something, every 10 s
 * otherwise. Only the newest refresh may draw: an older one that answers late is dropped.
 */

const FAST_MS = 2000;
const SLOW_MS = 10000;
/** How long to poll fast after an upload or an action, while the status is about to move. */
const WATCH_MS = 20000;

type View = { name: 'list' } | { name: 'batch'; id: string };

let view: View = { name: 'list' };
let ticket = 0;
let timer = 0;
let fastUntil = 0;
let lastFast = false;

/** The id of the batch shown, or '' on the list. */
export function shownBatchId(): string {
  return view.name === 'batch' ? view.id : '';
}

/** Shows the view the address names, and refreshes it. */
export function route(moveFocus: boolean): void {
  const match = /^#\/batches\/([^/]+)$/.exec(location.hash);
  let id = '';
  try {
    id = match?.[1] ? decodeURIComponent(match[1]) : '';
  } catch {
    id = '';
  }
  clearAlert();
  view = id ? { name: 'batch', id } : { name: 'list' };
  byId('list-view').hidden = view.name !== 'list';
  byId('batch-view').hidden = view.name !== 'batch';
  if (view.name === 'batch') {
    resetBatchView(view.id);
    showAllowedActions(undefined);
    if (moveFocus) byId('batch-title').focus();
  } else {
    document.title = 'Batches - Mailbox migration';
    loadEndpoints();
    if (moveFocus) byId('batches-heading').focus();
  }
  refresh();
}

/** Whether the view is busy (poll fast), false when a newer refresh took over. */
async function refreshView(isCurrent: () => boolean): Promise<boolean> {
  if (view.name === 'list') return refreshList(isCurrent);
  const shown = await refreshBatch(view.id, isCurrent);
  if (!shown) return false;
  showAllowedActions(shown.batch);
  return shown.busy;
}

/** Refreshes the view now, and plans the next refresh. */
export function refresh(): void {
  window.clearTimeout(timer);
  const mine = ++ticket;
  const isCurrent = () => mine === ticket;
  void refreshView(isCurrent)
    .then(
      (busy): boolean | null => busy,
      (error: unknown) => {
        if (isCurrent()) showAlert(`Could not load: ${errorMessage(error)}`, true);
        return null;
      },
    )
    .then((busy) => {
      if (!isCurrent()) return;
      if (busy !== null && isPollingAlert()) clearAlert();
      lastFast = Boolean(busy) || Date.now() < fastUntil;
      const delay = lastFast && !document.hidden ? FAST_MS : SLOW_MS;
      byId('updated').textContent = `${busy === null ? 'Could not refresh at ' : 'Updated '}${new Date().toLocaleTimeString()} · next in ${delay / 1000} s`;
      timer = window.setTimeout(refresh, delay);
    });
}

/** After an upload or an action the status is about to move: look often for a while. */
export function watchClosely(): void {
  fastUntil = Date.now() + WATCH_MS;
}

/** A page back in view refreshes at once when it was polling fast. */
export function refreshIfWatching(): void {
  if (!document.hidden && lastFast) refresh();
}
