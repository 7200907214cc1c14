import { GraphError } from '../graphError';
import { Router } from '../http/router';
import type { RouteParams, SandboxRequest, SandboxResponse } from '../http/sandboxRequest';
import type { TenantStore } from '../store/tenantStore';
import type { UploadSessionRecord } from '../store/types';
import { attachFileToEvent } from '../pim/eventRoutes';
import { newAttachment, nowIso } from './createMessage';

/**
 * The pre-authenticated upload URL of an attachment upload session
 * (https://learn.microsoft.com/graph/outlook-large-attachments): sequential `PUT`s of at most 4 MB with
 * `Content-Range: bytes {start}-{end}/{size}`, no `Authorization` header (the URL carries its token);
 * 200 with the next expected start until the last range, then 201 with the attachment in `Location`.
 *
 * Resuming (https://learn.microsoft.com/graph/api/driveitem-createuploadsession#resuming-an-in-progress-upload,
 * which the SDKs' upload task applies to Outlook attachments too): `GET` on the upload URL answers the
 * session's `expirationDateTime` and `nextExpectedRanges`, for Outlook the single value `"{start}"`
 * (https://learn.microsoft.com/graph/api/resources/uploadsession). A range the session already holds
 * is refused with 416 ("On failures when the client sent a fragment the server had already received,
 * the server responds with HTTP 416 Requested Range Not Satisfiable", same page), so a client that lost
 * an answer asks for the status and goes on from there. Once the last range is in, the session is gone:
 * the URL answers 404, and the attachment exists (a client that lost that 201 must look for it on the
 * message rather than upload it again).
 */
export function createUploadRouter(store: TenantStore): Router {
  const router = new Router();
  router.add('PUT', '/_upload/users/:user/attachmentSessions/:session', (req, p) => uploadRange(req, store, p));
  router.add('GET', '/_upload/users/:user/attachmentSessions/:session', (req, p) => {
    const { session } = findSession(req, store, p);
    return { status: 200, json: sessionStatus(session) };
  });
  router.add('DELETE', '/_upload/users/:user/attachmentSessions/:session', (req, p) => {
    const { mailbox, session } = findSession(req, store, p);
    delete mailbox.uploadSessions[session.id];
    store.changed();
    return { status: 204 };
  });
  return router;
}

function findSession(
  req: SandboxRequest,
  store: TenantStore,
  params: RouteParams,
): { mailbox: ReturnType<TenantStore['mailboxOf']>; session: NonNullable<ReturnType<TenantStore['mailboxOf']>['uploadSessions'][string]> } {
  if (req.headers.authorization) {
    throw new GraphError(401, 'InvalidAuthenticationToken', 'Do not send an Authorization header to an upload URL: it carries its own token.');
  }
  const mailbox = store.mailboxOf(params.user!);
  const session = mailbox.uploadSessions[params.session!];
  if (!session || req.query.get('authtoken') !== session.token)
    throw new GraphError(404, 'ErrorItemNotFound', 'The upload session does not exist or has expired.');
  if (Date.parse(session.expirationDateTime) < Date.now()) throw new GraphError(404, 'ErrorItemNotFound', 'The upload session does not exist or has expired.');
  return { mailbox, session };
}

/** What the upload URL answers between ranges: when the session expires and where the next range starts. */
function sessionStatus(session: UploadSessionRecord): Record<string, unknown> {
  return { expirationDateTime: session.expirationDateTime, nextExpectedRanges: [String(Buffer.byteLength(session.receivedBase64, 'base64'))] };
}

function uploadRange(req: SandboxRequest, store: TenantStore, params: RouteParams): SandboxResponse {
  const { mailbox, session } = findSession(req, store, params);
  const received = Buffer.from(session.receivedBase64, 'base64');
  const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(req.headers['content-range'] ?? '');
  if (!range) throw new GraphError(400, 'ErrorInvalidContentRange', "Content-Range must be 'bytes {start}-{end}/{size}'.");
  const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
  if (total !== session.size) throw new GraphError(400, 'ErrorInvalidContentRange', `The total size ${total} differs from the session's size ${session.size}.`);
  if (start < received.length) {
    throw new GraphError(
      416,
      'ErrorInvalidContentRange',
      `The range ${start}-${end} overlaps bytes the session has already received; the next expected range starts at ${received.length}.`,
    );
  }
  if (start > received.length) {
    throw new GraphError(416, 'ErrorInvalidContentRange', `Expected the next range to start at ${received.length}, got ${start}.`);
  }
  if (end < start || end - start + 1 !== req.body.length || end >= total) {
    throw new GraphError(400, 'ErrorInvalidContentRange', `The range ${start}-${end} does not match the ${req.body.length} bytes sent.`);
  }
  const bytes = Buffer.concat([received, req.body]);
  session.receivedBase64 = bytes.toString('base64');
  // The expiry stays as the session was created: "This expiration date/time remains the same as returned
  // by the initial uploadSession" (outlook-large-attachments, step 2).
  if (bytes.length < session.size) {
    store.changed();
    return { status: 200, json: sessionStatus(session) };
  }
  const attachment = newAttachment(session.name, session.contentType, bytes, session.isInline, session.contentId);
  let location: string;
  if (session.eventId !== undefined) {
    const event = mailbox.events[session.eventId];
    if (!event) throw new GraphError(404, 'ErrorItemNotFound', 'The event of this upload session no longer exists.');
    attachFileToEvent(store, mailbox, event, attachment);
    location = `${req.graphBaseUrl}/users/${mailbox.userId}/events/${event.id}/attachments/${attachment.id}`;
  } else {
    const message = mailbox.messages[session.messageId ?? ''];
    if (!message) throw new GraphError(404, 'ErrorItemNotFound', 'The message of this upload session no longer exists.');
    message.attachments.push(attachment);
    message.lastModifiedDateTime = nowIso();
    location = `${req.graphBaseUrl}/users/${mailbox.userId}/messages/${message.id}/attachments/${attachment.id}`;
  }
  delete mailbox.uploadSessions[session.id];
  store.changed();
  return { status: 201, headers: { Location: location } };
}
