import { randomBytes } from 'node:crypto';
import type { FolderSnapshot, MessageSnapshot } from '../../../tools/m365-sandbox';
import { expectGraphErrorBody, type SandboxHarness, startSandboxHarness } from './sandboxGraphClient';

const UPN = 'uma@contoso.onmicrosoft.com';
const MB = 1024 * 1024;
const CHUNK = 4 * MB;

interface BatchAnswer {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: { id?: string; subject?: string; error?: { code: string } };
}
interface UploadSession {
  uploadUrl: string;
  expirationDateTime: string;
  nextExpectedRanges: string[];
}

describe('m365-sandbox: Graph-side faults and what the user does in Outlook', () => {
  let h: SandboxHarness;
  let auth: Record<string, string>;
  beforeAll(async () => {
    h = await startSandboxHarness();
    h.sandbox.addUser({ userPrincipalName: UPN, licensed: true });
    auth = { authorization: `Bearer ${await h.token()}` };
  });
  afterEach(() => h.sandbox.clearFaults());
  afterAll(async () => h.sandbox.stop());

  const graphUrl = (path: string): string => `${h.sandbox.graphBaseUrl}${path}`;
  const graphFetch = async (method: string, path: string, body?: unknown): Promise<Response> =>
    h.rawFetch(graphUrl(path), {
      method,
      headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const control = async (method: string, path: string, body?: unknown): Promise<Response> =>
    h.rawFetch(`${h.sandbox.origin}/_sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const allMessages = (): (MessageSnapshot & { folder: string })[] =>
    h.sandbox.listMailbox(UPN).folders.flatMap((f) => f.messages.map((m) => ({ ...m, folder: f.path })));
  const folderAt = (path: string): FolderSnapshot | undefined => h.sandbox.listMailbox(UPN).folders.find((f) => f.path === path);
  const bySubject = (subject: string): (MessageSnapshot & { folder: string })[] => allMessages().filter((m) => m.subject === subject);
  const createIn = async (folder: string, subject: string): Promise<{ id: string }> =>
    h.graph.api(`/users/${UPN}/mailFolders/${folder}/messages`).post({ subject });
  const createFolder = async (displayName: string, parent?: string): Promise<{ id: string }> =>
    h.graph.api(parent ? `/users/${UPN}/mailFolders/${parent}/childFolders` : `/users/${UPN}/mailFolders`).post({ displayName });

  describe('created, then 504, inside $batch', () => {
    const batch = async (requests: unknown[]): Promise<Response> => graphFetch('POST', '/$batch', { requests });
    const create = (id: string, subject: string, dependsOn?: string): Record<string, unknown> => ({
      id,
      method: 'POST',
      url: `/users/${UPN}/mailFolders/inbox/messages`,
      headers: { 'Content-Type': 'application/json' },
      body: { subject },
      ...(dependsOn ? { dependsOn: [dependsOn] } : {}),
    });

    test('an inner create hit after handling is carried out, and its answer inside the 200 batch is 504 without Retry-After', async () => {
      h.sandbox.addFault({ kind: 'gatewayTimeout', afterHandling: true, method: 'POST', pathPattern: '/mailFolders/inbox/messages$', times: 1 });
      const response = await batch([
        create('1', 'b504 one'),
        create('2', 'b504 two'),
        create('3', 'b504 three'),
        { id: '4', method: 'GET', url: `/users/${UPN}/mailFolders/inbox` },
      ]);
      expect(response.status).toBe(200);
      const answers = ((await response.json()) as { responses: BatchAnswer[] }).responses;
      const creates = answers.filter((a) => a.id !== '4');
      expect(creates.map((a) => a.status).sort()).toEqual([201, 201, 504]);
      const lost = creates.find((a) => a.status === 504)!;
      expect(lost.body?.error?.code).toBe('UnknownError');
      expect(lost.headers['Retry-After']).toBeUndefined();
      expect(answers.find((a) => a.id === '4')!.status).toBe(200); // the rule names POST: the GET is untouched
      // All three exist, the one answered 504 included: a client must not read 504 as "not created".
      for (const subject of ['b504 one', 'b504 two', 'b504 three']) expect(bySubject(subject)).toHaveLength(1);
    });

    test('in a sequential batch the request answered 504 was carried out, and the ones after it fail with 424 without being run', async () => {
      h.sandbox.addFault({ kind: 'gatewayTimeout', afterHandling: true, method: 'POST', pathPattern: '/messages$', times: 1 });
      const response = await batch([
        { id: '1', method: 'GET', url: `/users/${UPN}/mailFolders/inbox` },
        create('2', 'seq created', '1'),
        create('3', 'seq never run', '2'),
      ]);
      const answers = ((await response.json()) as { responses: BatchAnswer[] }).responses;
      expect(answers.map((a) => a.status)).toEqual([200, 504, 424]);
      expect(bySubject('seq created')).toHaveLength(1);
      expect(bySubject('seq never run')).toHaveLength(0);
    });

    test('the whole $batch answered 504 after all its requests ran (rule on the envelope, /$batch)', async () => {
      h.sandbox.addFault({ kind: 'gatewayTimeout', afterHandling: true, pathPattern: '^/\\$batch$', times: 1 });
      const response = await batch([create('1', 'envelope one'), create('2', 'envelope two')]);
      expect(response.status).toBe(504);
      expect(response.headers.get('retry-after')).toBeNull();
      expectGraphErrorBody(await response.json(), 'UnknownError');
      expect(bySubject('envelope one')).toHaveLength(1);
      expect(bySubject('envelope two')).toHaveLength(1);
    });

    test('the $batch connection dropped after its requests ran: no answer at all, the items exist', async () => {
      h.sandbox.addFault({ kind: 'dropConnection', afterHandling: true, pathPattern: '^/\\$batch$', times: 1 });
      await expect(batch([create('1', 'dropped batch')])).rejects.toThrow();
      expect(bySubject('dropped batch')).toHaveLength(1);
    });

    test('insideBatch scopes a rule: true hits only requests inside a $batch, false only requests sent alone (set over HTTP too)', async () => {
      const added = await control('POST', '/faults', {
        kind: 'serviceUnavailable',
        insideBatch: true,
        pathPattern: '/mailFolders/inbox$',
        retryAfterSeconds: 3,
      });
      expect(added.status).toBe(201);
      expect((await graphFetch('GET', `/users/${UPN}/mailFolders/inbox`)).status).toBe(200);
      const inside = ((await (await batch([{ id: '1', method: 'GET', url: `/users/${UPN}/mailFolders/inbox` }])).json()) as { responses: BatchAnswer[] })
        .responses;
      expect(inside[0]!.status).toBe(503);
      expect(inside[0]!.headers['Retry-After']).toBe('3');
      h.sandbox.clearFaults();

      h.sandbox.addFault({ kind: 'serviceUnavailable', insideBatch: false, retryAfterSeconds: 0 });
      expect((await batch([{ id: '1', method: 'GET', url: `/users/${UPN}/mailFolders/inbox` }])).status).toBe(503); // the envelope is sent alone
      h.sandbox.clearFaults();
      h.sandbox.addFault({ kind: 'serviceUnavailable', insideBatch: false, pathPattern: '/mailFolders/inbox$', retryAfterSeconds: 0 });
      const untouched = ((await (await batch([{ id: '1', method: 'GET', url: `/users/${UPN}/mailFolders/inbox` }])).json()) as { responses: BatchAnswer[] })
        .responses;
      expect(untouched[0]!.status).toBe(200);
      expect((await graphFetch('GET', `/users/${UPN}/mailFolders/inbox`)).status).toBe(503);
    });
  });

  describe('faults inside an attachment upload session', () => {
    let messageId: string;
    beforeAll(async () => {
      messageId = (await createIn('inbox', 'large attachments')).id;
    });
    const startSession = async (name: string, size: number): Promise<UploadSession> =>
      h.graph.api(`/users/${UPN}/messages/${messageId}/attachments/createUploadSession`).post({
        AttachmentItem: { attachmentType: 'file', name, size },
      });
    const put = async (session: UploadSession, file: Buffer, start: number, end: number): Promise<Response> =>
      h.rawFetch(session.uploadUrl, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream', 'content-range': `bytes ${start}-${end - 1}/${file.length}` },
        body: file.subarray(start, end),
      });
    const status = async (session: UploadSession): Promise<Response> => h.rawFetch(session.uploadUrl);
    const attachmentsNamed = async (name: string): Promise<{ name: string; size: number; contentBytes: string }[]> =>
      (await h.graph.api(`/users/${UPN}/messages/${messageId}/attachments`).get()).value.filter((a: { name: string }) => a.name === name);

    test('GET on the upload URL answers expirationDateTime and nextExpectedRanges as "{start}"; the expiry stays as created', async () => {
      const file = randomBytes(5 * MB);
      const session = await startSession('status.bin', file.length);
      const fresh = await status(session);
      expect(fresh.status).toBe(200);
      expect(await fresh.json()).toEqual({ expirationDateTime: session.expirationDateTime, nextExpectedRanges: ['0'] });
      expect((await put(session, file, 0, CHUNK)).status).toBe(200);
      expect(await (await status(session)).json()).toEqual({ expirationDateTime: session.expirationDateTime, nextExpectedRanges: [String(CHUNK)] });
      const withToken = await h.rawFetch(session.uploadUrl, { headers: auth });
      expect(withToken.status).toBe(401);
      expect((await put(session, file, CHUNK, file.length)).status).toBe(201);
    });

    test('a 429 with Retry-After on a range: nothing stored, the same range sent again goes in', async () => {
      const file = randomBytes(5 * MB);
      const session = await startSession('throttled.bin', file.length);
      expect((await put(session, file, 0, CHUNK)).status).toBe(200);
      h.sandbox.addFault({ kind: 'tooManyRequests', pathPattern: 'attachmentSessions', method: 'PUT', times: 1, retryAfterSeconds: 2 });
      const throttled = await put(session, file, CHUNK, file.length);
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('retry-after')).toBe('2');
      expectGraphErrorBody(await throttled.json(), 'TooManyRequests');
      expect(((await (await status(session)).json()) as UploadSession).nextExpectedRanges).toEqual([String(CHUNK)]);
      expect((await put(session, file, CHUNK, file.length)).status).toBe(201);
      const [attachment] = await attachmentsNamed('throttled.bin');
      expect(Buffer.from(attachment!.contentBytes, 'base64').equals(file)).toBe(true);
    });

    test('a range stored but answered 504: the status shows it stored, sending it again is 416, the upload goes on from nextExpectedRanges', async () => {
      const file = randomBytes(9 * MB);
      const session = await startSession('lost-answer.bin', file.length);
      h.sandbox.addFault({ kind: 'gatewayTimeout', afterHandling: true, pathPattern: 'attachmentSessions', method: 'PUT', times: 1 });
      expect((await put(session, file, 0, CHUNK)).status).toBe(504);
      const after = (await (await status(session)).json()) as UploadSession;
      expect(after.nextExpectedRanges).toEqual([String(CHUNK)]);
      const again = await put(session, file, 0, CHUNK);
      expect(again.status).toBe(416);
      expectGraphErrorBody(await again.json(), 'ErrorInvalidContentRange');
      const next = Number(after.nextExpectedRanges[0]);
      expect((await put(session, file, next, next + CHUNK)).status).toBe(200);
      expect((await put(session, file, next + CHUNK, file.length)).status).toBe(201);
      const attachments = await attachmentsNamed('lost-answer.bin');
      expect(attachments).toHaveLength(1);
      expect(Buffer.from(attachments[0]!.contentBytes, 'base64').equals(file)).toBe(true);
    });

    test('a 503 with Retry-After before handling leaves the session where it was', async () => {
      const file = randomBytes(5 * MB);
      const session = await startSession('unavailable.bin', file.length);
      h.sandbox.addFault({ kind: 'serviceUnavailable', pathPattern: 'attachmentSessions', method: 'PUT', times: 1, retryAfterSeconds: 1 });
      const refused = await put(session, file, 0, CHUNK);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(((await (await status(session)).json()) as UploadSession).nextExpectedRanges).toEqual(['0']);
    });

    test('the last range stored but its 201 lost: the attachment exists once, and the session is gone (404 to GET and PUT)', async () => {
      const file = randomBytes(5 * MB);
      const session = await startSession('last-lost.bin', file.length);
      expect((await put(session, file, 0, CHUNK)).status).toBe(200);
      h.sandbox.addFault({ kind: 'serviceUnavailable', afterHandling: true, pathPattern: 'attachmentSessions', method: 'PUT', times: 1, retryAfterSeconds: 0 });
      expect((await put(session, file, CHUNK, file.length)).status).toBe(503);
      expect(await attachmentsNamed('last-lost.bin')).toHaveLength(1);
      const gone = await status(session);
      expect(gone.status).toBe(404);
      expectGraphErrorBody(await gone.json(), 'ErrorItemNotFound');
      expect((await put(session, file, CHUNK, file.length)).status).toBe(404);
      expect(await attachmentsNamed('last-lost.bin')).toHaveLength(1);
    });
  });

  describe('the user deletes a folder', () => {
    test("Outlook's delete moves the folder, its subfolders and their messages under Deleted Items, ids kept; requests naming it still work", async () => {
      const projects = await createFolder('Projects');
      const year = await createFolder('2024', projects.id);
      const inProjects = await createIn(projects.id, 'in projects');
      const inYear = await createIn(year.id, 'in 2024');
      const result = h.sandbox.deleteFolderAsUser(UPN, 'Projects');
      expect(result).toEqual({ outcome: 'movedToDeletedItems', folderId: projects.id, path: 'Deleted Items/Projects', messageCount: 2 });
      expect(folderAt('Projects')).toBeUndefined();
      expect(folderAt('Deleted Items/Projects')!.messages.map((m) => m.id)).toEqual([inProjects.id]);
      expect(folderAt('Deleted Items/Projects/2024')!.messages.map((m) => m.id)).toEqual([inYear.id]);
      const deletedItems = await h.graph.api(`/users/${UPN}/mailFolders/deleteditems`).get();
      expect((await h.graph.api(`/users/${UPN}/mailFolders/${projects.id}`).get()).parentFolderId).toBe(deletedItems.id);
      await createIn(projects.id, 'copied after the delete');
      expect(bySubject('copied after the delete')[0]!.folder).toBe('Deleted Items/Projects');
    });

    test('deleted permanently, the folder and its messages are gone: every request naming it gets 404 ErrorItemNotFound', async () => {
      const folder = await createFolder('Shredded');
      const child = await createFolder('Inner', folder.id);
      const message = await createIn(folder.id, 'shredded message');
      expect(h.sandbox.deleteFolderAsUser(UPN, folder.id, { permanently: true })).toEqual({
        outcome: 'removed',
        folderId: folder.id,
        path: null,
        messageCount: 1,
      });
      for (const [method, path, body] of [
        ['POST', `/users/${UPN}/mailFolders/${folder.id}/messages`, { subject: 'into the void' }],
        ['GET', `/users/${UPN}/mailFolders/${folder.id}`, undefined],
        ['GET', `/users/${UPN}/mailFolders/${folder.id}/messages`, undefined],
        ['POST', `/users/${UPN}/mailFolders/${folder.id}/childFolders`, { displayName: 'again' }],
        ['GET', `/users/${UPN}/mailFolders/${child.id}`, undefined],
        ['GET', `/users/${UPN}/messages/${message.id}`, undefined],
      ] as const) {
        const response = await graphFetch(method, path, body);
        expect([method, path, response.status]).toEqual([method, path, 404]);
        expectGraphErrorBody(await response.json(), 'ErrorItemNotFound');
      }
      const inBatch = await graphFetch('POST', '/$batch', {
        requests: [
          {
            id: '1',
            method: 'POST',
            url: `/users/${UPN}/mailFolders/${folder.id}/messages`,
            headers: { 'Content-Type': 'application/json' },
            body: { subject: 'batched into the void' },
          },
        ],
      });
      expect(((await inBatch.json()) as { responses: BatchAnswer[] }).responses[0]).toMatchObject({
        status: 404,
        body: { error: { code: 'ErrorItemNotFound' } },
      });
      expect(bySubject('into the void')).toHaveLength(0);
    });

    test('deleting it again from Deleted Items removes it; a name already in Deleted Items gets a number', async () => {
      const first = await createFolder('Old');
      h.sandbox.deleteFolderAsUser(UPN, first.id);
      const second = await createFolder('Old');
      expect(h.sandbox.deleteFolderAsUser(UPN, 'old')).toMatchObject({ outcome: 'movedToDeletedItems', folderId: second.id, path: 'Deleted Items/Old1' });
      expect(h.sandbox.deleteFolderAsUser(UPN, 'Deleted Items/Old')).toMatchObject({ outcome: 'removed', folderId: first.id, path: null });
      expect(folderAt('Deleted Items/Old')).toBeUndefined();
      expect(folderAt('Deleted Items/Old1')!.id).toBe(second.id);
    });

    test('the folders Exchange creates cannot be deleted, by the user or through Graph; an unknown folder is 404', async () => {
      expect(() => h.sandbox.deleteFolderAsUser(UPN, 'Inbox')).toThrow('Distinguished folders cannot be deleted.');
      const response = await graphFetch('DELETE', `/users/${UPN}/mailFolders/inbox`);
      expect(response.status).toBe(400);
      expectGraphErrorBody(await response.json(), 'ErrorDeleteDistinguishedFolder');
      expect(() => h.sandbox.deleteFolderAsUser(UPN, 'No/Such/Folder')).toThrow(/not found/);
    });

    test('Graph: DELETE /mailFolders/{id} moves it under Deleted Items (204), again removes it; POST …/permanentDelete (and …/childFolders/{id}/permanentDelete) removes it at once', async () => {
      const folder = await createFolder('Via Graph');
      expect((await graphFetch('DELETE', `/users/${UPN}/mailFolders/${folder.id}`)).status).toBe(204);
      expect(folderAt('Deleted Items/Via Graph')!.id).toBe(folder.id);
      expect((await graphFetch('DELETE', `/users/${UPN}/mailFolders/${folder.id}`)).status).toBe(204);
      expect((await graphFetch('GET', `/users/${UPN}/mailFolders/${folder.id}`)).status).toBe(404);

      const purged = await createFolder('Purged');
      await createIn(purged.id, 'purged message');
      expect((await graphFetch('POST', `/users/${UPN}/mailFolders/${purged.id}/permanentDelete`)).status).toBe(204);
      expect((await graphFetch('GET', `/users/${UPN}/mailFolders/${purged.id}`)).status).toBe(404);
      expect(bySubject('purged message')).toHaveLength(0);

      const parent = await createFolder('Parent');
      const child = await createFolder('Child', parent.id);
      const other = await createFolder('Other');
      expect((await graphFetch('POST', `/users/${UPN}/mailFolders/${other.id}/childFolders/${child.id}/permanentDelete`)).status).toBe(404); // not its child
      expect((await graphFetch('POST', `/users/${UPN}/mailFolders/${parent.id}/childFolders/${child.id}/permanentDelete`)).status).toBe(204);
      expect(folderAt('Parent/Child')).toBeUndefined();
    });

    test('over HTTP: POST /_sandbox/mailboxes/{upn}/folders/delete', async () => {
      const folder = await createFolder('Remote');
      const soft = await control('POST', `/mailboxes/${UPN}/folders/delete`, { folder: 'Remote' });
      expect(soft.status).toBe(200);
      expect(await soft.json()).toEqual({ outcome: 'movedToDeletedItems', folderId: folder.id, path: 'Deleted Items/Remote', messageCount: 0 });
      const hard = await control('POST', `/mailboxes/${UPN}/folders/delete`, { folder: folder.id, permanently: true });
      expect(await hard.json()).toEqual({ outcome: 'removed', folderId: folder.id, path: null, messageCount: 0 });
      const missing = await control('POST', `/mailboxes/${UPN}/folders/delete`, { folder: folder.id });
      expect(missing.status).toBe(404);
      expectGraphErrorBody(await missing.json(), 'ErrorItemNotFound');
    });
  });

  describe('the user deletes or flags a message', () => {
    test('a deleted message moves to Deleted Items with a new id; the old id is 404; deleted there (or permanently) it is gone', async () => {
      const message = await createIn('inbox', 'user deletes me');
      const moved = h.sandbox.deleteMessageAsUser(UPN, message.id);
      expect(moved.outcome).toBe('movedToDeletedItems');
      expect(moved.messageId).not.toBe(message.id);
      expect(bySubject('user deletes me')).toEqual([expect.objectContaining({ id: moved.messageId, folder: 'Deleted Items' })]);
      const old = await graphFetch('GET', `/users/${UPN}/messages/${message.id}`);
      expect(old.status).toBe(404);
      expectGraphErrorBody(await old.json(), 'ErrorItemNotFound');
      expect(h.sandbox.deleteMessageAsUser(UPN, moved.messageId!)).toEqual({ outcome: 'removed', messageId: null });
      expect(bySubject('user deletes me')).toHaveLength(0);

      const shredded = await createIn('inbox', 'shift delete');
      const overHttp = await control('POST', `/mailboxes/${UPN}/messages/${encodeURIComponent(shredded.id)}/delete`, { permanently: true });
      expect(await overHttp.json()).toEqual({ outcome: 'removed', messageId: null });
      expect(bySubject('shift delete')).toHaveLength(0);
    });

    test('a flag set by the user changes only the flag, a read mark only isRead; the id stays and lastModifiedDateTime moves', async () => {
      const message = await createIn('inbox', 'flag me');
      const before = bySubject('flag me')[0]!;
      await new Promise((resolve) => setTimeout(resolve, 1100)); // lastModifiedDateTime has whole seconds
      const flagged = h.sandbox.setMessageFlagAsUser(UPN, message.id, { flagStatus: 'flagged' });
      expect(flagged).toMatchObject({ id: message.id, flagStatus: 'flagged', isRead: before.isRead });
      expect(flagged.lastModifiedDateTime > before.lastModifiedDateTime).toBe(true);
      const read = await control('PATCH', `/mailboxes/${UPN}/messages/${encodeURIComponent(message.id)}`, { isRead: true });
      expect(await read.json()).toMatchObject({ id: message.id, flagStatus: 'flagged', isRead: true });
      const completed = h.sandbox.setMessageFlagAsUser(UPN, message.id, { flagStatus: 'complete' });
      expect(completed).toMatchObject({ flagStatus: 'complete', isRead: true });
      expect((await h.graph.api(`/users/${UPN}/messages/${message.id}`).get()).flag).toEqual({
        flagStatus: 'complete',
        completedDateTime: { dateTime: expect.any(String), timeZone: 'UTC' },
      });
    });

    test('Graph PATCH with only isRead leaves a flag set in the cloud, and with only flag leaves isRead', async () => {
      const message = await createIn('inbox', 'cloud flag survives');
      h.sandbox.setMessageFlagAsUser(UPN, message.id, { flagStatus: 'flagged' });
      const readOnly = await h.graph.api(`/users/${UPN}/messages/${message.id}`).patch({ isRead: true });
      expect(readOnly).toMatchObject({ id: message.id, isRead: true, flag: { flagStatus: 'flagged' } });
      const flagOnly = await h.graph.api(`/users/${UPN}/messages/${message.id}`).patch({ flag: { flagStatus: 'notFlagged' } });
      expect(flagOnly).toMatchObject({ id: message.id, isRead: true, flag: { flagStatus: 'notFlagged' } });
      expect(bySubject('cloud flag survives')[0]).toMatchObject({ isRead: true, flagStatus: 'notFlagged' });
    });
  });

  describe('move, and the names of action parameters', () => {
    test('move answers 201 with the message under a new id in the destination; the old id is 404', async () => {
      const message = await createIn('inbox', 'moved by graph');
      const response = await graphFetch('POST', `/users/${UPN}/messages/${message.id}/move`, { destinationId: 'archive' });
      expect(response.status).toBe(201);
      const moved = (await response.json()) as { id: string; parentFolderId: string; subject: string };
      const archive = await h.graph.api(`/users/${UPN}/mailFolders/archive`).get();
      expect(moved).toMatchObject({ subject: 'moved by graph', parentFolderId: archive.id });
      expect(moved.id).not.toBe(message.id);
      expect((await graphFetch('GET', `/users/${UPN}/messages/${message.id}`)).status).toBe(404);
      expect(bySubject('moved by graph')).toEqual([expect.objectContaining({ id: moved.id, folder: 'Archive' })]);
    });

    test('parameter names match in any case (DestinationId, Message, SaveToSentItems, attachmentItem); one parameter sent twice is 400', async () => {
      const message = await createIn('inbox', 'moved with DestinationId');
      const moved = await graphFetch('POST', `/users/${UPN}/messages/${message.id}/move`, { DestinationId: 'junkemail' });
      expect(moved.status).toBe(201);
      expect(bySubject('moved with DestinationId')[0]!.folder).toBe('Junk Email');

      const twice = await graphFetch('POST', `/users/${UPN}/messages/${((await moved.json()) as { id: string }).id}/move`, {
        destinationId: 'inbox',
        DestinationId: 'archive',
      });
      expect(twice.status).toBe(400);
      const body = (await twice.json()) as { error: { code: string; message: string } };
      expect(body.error).toMatchObject({
        code: 'RequestBodyRead',
        message: "Multiple parameters with the name 'DestinationId' were found in the request payload.",
      });

      const sent = await graphFetch('POST', `/users/${UPN}/sendMail`, {
        Message: { subject: 'capitalised sendMail', toRecipients: [{ emailAddress: { address: UPN } }] },
        SaveToSentItems: false,
      });
      expect(sent.status).toBe(202);
      expect(bySubject('capitalised sendMail').map((m) => m.folder)).toEqual(['Inbox']); // delivered, and no copy in Sent Items

      const holder = await createIn('drafts', 'lower-case attachmentItem');
      const session = await graphFetch('POST', `/users/${UPN}/messages/${holder.id}/attachments/createUploadSession`, {
        attachmentItem: { attachmentType: 'file', name: 'lower.bin', size: 3 * MB },
      });
      expect(session.status).toBe(201);
    });
  });
});
