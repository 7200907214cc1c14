import { simpleParser } from 'mailparser';
import { headerBlockOf, MAPI, MAX_CREATE_BODY_BYTES, planGraphMessage, UnplannableMessage } from '../../../src/connectors/graph/graphMessageJson';

const raw = (attachments: { name: string; bytes: number }[], body = 'See attached.') =>
  Buffer.from(
    [
      'From: "Jürgen Müller" <juergen@legacy.example>',
      'To: ann@contoso.com, "Bob" <bob@contoso.com>',
      'Cc: carl@contoso.com',
      'Subject: Quarterly figures',
      'Date: Tue, 02 Jan 2007 10:00:00 +0100',
      'Message-ID: <q1@legacy.example>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      body,
      ...attachments.flatMap((a) => [
        '--b1',
        `Content-Type: application/octet-stream; name="${a.name}"`,
        `Content-Disposition: attachment; filename="${a.name}"`,
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.alloc(a.bytes, 7).toString('base64'),
      ]),
      '--b1--',
      '',
    ].join('\r\n'),
  );

describe('the Graph create body of a MIME message', () => {
  it('is not a draft and keeps the sent and received dates, read and flagged state, and the addresses', async () => {
    const message = raw([{ name: 'a.bin', bytes: 1000 }]);
    const plan = planGraphMessage(await simpleParser(message), {
      flags: ['\\Seen', '\\Flagged'],
      internalDate: '2007-01-02T09:05:00.000Z',
      marker: 'mk1',
      headerBlock: headerBlockOf(message),
    });
    const body = plan.create;
    expect(body).toMatchObject({
      subject: 'Quarterly figures',
      from: { emailAddress: { name: 'Jürgen Müller', address: 'juergen@legacy.example' } },
      toRecipients: [{ emailAddress: { address: 'ann@contoso.com' } }, { emailAddress: { name: 'Bob', address: 'bob@contoso.com' } }],
      ccRecipients: [{ emailAddress: { address: 'carl@contoso.com' } }],
      internetMessageId: '<q1@legacy.example>',
      isRead: true,
      flag: { flagStatus: 'flagged' },
      attachments: [{ '@odata.type': '#microsoft.graph.fileAttachment', name: 'a.bin', contentBytes: Buffer.alloc(1000, 7).toString('base64') }],
    });
    expect(body.singleValueExtendedProperties).toEqual(
      expect.arrayContaining([
        { id: MAPI.messageFlags, value: '1' },
        { id: MAPI.deliveryTime, value: '2007-01-02T09:05:00.000Z' },
        { id: MAPI.clientSubmitTime, value: '2007-01-02T09:00:00.000Z' },
        { id: MAPI.sourceMarker, value: 'mk1' },
      ]),
    );
    expect((body.singleValueExtendedProperties as { id: string; value: string }[]).find((p) => p.id === MAPI.transportHeaders)!.value).toMatch(
      /^From: .*\r\n[\s\S]*Message-ID: <q1@legacy.example>\r\n/,
    );
  });

  it('clears the read bit for an unread message and leaves it unflagged', async () => {
    const message = raw([]);
    const body = planGraphMessage(await simpleParser(message), { flags: [], internalDate: '2007-01-02T09:05:00.000Z', marker: 'm', headerBlock: '' }).create;
    expect(body).toMatchObject({ isRead: false, flag: { flagStatus: 'notFlagged' } });
    expect(body.singleValueExtendedProperties).toContainEqual({ id: MAPI.messageFlags, value: '0' });
  });

  const plan = async (message: Buffer) =>
    planGraphMessage(await simpleParser(message), { flags: [], internalDate: '2007-01-02T09:05:00.000Z', marker: 'm', headerBlock: '' });

  it('sends attachments of 3 MB or more through upload sessions, never smaller ones (Graph refuses them there)', async () => {
    const built = await plan(
      raw([
        { name: 'big.bin', bytes: 3_500_000 },
        { name: 'exactly3mb.bin', bytes: 3 * 1024 * 1024 },
        { name: 'small.bin', bytes: 10_000 },
      ]),
    );
    expect(built.uploadedAttachments.map((a) => a.filename).sort()).toEqual(['big.bin', 'exactly3mb.bin']);
    expect(built.postedAttachments).toEqual([]);
    expect(built.create.attachments?.map((a) => a.name)).toEqual(['small.bin']);
    expect(built.attachmentCount).toBe(3);
  });

  it('puts three 1.5 MB photos in the create as far as the 4 MB request allows, and POSTs the rest under 3 MB', async () => {
    const built = await plan(
      raw([
        { name: 'p1.jpg', bytes: 1_500_000 },
        { name: 'p2.jpg', bytes: 1_500_000 },
        { name: 'p3.jpg', bytes: 1_500_000 },
      ]),
    );
    expect(built.createBytes).toBeLessThanOrEqual(MAX_CREATE_BODY_BYTES);
    expect(built.create.attachments).toHaveLength(1);
    expect(built.postedAttachments.map((a) => a.filename)).toEqual(['p2.jpg', 'p3.jpg']);
    expect(built.uploadedAttachments).toEqual([]);
    expect(built.postedAttachments.every((a) => a.content.length < 3 * 1024 * 1024)).toBe(true);
  });

  it('refuses, as a large item, a message whose body alone is over what one request may carry', async () => {
    await expect(plan(raw([], 'x'.repeat(4_000_000)))).rejects.toBeInstanceOf(UnplannableMessage);
  });
});

describe('the header block kept as PR_TRANSPORT_MESSAGE_HEADERS', () => {
  it('ends with the last header line, whatever the line ends, and holds 8-bit header text as UTF-8', () => {
    expect(headerBlockOf(Buffer.from('Subject: Grüße\r\nFrom: a@b\r\n\r\nbody\r\n\r\nmore'))).toBe('Subject: Grüße\r\nFrom: a@b\r\n');
    expect(headerBlockOf(Buffer.from('Subject: x\nFrom: a@b\n\nbody\n\nmore'))).toBe('Subject: x\nFrom: a@b\n\n');
    expect(headerBlockOf(Buffer.from('Subject: x\r\n\nbody'))).toBe('Subject: x\r\n');
  });

  it('is the whole message when no empty line ends the header', () => {
    expect(headerBlockOf(Buffer.from('Subject: x\r\nFrom: a@b'))).toBe('Subject: x\r\nFrom: a@b');
  });
});
