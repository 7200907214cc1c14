import { PR_CLIENT_SUBMIT_TIME, PR_MESSAGE_DELIVERY_TIME, PR_MESSAGE_FLAGS } from '../../../tools/m365-sandbox';
import { expectGraphErrorBody, graphFailure, type SandboxHarness, startSandboxHarness } from './sandboxGraphClient';

const UPN = 'hal@contoso.onmicrosoft.com';
const ORIGINAL_RECEIVED = '2009-03-14T09:26:53Z';
const ORIGINAL_SENT = '2009-03-14T09:25:00Z';

const mime = [
  'From: Old Sender <old.sender@legacy.example>',
  `To: ${UPN}`,
  'Subject: =?UTF-8?B?w4RyZ2VyIMO8YmVyIFRleHQ=?=',
  'Date: Sat, 14 Mar 2009 09:25:00 +0000',
  'Message-ID: <legacy-0001@legacy.example>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Body from the old server.',
  '--b1',
  'Content-Type: application/pdf; name="report.pdf"',
  'Content-Disposition: attachment; filename="report.pdf"',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from('%PDF-1.4 pretend').toString('base64'),
  '--b1--',
  '',
].join('\r\n');

describe('m365-sandbox messages', () => {
  let h: SandboxHarness;
  beforeAll(async () => {
    h = await startSandboxHarness();
    h.sandbox.addUser({ userPrincipalName: UPN, licensed: true });
  });
  afterAll(async () => h.sandbox.stop());

  describe('the draft trap', () => {
    test('a naive JSON create gives a draft whose received time is the creation time', async () => {
      const created = await h.graph.api(`/users/${UPN}/mailFolders/inbox/messages`).post({
        subject: 'naive copy',
        body: { contentType: 'text', content: 'x' },
        receivedDateTime: ORIGINAL_RECEIVED,
      });
      expect(created.isDraft).toBe(true);
      expect(created.receivedDateTime).not.toBe(ORIGINAL_RECEIVED);
      expect(created.receivedDateTime).toBe(created.createdDateTime);
    });

    test('a create with PR_MESSAGE_FLAGS (unsent bit clear), PR_MESSAGE_DELIVERY_TIME and PR_CLIENT_SUBMIT_TIME is a received item with its original times', async () => {
      const created = await h.graph.api(`/users/${UPN}/mailFolders/inbox/messages`).post({
        subject: 'faithful copy',
        body: { contentType: 'html', content: '<p>x</p>' },
        from: { emailAddress: { address: 'old.sender@legacy.example' } },
        singleValueExtendedProperties: [
          { id: 'Integer 0x0E07', value: '1' },
          { id: 'SystemTime 0x0E06', value: ORIGINAL_RECEIVED },
          { id: 'SystemTime 0x0039', value: ORIGINAL_SENT },
        ],
      });
      expect(created.isDraft).toBe(false);
      expect(created.isRead).toBe(true);
      expect(created.receivedDateTime).toBe(ORIGINAL_RECEIVED);
      expect(created.sentDateTime).toBe(ORIGINAL_SENT);
      expect(PR_MESSAGE_FLAGS).toBe('integer 0x0e07');
      expect([PR_MESSAGE_DELIVERY_TIME, PR_CLIENT_SUBMIT_TIME]).toEqual(['systemtime 0x0e06', 'systemtime 0x0039']);
    });

    test('setting PR_MESSAGE_FLAGS after creation leaves the item a draft (flags are read-only after the first save)', async () => {
      const created = await h.graph.api(`/users/${UPN}/messages`).post({ subject: 'patched later' });
      const patched = await h.graph
        .api(`/users/${UPN}/messages/${created.id}`)
        .patch({ singleValueExtendedProperties: [{ id: 'Integer 0x0E07', value: '1' }] });
      expect(patched.isDraft).toBe(true);
      const expanded = await h.graph.api(`/users/${UPN}/messages/${created.id}`).expand("singleValueExtendedProperties($filter=id eq 'Integer 0x0E07')").get();
      expect(expanded.singleValueExtendedProperties).toEqual([{ id: 'Integer 0x0E07', value: '1' }]);
    });

    test('a MIME create is a draft too, keeps its bytes and fills the message from the MIME', async () => {
      const created = await h.graph
        .api(`/users/${UPN}/mailFolders/inbox/messages`)
        .header('Content-Type', 'text/plain')
        .post(Buffer.from(mime).toString('base64'));
      expect(created).toMatchObject({
        isDraft: true,
        subject: 'Ärger über Text',
        internetMessageId: '<legacy-0001@legacy.example>',
        hasAttachments: true,
        from: { emailAddress: { address: 'old.sender@legacy.example', name: 'Old Sender' } },
        toRecipients: [{ emailAddress: { address: UPN } }],
      });
      expect(h.sandbox.exportMessageMime(UPN, created.id).toString()).toBe(mime);
      const value = await h.rawFetch(`${h.sandbox.graphBaseUrl}/users/${UPN}/messages/${created.id}/$value`, {
        headers: { authorization: `Bearer ${await h.token()}` },
      });
      expect(await value.text()).toBe(mime);
      const attachments = await h.graph.api(`/users/${UPN}/messages/${created.id}/attachments`).get();
      expect(attachments.value[0]).toMatchObject({
        name: 'report.pdf',
        contentType: 'application/pdf',
        contentBytes: Buffer.from('%PDF-1.4 pretend').toString('base64'),
      });
    });

    test('a MIME body that is not base64 is 400 ErrorMimeContentInvalidBase64String', async () => {
      const error = await graphFailure(async () => h.graph.api(`/users/${UPN}/messages`).header('Content-Type', 'text/plain').post('this is not base64!'));
      expect(error.statusCode).toBe(400);
      expect(error.code).toBe('ErrorMimeContentInvalidBase64String');
    });
  });

  test('POST /messages without a folder saves the draft in Drafts', async () => {
    const created = await h.graph.api(`/users/${UPN}/messages`).post({ subject: 'where am I' });
    const drafts = await h.graph.api(`/users/${UPN}/mailFolders/drafts`).get();
    expect(created.parentFolderId).toBe(drafts.id);
  });

  test('list finds a message by internetMessageId with $filter, $select trims it and $top pages it', async () => {
    const folder = await h.graph.api(`/users/${UPN}/mailFolders`).post({ displayName: 'Paged' });
    for (let i = 0; i < 5; i += 1) {
      await h.graph.api(`/users/${UPN}/mailFolders/${folder.id}/messages`).post({ subject: `item ${i}`, internetMessageId: `<paged-${i}@legacy.example>` });
    }
    const found = await h.graph
      .api(`/users/${UPN}/mailFolders/${folder.id}/messages`)
      .filter("internetMessageId eq '<paged-3@legacy.example>'")
      .select('id,subject,internetMessageId')
      .get();
    expect(found.value).toEqual([
      { '@odata.etag': expect.any(String), id: expect.any(String), subject: 'item 3', internetMessageId: '<paged-3@legacy.example>' },
    ]);

    const page1 = await h.graph.api(`/users/${UPN}/mailFolders/${folder.id}/messages`).top(2).select('subject').get();
    expect(page1.value).toHaveLength(2);
    const page2 = await h.graph.api(page1['@odata.nextLink']).get();
    const page3 = await h.graph.api(page2['@odata.nextLink']).get();
    expect(page3.value).toHaveLength(1);
    expect(page3['@odata.nextLink']).toBeUndefined();
    const subjects = [...page1.value, ...page2.value, ...page3.value].map((m: { subject: string }) => m.subject).sort();
    expect(subjects).toEqual(['item 0', 'item 1', 'item 2', 'item 3', 'item 4']);
  });

  test('a message is found by a named extended property with singleValueExtendedProperties/Any(...)', async () => {
    const marker = 'String {00020329-0000-0000-C000-000000000046} Name SourceKey';
    await h.graph.api(`/users/${UPN}/mailFolders/inbox/messages`).post({ subject: 'marked', singleValueExtendedProperties: [{ id: marker, value: 'uid-42' }] });
    const filter = (value: string): string => `singleValueExtendedProperties/Any(ep: ep/id eq '${marker}' and ep/value eq '${value}')`;
    const found = await h.graph.api(`/users/${UPN}/mailFolders/inbox/messages`).filter(filter('uid-42')).select('subject').get();
    expect(found.value.map((m: { subject: string }) => m.subject)).toEqual(['marked']);
    const none = await h.graph.api(`/users/${UPN}/mailFolders/inbox/messages`).filter(filter('uid-43')).get();
    expect(none.value).toEqual([]);
  });

  test('an unsupported $filter is refused with 400', async () => {
    const error = await graphFailure(async () => h.graph.api(`/users/${UPN}/messages`).filter("startswith(subject, 'a')").get());
    expect(error.statusCode).toBe(400);
  });

  test('isRead and flag update on a received item; its subject does not', async () => {
    const created = await h.graph
      .api(`/users/${UPN}/mailFolders/inbox/messages`)
      .post({ subject: 'flag me', singleValueExtendedProperties: [{ id: 'Integer 0x0E07', value: '0' }] });
    expect(created.isRead).toBe(false);
    const updated = await h.graph.api(`/users/${UPN}/messages/${created.id}`).patch({ isRead: true, flag: { flagStatus: 'flagged' } });
    expect(updated).toMatchObject({ isRead: true, flag: { flagStatus: 'flagged' } });
    const error = await graphFailure(async () => h.graph.api(`/users/${UPN}/messages/${created.id}`).patch({ subject: 'rewritten' }));
    expect(error.code).toBe('ErrorInvalidPropertyUpdateSentMessage');
  });

  test('a request body over 4 MB is refused with 413 and Graph error body', async () => {
    const big = JSON.stringify({ subject: 'too big', body: { contentType: 'text', content: 'x'.repeat(4 * 1024 * 1024 + 10) } });
    const response = await h.rawFetch(`${h.sandbox.graphBaseUrl}/users/${UPN}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await h.token()}`, 'content-type': 'application/json' },
      body: big,
    });
    expect(response.status).toBe(413);
    expectGraphErrorBody(await response.json(), 'RequestEntityTooLarge');
  });

  test('a property the message type does not define is refused with RequestBodyRead', async () => {
    const error = await graphFailure(async () => h.graph.api(`/users/${UPN}/messages`).post({ subject: 's', receivedDate: ORIGINAL_RECEIVED }));
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('RequestBodyRead');
  });

  test('custom Internet headers must be named x-...', async () => {
    const error = await graphFailure(async () =>
      h.graph.api(`/users/${UPN}/messages`).post({ subject: 'h', internetMessageHeaders: [{ name: 'Received', value: 'from x' }] }),
    );
    expect(error.code).toBe('InvalidInternetMessageHeader');
  });

  test('a moved message gets a new id', async () => {
    const created = await h.graph.api(`/users/${UPN}/messages`).post({ subject: 'move me' });
    const moved = await h.graph.api(`/users/${UPN}/messages/${created.id}/move`).post({ destinationId: 'archive' });
    expect(moved.id).not.toBe(created.id);
    const error = await graphFailure(async () => h.graph.api(`/users/${UPN}/messages/${created.id}`).get());
    expect(error.code).toBe('ErrorItemNotFound');
  });
});
