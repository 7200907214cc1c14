import type { BatchView } from './apiTypes.js';
import { byId } from './dom.js';

/** The page's two message areas: the polite status line and the alert. */

/** Says `text` in the status line, re-set after a moment so screen readers announce a repeat too. */
export function say(text: string): void {
  const region = byId('status');
  region.textContent = '';
  window.setTimeout(() => {
    region.textContent = text;
  }, 50);
}

/** `fromPolling` marks a failed refresh, which the next good refresh takes away again. */
export function showAlert(text: string, fromPolling = false): void {
  const alert = byId('alert');
  alert.textContent = text;
  alert.hidden = false;
  alert.setAttribute('data-from-polling', fromPolling ? 'true' : 'false');
}

export function clearAlert(): void {
  const alert = byId('alert');
  alert.hidden = true;
  alert.textContent = '';
}

export function isPollingAlert(): boolean {
  return byId('alert').getAttribute('data-from-polling') === 'true';
}

const knownStatus = new Map<string, string>();

/** Tells screen readers (and sighted users, in the status line) when a batch changes status. */
export function announce(batches: readonly BatchView[]): void {
  for (const batch of batches) {
    const before = knownStatus.get(batch.id);
    knownStatus.set(batch.id, batch.status);
    if (before && before !== batch.status) say(`Batch "${batch.name}" is now ${batch.status}.`);
  }
}

/** A status the administrator caused (an action's answer): already said, so not announced again. */
export function remember(batch: BatchView): void {
  knownStatus.set(batch.id, batch.status);
}
