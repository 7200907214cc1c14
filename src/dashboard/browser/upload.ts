import { api, errorMessage, readProblem } from './api.js';
import type { BatchView, Problem } from './apiTypes.js';
import { byId, el, tableBody, typedById } from './dom.js';
import { formatBytes } from './format.js';
import { clearAlert, say } from './notices.js';

/** The "New batch from a CSV" form: a chosen or dropped file, sent as the body of `POST /batches`. */

function chosenFile(): File | undefined {
  return typedById('csv-file', HTMLInputElement).files?.[0];
}

function showChosenFile(): void {
  const file = chosenFile();
  byId('chosen-file').textContent = file ? `Chosen: ${file.name} (${formatBytes(file.size)})` : 'No file chosen.';
  const name = typedById('batch-name', HTMLInputElement);
  if (file && !name.value.trim()) name.value = file.name.replace(/\.[^.]*$/, '');
}

function clearUploadErrors(): void {
  byId('upload-errors').hidden = true;
  tableBody('csv-errors').replaceChildren();
}

/** Every error of the answer in the table under the form, with its line and column. */
function showUploadProblem(problem: Problem): void {
  const errors = problem.errors;
  byId('csv-errors-caption').textContent = problem.title + (errors.length > 1 ? ` (${errors.length} errors)` : '');
  let rows = errors.map((error) => {
    const tr = el('tr');
    tr.append(
      el('td', error.line === undefined ? '' : error.line, { class: 'num' }),
      el('td', error.column || error.field || ''),
      el('td', error.code || ''),
      el('td', error.message || ''),
    );
    return tr;
  });
  if (rows.length === 0) {
    const tr = el('tr');
    tr.append(el('td', ''), el('td', ''), el('td', ''), el('td', problem.detail));
    rows = [tr];
  }
  tableBody('csv-errors').replaceChildren(...rows);
  byId('upload-errors').hidden = false;
  byId('upload-errors').focus();
  say(`${problem.title} ${problem.detail}`);
}

async function upload(event: SubmitEvent, created: (batch: BatchView) => void): Promise<void> {
  event.preventDefault();
  clearUploadErrors();
  clearAlert();
  const button = byId('upload-button');
  if (button.getAttribute('aria-disabled') === 'true') return;
  const name = typedById('batch-name', HTMLInputElement).value.trim();
  const endpoint = typedById('batch-endpoint', HTMLSelectElement).value;
  const file = chosenFile();
  const missing = [!name && 'a batch name', !endpoint && 'an endpoint', !file && 'a CSV file'].filter((m) => typeof m === 'string');
  if (!file || missing.length > 0) {
    showUploadProblem({ title: 'The batch cannot be created yet.', detail: `Give ${missing.join(', ')}.`, errors: [] });
    return;
  }
  const query = new URLSearchParams({ name, endpoint });
  const notify = typedById('batch-notify', HTMLInputElement).value.trim();
  if (notify) query.set('notify', notify);
  if (!typedById('batch-autostart', HTMLInputElement).checked) query.set('autoStart', 'false');
  button.setAttribute('aria-disabled', 'true');
  button.setAttribute('aria-busy', 'true');
  say(`Uploading ${file.name}…`);
  try {
    const bytes = await file.arrayBuffer();
    const response = await api(`/batches?${query.toString()}`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: bytes });
    if (response.status === 201) {
      const batch = (await response.json()) as BatchView;
      typedById('upload-form', HTMLFormElement).reset();
      showChosenFile();
      say(`Batch "${batch.name}" created with ${batch.mailboxCount} mailboxes.`);
      created(batch);
    } else {
      showUploadProblem(await readProblem(response));
    }
  } catch (error) {
    showUploadProblem({ title: 'The upload failed.', detail: errorMessage(error), errors: [] });
  } finally {
    button.removeAttribute('aria-disabled');
    button.removeAttribute('aria-busy');
  }
}

/** Wires the form, the file input and the drop zone; `created` runs once a batch exists. */
export function setUpUpload(created: (batch: BatchView) => void): void {
  const zone = byId('drop-zone');
  typedById('upload-form', HTMLFormElement).addEventListener('submit', (event) => void upload(event, created));
  typedById('csv-file', HTMLInputElement).addEventListener('change', showChosenFile);
  for (const type of ['dragenter', 'dragover'] as const) {
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add('over');
    });
  }
  for (const type of ['dragleave', 'drop'] as const) zone.addEventListener(type, () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    const files = event.dataTransfer?.files;
    if (!files || files.length === 0) return;
    typedById('csv-file', HTMLInputElement).files = files;
    showChosenFile();
  });
  // A file dropped beside the box must not make the browser leave the page to show it.
  for (const type of ['dragover', 'drop'] as const) {
    window.addEventListener(type, (event) => {
      if (!(event.target instanceof Node) || !zone.contains(event.target)) event.preventDefault();
    });
  }
}
