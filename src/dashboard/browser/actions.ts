import { api, batchPath, errorMessage, readProblem } from './api.js';
import type { BatchView } from './apiTypes.js';
import { actionRefusal, type BatchAction, isActionAllowed } from './core/batch/batchTransitions.js';
import { el } from './dom.js';
import { clearAlert, remember, say, showAlert } from './notices.js';

/**
 * The batch view's buttons: the administrator's actions (`POST /batches/{id}/{action}`) and the
 * two CSV reports. An action's button is enabled only when the batch's status allows the action,
 * by the same table the API checks (core/batch/batchTransitions.ts). A disabled one stays
 * focusable (`aria-disabled`, not `disabled`), says why in its tooltip, and says it again in the
 * alert when pressed, in the API's own words, without asking the API.
 */

type ButtonAction = Exclude<BatchAction, 'remove'>;

const ACTION_NAMES: Record<ButtonAction, string> = { start: 'Start', stop: 'Stop', resume: 'Resume', complete: 'Complete', retry: 'Retry failed' };

function isButtonAction(value: string | null): value is ButtonAction {
  return value !== null && Object.hasOwn(ACTION_NAMES, value);
}

export interface BatchButtonHooks {
  /** The id of the batch the page shows (from its address). */
  batchId(): string;
  /** The API accepted an action: the batch as it answered. */
  accepted(batch: BatchView): void;
}

/** The batch the buttons were last set for; undefined while it loads. */
let shown: BatchView | undefined;

function actionButtons(): { button: HTMLButtonElement; action: ButtonAction }[] {
  return [...document.querySelectorAll<HTMLButtonElement>('button[data-action]')].flatMap((button) => {
    const action = button.getAttribute('data-action');
    return isButtonAction(action) ? [{ button, action }] : [];
  });
}

function isPending(button: HTMLElement): boolean {
  return button.getAttribute('aria-busy') === 'true';
}

/** Why the shown batch refuses the action now, or undefined when it allows it. */
function refusal(action: ButtonAction): string | undefined {
  if (!shown) return 'The batch is loading.';
  return isActionAllowed(action, shown.status) ? undefined : actionRefusal(action, shown.status, shown.name);
}

function applyAllowed(button: HTMLButtonElement, action: ButtonAction): void {
  const why = refusal(action);
  if (why === undefined) {
    button.removeAttribute('aria-disabled');
    button.removeAttribute('title');
  } else {
    button.setAttribute('aria-disabled', 'true');
    button.title = why;
  }
}

/** Enables the action buttons that the batch's status allows (none while it loads: `undefined`). */
export function showAllowedActions(batch: BatchView | undefined): void {
  shown = batch;
  for (const { button, action } of actionButtons()) if (!isPending(button)) applyAllowed(button, action);
}

async function act(action: ButtonAction, button: HTMLButtonElement, hooks: BatchButtonHooks): Promise<void> {
  if (isPending(button)) return;
  clearAlert();
  const batch = shown;
  const why = refusal(action);
  if (!batch || why !== undefined) {
    if (batch) showAlert(`${ACTION_NAMES[action]}: ${why}`);
    return;
  }
  button.setAttribute('aria-busy', 'true');
  button.setAttribute('aria-disabled', 'true');
  try {
    const response = await api(`${batchPath(batch.id)}/${action}`, { method: 'POST' });
    if (response.status === 202) {
      const accepted = (await response.json()) as BatchView;
      say(`${ACTION_NAMES[action]} accepted: the batch is ${accepted.status}.`);
      remember(accepted);
      showAllowedActions(accepted);
      hooks.accepted(accepted);
    } else {
      showAlert(`${ACTION_NAMES[action]}: ${(await readProblem(response)).detail}`);
    }
  } catch (error) {
    showAlert(`${ACTION_NAMES[action]} failed: ${errorMessage(error)}`);
  } finally {
    button.removeAttribute('aria-busy');
    applyAllowed(button, action);
  }
}

/** Reports need the key, which a plain link cannot send as a header: fetch, then save a blob. */
async function download(kind: string, button: HTMLButtonElement, hooks: BatchButtonHooks): Promise<void> {
  if (isPending(button)) return;
  clearAlert();
  button.setAttribute('aria-busy', 'true');
  button.setAttribute('aria-disabled', 'true');
  const id = hooks.batchId();
  try {
    const response = await api(`${batchPath(id)}/reports/${kind}`);
    if (!response.ok) {
      showAlert((await readProblem(response)).detail);
      return;
    }
    const disposition = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '');
    const fileName = `${id}-${disposition?.[1] ?? `${kind}.csv`}`;
    const url = URL.createObjectURL(await response.blob());
    const link = el('a', null, { href: url, download: fileName, hidden: '' });
    document.body.append(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 30000);
    say(`Saved ${fileName}.`);
  } catch (error) {
    showAlert(`The report could not be downloaded: ${errorMessage(error)}`);
  } finally {
    button.removeAttribute('aria-busy');
    button.removeAttribute('aria-disabled');
  }
}

export function setUpBatchButtons(hooks: BatchButtonHooks): void {
  for (const { button, action } of actionButtons()) button.addEventListener('click', () => void act(action, button, hooks));
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-report]')) {
    const kind = button.getAttribute('data-report') ?? '';
    button.addEventListener('click', () => void download(kind, button, hooks));
  }
  showAllowedActions(undefined);
}
