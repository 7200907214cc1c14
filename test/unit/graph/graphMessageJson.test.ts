import { simpleParser } from 'mailparser';
import { createBodyBytes, fitCreateBody, headerBlockOf, MAPI, toCreateBody, toGraphMessage } from '../../../src/connectors/target/graph/graphMessageJson';

const raw = (attachments: { name: string; bytes: number }[]) => Buffer.from([
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
  'See attached.',
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
].join('\r\n'));

describe('the Graph create body of a MIME message', () => {
  it('is not a draft and keeps the sent and received dates, read and flagged state, and the addresses', async () => {
    const message = raw([{ name: 'a.bin', bytes: 1000 }]);
    const plan = toGraphMessage(await simpleParser(message), { flags: ['\\Seen', '\\Flagged'], internalDate: '2007-01-02T09:05:00.000Z', marker: 'mk1', headerBlock: headerBlockOf(message) });
    const body = toCreateBody(plan);
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
    expect(body.singleValueExtendedProperties).toEqual(expect.arrayContaining([
      { id: MAPI.messageFlags, value: '1' },
      { id: MAPI.deliveryTime, value: '2007-01-02T09:05:00.000Z' },
      { id: MAPI.clientSubmitTime, value: '2007-01-02T09:00:00.000Z' },
      { id: MAPI.sourceMarker, value: 'mk1' },
    ]));
    expect((body.singleValueExtendedProperties as { id: string; value: string }[]).find((p) => p.id === MAPI.transportHeaders)!.value).toMatch(/^From: .*\r\n[\s\S]*Message-ID: <q1@legacy.example>\r\n/);
  });

  it('clears the read bit for an unread message and leaves it unflagged', async () => {
    const message = raw([]);
    const body = toCreateBody(toGraphMessage(await simpleParser(message), { flags: [], internalDate: '2007-01-02T09:05:00.000Z', marker: 'm', headerBlock: '' }));
    expect(body).toMatchObject({ isRead: false, flag: { flagStatus: 'notFlagged' } });
    expect(body.singleValueExtendedProperties).toContainEqual({ id: MAPI.messageFlags, value: '0' });
  });

  it('sends attachments over 3 MB, and enough others to fit in a request, through upload sessions', async () => {
    const message = raw([{ name: 'big.bin', bytes: 3_500_000 }, { name: 'mid1.bin', bytes: 1_500_000 }, { name: 'mid2.bin', bytes: 1_400_000 }, { name: 'small.bin', bytes: 10_000 }]);
    const plan = toGraphMessage(await simpleParser(message), { flags: [], internalDate: '2007-01-02T09:05:00.000Z', marker: 'm', headerBlock: '' });
    expect(plan.largeAttachments.map((a) => a.filename)).toEqual(['big.bin']);
    const fitted = fitCreateBody(plan, 3_500_000);
    expect(createBodyBytes(fitted)).toBeLessThanOrEqual(3_500_000);
    expect(fitted.inlineAttachments.map((a) => a.filename).sort()).toEqual(['mid2.bin', 'small.bin']);
    expect(fitted.largeAttachments.map((a) => a.filename).sort()).toEqual(['big.bin', 'mid1.bin']);
  });
});
