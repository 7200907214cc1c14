import { randomBytes } from 'node:crypto';
import { expectGraphErrorBody, graphFailure, type SandboxHarness, startSandboxHarness } from './sandboxGraphClient';

const UPN = 'ida@contoso.onmicrosoft.com';
const CHUNK = 4 * 1024 * 1024;

describe('m365-sandbox attachments', () => {
  let h: SandboxHarness;
  let messageId: string;
  beforeAll(async () => {
    h = await startSandboxHarness();
    h.sandbox.addUser({ userPrincipalName: UPN, licensed: true });
    messageId = (await h.graph.api(`/users/${UPN}/mailFolders/inbox/messages`).post({ subject: 'with files' })).id;
  });
  afterAll(async () => h.sandbox.stop());

  test('a small file attachment is added with POST and read back, bytes and $value', async () => {
    const bytes = randomBytes(2048);
    const added = await h.graph.api(`/users/${UPN}/messages/${messageId}/attachments`).post({
      '@odata.type': '#microsoft.graph.fileAttachment',
      name: 'small.bin',
      contentType: 'application/octet-stream',
      contentBytes: bytes.toString('base64'),
    });
    expect(added).toMatchObject({ name: 'small.bin', size: 2048, isInline: false });
    const read = await h.graph.api(`/users/${UPN}/messages/${messageId}/attachments/${added.id}`).get();
    expect(Buffer.from(read.contentBytes, 'base64').equals(bytes)).toBe(true);
    const message = await h.graph.api(`/users/${UPN}/messages/${messageId}`).get();
    expect(message.hasAttachments).toBe(true);
  });

  test('a 9 MB file goes up through createUploadSession and ranged PUTs of at most 4 MB', async () => {
    const file = randomBytes(9 * 1024 * 1024);
    const session = await h.graph.api(`/users/${UPN}/messages/${messageId}/attachments/createUploadSession`).post({
      AttachmentItem: { attachmentType: 'file', name: 'big.zip', size: file.length, contentType: 'application/zip' },
    });
    expect(session.nextExpectedRanges).toEqual(['0-']);
    const statuses: number[] = [];
    let location: string | null = null;
    for (let start = 0; start < file.length; start += CHUNK) {
      const chunk = file.subarray(start, Math.min(start + CHUNK, file.length));
      const response = await h.rawFetch(session.uploadUrl, {
        method: 'PUT',
        headers: { 'content-range': `bytes ${start}-${start + chunk.length - 1}/${file.length}`, 'content-length': String(chunk.length) },
        body: chunk,
      });
      statuses.push(response.status);
      if (response.status === 200)
        expect(((await response.json()) as { nextExpectedRanges: string[] }).nextExpectedRanges).toEqual([String(start + chunk.length)]);
      location = response.headers.get('location');
    }
    expect(statuses).toEqual([200, 200, 201]);
    const attachmentId = location!.split('/').pop()!;
    const value = await h.rawFetch(`${h.sandbox.graphBaseUrl}/users/${UPN}/messages/${messageId}/attachments/${attachmentId}/$value`, {
      headers: { authorization: `Bearer ${await h.token()}` },
    });
    expect(Buffer.from(await value.arrayBuffer()).equals(file)).toBe(true);
  });

  test("an event's file of 3 MB or more goes up through its own upload session, and a smaller one is refused there", async () => {
    const eventId = (
      await h.graph.api(`/users/${UPN}/calendar/events`).post({
        subject: 'with a large file',
        start: { dateTime: '2007-05-01T10:00:00', timeZone: 'UTC' },
        end: { dateTime: '2007-05-01T11:00:00', timeZone: 'UTC' },
      })
    ).id;
    const small = await graphFailure(async () =>
      h.graph
        .api(`/users/${UPN}/events/${eventId}/attachments/createUploadSession`)
        .post({ AttachmentItem: { attachmentType: 'file', name: 'a.bin', size: 1024 } }),
    );
    expect(small).toMatchObject({ statusCode: 400, code: 'ErrorAttachmentSizeShouldNotBeLessThanMinimumSize' });
    const file = randomBytes(5 * 1024 * 1024);
    const session = await h.graph.api(`/users/${UPN}/events/${eventId}/attachments/createUploadSession`).post({
      AttachmentItem: { attachmentType: 'file', name: 'plan.pdf', size: file.length, contentType: 'application/pdf' },
    });
    let location: string | null = null;
    for (let start = 0; start < file.length; start += CHUNK) {
      const chunk = file.subarray(start, Math.min(start + CHUNK, file.length));
      const response = await h.rawFetch(session.uploadUrl, {
        method: 'PUT',
        headers: { 'content-range': `bytes ${start}-${start + chunk.length - 1}/${file.length}`, 'content-length': String(chunk.length) },
        body: chunk,
      });
      location = response.headers.get('location');
    }
    expect(location).toContain(`/events/${eventId}/attachments/`);
    const listed = await h.graph.api(`/users/${UPN}/events/${eventId}/attachments`).get();
    expect(listed.value).toEqual([expect.objectContaining({ name: 'plan.pdf', size: file.length, contentType: 'application/pdf' })]);
    // Without attendees, adding the file sends nothing.
    expect(h.sandbox.sentMeetingMessages()).toEqual([]);
  });

  test('an upload cut by a dropped connection resumes from nextExpectedRanges', async () => {
    const file = randomBytes(5 * 1024 * 1024);
    const session = await h.graph.api(`/users/${UPN}/messages/${messageId}/attachments/createUploadSession`).post({
      AttachmentItem: { attachmentType: 'file', name: 'resumed.bin', size: file.length },
    });
    const put = async (start: number, end: number): Promise<Response> =>
      h.rawFetch(session.uploadUrl, {
        method: 'PUT',
        headers: { 'content-range': `bytes ${start}-${end - 1}/${file.length}` },
        body: file.subarray(start, end),
      });
    expect((await put(0, CHUNK)).status).toBe(200);
    h.sandbox.addFault({ kind: 'dropConnection', pathPattern: 'attachmentSessions', times: 1 });
    await expect(put(CHUNK, file.length)).rejects.toThrow();
    const retried = await put(CHUNK, file.length);
    expect(retried.status).toBe(201);
    const attachments = await h.graph.api(`/users/${UPN}/messages/${messageId}/attachments`).get();
    const resumed = attachments.value.find((a: { name: string }) => a.name === 'resumed.bin');
    expect(Buffer.from(resumed.contentBytes, 'base64').equals(file)).toBe(true);
  });

  test('a deleted upload session no longer accepts ranges', async () => {
    const session = await h.graph.api(`/users/${UPN}/messages/${messageId}/attachments/createUploadSession`).post({
      AttachmentItem: { attachmentType: 'file', name: 'cancelled.bin', size: 4 * 1024 * 1024 },
    });
    expect((await h.rawFetch(session.uploadUrl, { method: 'DELETE' })).status).toBe(204);
    const put = await h.rawFetch(session.uploadUrl, { method: 'PUT', headers: { 'content-range': `bytes 0-9/${4 * 1024 * 1024}` }, body: Buffer.alloc(10) });
    expect(put.status).toBe(404);
    expectGraphErrorBody(await put.json(), 'ErrorItemNotFound');
  });

  test('an upload session is refused for a file under 3 MB', async () => {
    const error = await graphFailure(async () =>
      h.graph.api(`/users/${UPN}/messages/${messageId}/attachments/createUploadSession`).post({
        AttachmentItem: { attachmentType: 'file', name: 'tiny.txt', size: 1024 },
      }),
    );
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('ErrorAttachmentSizeShouldNotBeLessThanMinimumSize');
  });

  test('the upload URL refuses an Authorization header and a range that skips ahead', async () => {
    const session = await h.graph.api(`/users/${UPN}/messages/${messageId}/attachments/createUploadSession`).post({
      AttachmentItem: { attachmentType: 'file', name: 'skip.bin', size: 5 * 1024 * 1024 },
    });
    const withAuth = await h.rawFetch(session.uploadUrl, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await h.token()}`, 'content-range': 'bytes 0-9/5242880' },
      body: Buffer.alloc(10),
    });
    expect(withAuth.status).toBe(401);
    expectGraphErrorBody(await withAuth.json(), 'InvalidAuthenticationToken');
    const skipped = await h.rawFetch(session.uploadUrl, { method: 'PUT', headers: { 'content-range': 'bytes 100-109/5242880' }, body: Buffer.alloc(10) });
    expect(skipped.status).toBe(416);
    expectGraphErrorBody(await skipped.json(), 'ErrorInvalidContentRange');
  });

  test('an upload PUT over 4 MB is refused with 413', async () => {
    const session = await h.graph.api(`/users/${UPN}/messages/${messageId}/attachments/createUploadSession`).post({
      AttachmentItem: { attachmentType: 'file', name: 'huge-chunk.bin', size: 6 * 1024 * 1024 },
    });
    const response = await h.rawFetch(session.uploadUrl, {
      method: 'PUT',
      headers: { 'content-range': `bytes 0-${CHUNK}/${6 * 1024 * 1024}` },
      body: Buffer.alloc(CHUNK + 1),
    });
    expect(response.status).toBe(413);
  });
});
