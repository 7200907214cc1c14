import type { GraphEvent } from '../../core/groupware/graphShapes';
import { MigrationError } from '../../core/errors/migrationError';
import type { GroupwareFile, GroupwareOutcome, GroupwarePayload } from '../../services/ports/groupwareTarget';
import { type BatchAnswer, type BatchContext, type BatchItem, describeGraphError } from './graphBatch';
import { MAPI } from './graphMessageJson';
import { retryAfterSeconds } from './graphPacing';
import { pathSegment, withQuery } from './odataQuery';
import { sendInLanes } from './sendInLanes';
import { ItemSourceErrorCode, ServiceErrorCode } from '../../core/errors/migrationErrorCode';

/** From this size on a file goes through an upload session (a single POST takes files under 3 MB). */
export const UPLOAD_SESSION_BYTES = 3 * 1024 * 1024;
/** Days either side of an occurrence's original start searched for it in a series' instances. */
const INSTANCE_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface CopyJob {
  payload: GroupwarePayload;
  marker: string;
}

/** What the batched creates need of the target: its paths, a removal, and the upload of a large file. */
export interface CopyTargetHooks {
  batch: BatchContext;
  userPath: string;
  itemsPath(kind: 'contact' | 'event', collectionId: string): string;
  remove(kind: 'contact' | 'event', collectionId: string, id: string): Promise<void>;
  uploadLarge(eventId: string, file: GroupwareFile): Promise<void>;
  /** A page of a listing a batch answer continued (`@odata.nextLink`). */
  get(url: string): Promise<{ value: unknown[]; '@odata.nextLink'?: string }>;
  now(): number;
}

/** One job's way through the rounds: its copy once made, and how it ended if it ended early. */
interface Progress {
  job: CopyJob;
  id?: string;
  outcome?: GroupwareOutcome;
}

/**
 * Makes many contacts and events in few requests: the creates go in sequential `$batch`es over the mailbox's
 * 4 lanes; then, for the copies made, what must follow them (a contact's photo, a series' instances, an event's
 * small attachments) in a second round of batches; then the moved occurrences' patches and the cancelled ones'
 * deletes in a third; large attachments last, by upload session. A copy is reported made only once all of it
 * is in. One the target refuses in a later round is removed (no half-made copy stays) and reported refused;
 * one whose later round got no answer is left as it is and reported not confirmed, to be looked for by its
 * marker and brought up to date later.
 */
export async function createGroupwareCopies(hooks: CopyTargetHooks, collectionId: string, jobs: readonly CopyJob[]): Promise<GroupwareOutcome[]> {
  const progress: Progress[] = jobs.map((job) => ({ job }));
  await createRound(hooks, collectionId, progress);
  const instances = await followUpRound(hooks, collectionId, progress);
  await occurrencesRound(hooks, progress, instances);
  await uploadsRound(hooks, progress);
  for (const p of progress) {
    if (p.outcome && !p.outcome.ok && p.outcome.refused && p.id) await hooks.remove(p.job.payload.kind, collectionId, p.id);
  }
  return progress.map((p) => p.outcome ?? (p.id ? { ok: true, targetId: p.id } : unknown('no answer')));
}

async function createRound(hooks: CopyTargetHooks, collectionId: string, progress: Progress[]): Promise<void> {
  const requests: BatchItem[] = progress.map((p, index) => ({
    id: String(index),
    method: 'POST',
    url: hooks.itemsPath(p.job.payload.kind, collectionId),
    body: createBody(p.job),
  }));
  const answers = await sendInLanes(hooks.batch, requests);
  progress.forEach((p, index) => {
    const answer = answers.get(String(index));
    if (answer && answer.status >= 200 && answer.status < 300) p.id = (answer.body as { id: string }).id;
    else p.outcome = failed(hooks, answer, true);
  });
}

