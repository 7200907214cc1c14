import { setUpBatchButtons } from './actions.js';
import { hasKey } from './api.js';
import { byId } from './dom.js';
import { showAlert } from './notices.js';
import { refresh, refreshIfWatching, route, shownBatchId, watchClosely } from './navigation.js';
import { setUpUpload } from './upload.js';

/**
 * The dashboard's script, served as `/api/dashboard/app.js` (a module, with the others beside it):
 * framework-free TypeScript compiled by the build (tsconfig.json here). It reads the function key
 * from the page's `?code=` and sends it as `x-functions-key` on every API call (api.ts); it never
 * writes what the API says as markup (dom.ts).
 *
 *   navigation.ts   which view shows, and the polling
 *   batchList.ts    the list of batches and the endpoints      upload.ts   the CSV form
 *   batchView.ts    one batch and its mailboxes                 chart.ts    its throughput
 *   actions.ts      the action and report buttons               notices.ts  status line and alert
 *   status.ts       badges and status groups (from core)        format.ts   numbers and times
 */

setUpUpload((batch) => {
  watchClosely();
  location.hash = `#/batches/${encodeURIComponent(batch.id)}`;
});
setUpBatchButtons({
  batchId: shownBatchId,
  accepted: () => {
    watchClosely();
    refresh();
  },
});
// The address's #… part is the route, so the skip link moves focus itself instead of navigating.
document.querySelector('.skip')?.addEventListener('click', (event) => {
  event.preventDefault();
  byId('main').focus();
});
if (!hasKey()) showAlert(`This page needs the function key: open it as ${location.pathname}?code=<function key>.`);
window.addEventListener('hashchange', () => route(true));
document.addEventListener('visibilitychange', refreshIfWatching);
route(false);
