import { graphFailure, type SandboxHarness, startSandboxHarness } from './sandboxGraphClient';

describe('m365-sandbox sendMail', () => {
  let h: SandboxHarness;
  beforeAll(async () => {
    h = await startSandboxHarness();
    h.sandbox.addUser({ userPrincipalName: 'admin@contoso.onmicrosoft.com', licensed: true });
    h.sandbox.addUser({
      userPrincipalName: 'ops@contoso.onmicrosoft.com',
      mail: 'ops@contoso.com',
      proxyAddresses: ['SMTP:ops@contoso.com', 'smtp:alerts@contoso.com'],
      licensed: true,
    });
  });
  afterAll(async () => h.sandbox.stop());

  test('sendMail answers 202, keeps a copy in Sent Items and delivers to a tenant mailbox by any of its addresses', async () => {
    const response = await h.graph
      .api('/users/admin@contoso.onmicrosoft.com/sendMail')
      .responseType('raw' as never)
      .post({
        message: {
          subject: 'Batch synced',
          body: { contentType: 'text', content: '3 mailboxes synced' },
          toRecipients: [{ emailAddress: { address: 'alerts@contoso.com' } }],
        },
      });
    expect((response as Response).status).toBe(202);
    const sent = h.sandbox.listMailbox('admin@contoso.onmicrosoft.com').folders.find((f) => f.wellKnownName === 'sentitems')!;
    expect(sent.messages).toEqual([expect.objectContaining({ subject: 'Batch synced', isDraft: false })]);
    const inbox = h.sandbox.listMailbox('ops@contoso.onmicrosoft.com').folders.find((f) => f.wellKnownName === 'inbox')!;
    expect(inbox.messages).toEqual([expect.objectContaining({ subject: 'Batch synced', isRead: false, from: 'admin@contoso.onmicrosoft.com' })]);
  });

  test('sendMail without recipients is 400 ErrorInvalidRecipients', async () => {
    const error = await graphFailure(async () => h.graph.api('/users/admin@contoso.onmicrosoft.com/sendMail').post({ message: { subject: 'nobody' } }));
    expect(error.code).toBe('ErrorInvalidRecipients');
  });
});