/** Photos, instances of series that need them, and small attachments. Answers each series' instances by job. */
async function followUpRound(
  hooks: CopyTargetHooks,
  collectionId: string,
  progress: Progress[],
): Promise<Map<number, { id: string; originalStart: string }[]>> {
  const requests: BatchItem[] = [];
  progress.forEach((p, index) => {
    if (!p.id || p.outcome) return;
    const payload = p.job.payload;
    if (payload.kind === 'contact' && payload.photo) {
      requests.push({
        id: `${index}.photo`,
        method: 'PUT',
        url: `${hooks.itemsPath('contact', collectionId)}/${pathSegment(p.id)}/photo/$value`,
        body: payload.photo.bytes.toString('base64'),
        headers: { 'Content-Type': payload.photo.contentType },
      });
    }
    if (payload.kind !== 'event') return;
    const starts = [...payload.exceptions.map((e) => e.originalStart), ...payload.cancelled];
    if (starts.length > 0) requests.push({ id: `${index}.instances`, method: 'GET', url: instancesUrl(hooks, p.id, starts) });
    payload.attachments.forEach((file, n) => {
      if (file.bytes.length >= UPLOAD_SESSION_BYTES) return;
      requests.push({
        id: `${index}.attach.${n}`,
        method: 'POST',
        url: `${hooks.userPath}/events/${pathSegment(p.id!)}/attachments`,
        body: fileAttachment(file),
      });
    });
  });
  const answers = await sendInLanes(hooks.batch, requests);
  const instances = new Map<number, { id: string; originalStart: string }[]>();
  for (const request of requests) {
    const index = Number(request.id.split('.')[0]);
    const p = progress[index]!;
    const answer = answers.get(request.id);
    if (!answer || answer.status < 200 || answer.status >= 300) {
      p.outcome ??= failed(hooks, answer, false);
      continue;
    }
    if (request.id.endsWith('.instances')) instances.set(index, await instancesOf(hooks, answer));
  }
  return instances;
}

/** Moved and changed occurrences patched, cancelled ones deleted, each found among its series' instances by original start. */
async function occurrencesRound(hooks: CopyTargetHooks, progress: Progress[], instances: Map<number, { id: string; originalStart: string }[]>): Promise<void> {
  const requests: BatchItem[] = [];
  for (const [index, list] of instances) {
    const p = progress[index]!;
    if (p.outcome || p.job.payload.kind !== 'event') continue;
    const byStart = (start: string) => list.find((i) => sameInstant(i.originalStart, start));
    p.job.payload.exceptions.forEach((exception, n) => {
      const instance = byStart(exception.originalStart);
      if (instance)
        requests.push({
          id: `${index}.x${n}`,
          method: 'PATCH',
          url: `${hooks.userPath}/events/${pathSegment(instance.id)}`,
          body: exception.event satisfies Partial<GraphEvent>,
        });
    });
    p.job.payload.cancelled.forEach((start, n) => {
      // An event without attendees: deleting an occurrence sends no cancellation.
      const instance = byStart(start);
      if (instance) requests.push({ id: `${index}.c${n}`, method: 'DELETE', url: `${hooks.userPath}/events/${pathSegment(instance.id)}` });
    });
  }
  const answers = await sendInLanes(hooks.batch, requests);
  for (const request of requests) {
    const answer = answers.get(request.id);
    const p = progress[Number(request.id.split('.')[0])]!;
    // An occurrence already gone is what a cancellation wants.
    if (answer && ((answer.status >= 200 && answer.status < 300) || (request.method === 'DELETE' && answer.status === 404))) continue;
    p.outcome ??= failed(hooks, answer, false);
  }
}

/** Attachments of 3 MB and more, one upload session each (https://learn.microsoft.com/graph/outlook-large-attachments). */
async function uploadsRound(hooks: CopyTargetHooks, progress: Progress[]): Promise<void> {
  for (const p of progress) {
    if (!p.id || p.outcome || p.job.payload.kind !== 'event') continue;
    for (const file of p.job.payload.attachments.filter((f) => f.bytes.length >= UPLOAD_SESSION_BYTES)) {
      try {
        await hooks.uploadLarge(p.id, file);
      } catch (error) {
        p.outcome = uploadFailed(error);
        break;
      }
    }
  }
}

/** The app may not write the mailbox's contacts or calendars (401, 403): the whole copy stops, with the fix. */
export function groupwareAccessDenied(graphSaid: string): MigrationError {
  return new MigrationError(
    ItemSourceErrorCode.AccessDenied,
    `Microsoft Graph refused access to the mailbox's contacts or calendars (${graphSaid}). Grant the app registration the application permissions Contacts.ReadWrite and Calendars.ReadWrite with admin consent, then retry the batch.`,
    'permanent',
  );
}

/**
 * What a failed answer means for its item. 400, 413 and 422 are Exchange refusing what was sent: the item is
 * refused. 401 and 403 are the app's permissions: thrown, with the fix. No answer, a 5xx, or a 429 the retries
 * did not outlast leave it open: a create that was not confirmed may have been made, so it is looked for later.
 */
function failed(hooks: CopyTargetHooks, answer: BatchAnswer | undefined, create: boolean): GroupwareOutcome {
  if (!answer) return unknown('no answer');
  if (answer.status === 401 || answer.status === 403) {
    throw groupwareAccessDenied(describeGraphError(answer));
  }
  if (answer.status === 400 || answer.status === 413 || answer.status === 422)
    return refused(`Microsoft 365 refused the item (${describeGraphError(answer)}).`);
  if (answer.status === 429 && create) {
    // Never sent (the budget was spent): safe to send later as new.
    const seconds = retryAfterSeconds(answer.headers['Retry-After'] ?? answer.headers['retry-after']);
    return { ok: false, refused: false, resumeAt: new Date(hooks.now() + seconds * 1000).toISOString(), detail: describeGraphError(answer) };
  }
  return unknown(describeGraphError(answer));
}

/**
 * An upload session that failed: refused for good (Graph's 400, 413 or 422, or a range refused) makes the item
 * refused; anything else (no answer, a 5xx, the budget spent) leaves it open, to be finished later.
 */
function uploadFailed(error: unknown): GroupwareOutcome {
  const { statusCode: status, code } = error as { statusCode?: number; code?: string };
  const text = error instanceof Error ? error.message : String(error);
  // Graph's own error code first, as its answers in a batch are reported (describeGraphError).
  const message = code && status !== undefined ? `${code}: ${text}` : text;
  const permanentUpload = error instanceof MigrationError && error.code === ServiceErrorCode.AttachmentUploadFailed && error.errorClass === 'permanent';
  if (permanentUpload || status === 400 || status === 413 || status === 422) return refused(`Microsoft 365 refused an attachment of the item (${message}).`);
  if (status === 401 || status === 403) throw error;
  return unknown(message);
}

function refused(detail: string): GroupwareOutcome {
  return { ok: false, refused: true, code: ServiceErrorCode.RejectedByTarget, detail };
}

function unknown(detail: string): GroupwareOutcome {
  return { ok: false, refused: false, detail: `Microsoft Graph did not confirm the copy (${detail}); it is looked for by its marker later.` };
}

function createBody(job: CopyJob): unknown {
  const stamp = { id: MAPI.sourceMarker, value: job.marker };
  const payload = job.payload;
  // The marker joins the Outlook fields the mapping set as extended properties (fax, anniversary...).
  if (payload.kind === 'contact')
    return { ...payload.contact, singleValueExtendedProperties: [...(payload.contact.singleValueExtendedProperties ?? []), stamp] };
  return { ...payload.master, singleValueExtendedProperties: [stamp] };
}

function instancesUrl(hooks: CopyTargetHooks, masterId: string, starts: string[]): string {
  const times = starts.map((s) => Date.parse(s));
  return withQuery(`${hooks.userPath}/events/${pathSegment(masterId)}/instances`, {
    startDateTime: new Date(Math.min(...times) - INSTANCE_WINDOW_MS).toISOString(),
    endDateTime: new Date(Math.max(...times) + INSTANCE_WINDOW_MS).toISOString(),
    $select: 'id,originalStart',
    $top: 100,
  });
}

/** A series' instances in the window, every page of them (https://learn.microsoft.com/graph/api/event-list-instances). */
async function instancesOf(hooks: CopyTargetHooks, answer: BatchAnswer): Promise<{ id: string; originalStart: string }[]> {
  type Page = { value?: unknown[]; '@odata.nextLink'?: string };
  const found: { id: string; originalStart: string }[] = [];
  for (let page: Page | undefined = answer.body as Page; page;) {
    for (const instance of (page.value ?? []) as { id: string; originalStart?: string }[]) {
      if (typeof instance.originalStart === 'string') found.push({ id: instance.id, originalStart: instance.originalStart });
    }
    const next: string | undefined = page['@odata.nextLink'];
    page = next ? await hooks.get(next) : undefined;
  }
  return found;
}

/** https://learn.microsoft.com/graph/api/event-post-attachments: a file under 3 MB in one request. */
export function fileAttachment(file: GroupwareFile): Record<string, unknown> {
  return { '@odata.type': '#microsoft.graph.fileAttachment', name: file.name, contentType: file.contentType, contentBytes: file.bytes.toString('base64') };
}

export function sameInstant(a: string, b: string): boolean {
  return Date.parse(a.endsWith('Z') || /[+-]\d\d:\d\d$/.test(a) ? a : `${a}Z`) === Date.parse(b);
}
