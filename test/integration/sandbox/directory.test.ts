import { EXCHANGE_ONLINE_PLAN_1_SKU } from '../../../tools/m365-sandbox';
import { graphFailure, type SandboxHarness, startSandboxHarness } from './sandboxGraphClient';

describe('m365-sandbox directory', () => {
  let h: SandboxHarness;
  beforeAll(async () => {
    h = await startSandboxHarness({ tenant: { onPremisesSyncEnabled: true, domain: 'fabrikam.onmicrosoft.com' } });
  });
  afterAll(async () => h.sandbox.stop());

  test('GET /organization reports whether directory sync is on', async () => {
    const page = await h.graph.api('/organization').select('id,onPremisesSyncEnabled,verifiedDomains').get();
    expect(page.value).toHaveLength(1);
    expect(page.value[0]).toMatchObject({ id: h.sandbox.tenantId, onPremisesSyncEnabled: true });
    h.sandbox.setOrganization({ onPremisesSyncEnabled: null });
    const after = await h.graph.api('/organization').get();
    expect(after.value[0].onPremisesSyncEnabled).toBeNull();
    h.sandbox.setOrganization({ onPremisesSyncEnabled: true });
  });

  test('a user is found by id or by userPrincipalName, case-insensitively', async () => {
    const user = h.sandbox.addUser({ userPrincipalName: 'Bea@fabrikam.onmicrosoft.com', licensed: true });
    const byUpn = await h.graph.api('/users/bea@FABRIKAM.onmicrosoft.com').get();
    const byId = await h.graph.api(`/users/${user.id}`).get();
    expect(byUpn.id).toBe(user.id);
    expect(byId.userPrincipalName).toBe('Bea@fabrikam.onmicrosoft.com');
  });

  test('proxyAddresses, assignedLicenses and onPremisesSyncEnabled come only with $select, as in Graph', async () => {
    h.sandbox.addUser({
      userPrincipalName: 'cy@fabrikam.onmicrosoft.com',
      mail: 'cy@fabrikam.com',
      proxyAddresses: ['SMTP:cy@fabrikam.com', 'smtp:cyril@fabrikam.com'],
      onPremisesSyncEnabled: true,
    });
    const plain = await h.graph.api('/users/cy@fabrikam.onmicrosoft.com').get();
    expect(plain).toHaveProperty('mail', 'cy@fabrikam.com');
    expect(plain).not.toHaveProperty('proxyAddresses');
    const selected = await h.graph.api('/users/cy@fabrikam.onmicrosoft.com').select('mail,proxyAddresses,assignedLicenses,onPremisesSyncEnabled').get();
    expect(selected).toMatchObject({ proxyAddresses: ['SMTP:cy@fabrikam.com', 'smtp:cyril@fabrikam.com'], assignedLicenses: [], onPremisesSyncEnabled: true });
  });

  test('users are found by any proxy address with proxyAddresses/any and by mail with eq', async () => {
    const byProxy = await h.graph.api('/users').filter("proxyAddresses/any(x:x eq 'smtp:CYRIL@fabrikam.com')").select('userPrincipalName').get();
    expect(byProxy.value.map((u: { userPrincipalName: string }) => u.userPrincipalName)).toEqual(['cy@fabrikam.onmicrosoft.com']);
    const byMail = await h.graph.api('/users').filter("mail eq 'cy@fabrikam.com'").get();
    expect(byMail.value).toHaveLength(1);
  });

  test('PATCH /users sets usageLocation, refuses read-only proxyAddresses and names of synced users', async () => {
    h.sandbox.addUser({ userPrincipalName: 'hub@fabrikam.onmicrosoft.com', usageLocation: null, onPremisesSyncEnabled: true });
    const response = await h.graph
      .api('/users/hub@fabrikam.onmicrosoft.com')
      .responseType('raw' as never)
      .patch({ usageLocation: 'GB' });
    expect((response as Response).status).toBe(204);
    const user = await h.graph.api('/users/hub@fabrikam.onmicrosoft.com').select('usageLocation').get();
    expect(user.usageLocation).toBe('GB');
    const proxy = await graphFailure(async () => h.graph.api('/users/hub@fabrikam.onmicrosoft.com').patch({ proxyAddresses: ['SMTP:x@y.z'] }));
    expect(proxy.code).toBe('Request_BadRequest');
    const synced = await graphFailure(async () => h.graph.api('/users/hub@fabrikam.onmicrosoft.com').patch({ displayName: 'Hub' }));
    expect(synced.message).toMatch(/on-premises mastered/);
  });

  test('an unknown user is 404 Request_ResourceNotFound', async () => {
    const error = await graphFailure(async () => h.graph.api('/users/nobody@fabrikam.onmicrosoft.com').get());
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe('Request_ResourceNotFound');
  });

  test('mail calls to a user without an Exchange licence fail with MailboxNotEnabledForRESTAPI until one is assigned', async () => {
    const user = h.sandbox.addUser({ userPrincipalName: 'dee@fabrikam.onmicrosoft.com', usageLocation: 'US' });
    const before = await graphFailure(async () => h.graph.api(`/users/${user.id}/mailFolders`).get());
    expect(before.statusCode).toBe(404);
    expect(before.code).toBe('MailboxNotEnabledForRESTAPI');
    expect(before.message).toBe('REST API is not yet supported for this mailbox.');

    const assigned = await h.graph
      .api(`/users/${user.id}/assignLicense`)
      .post({ addLicenses: [{ skuId: EXCHANGE_ONLINE_PLAN_1_SKU, disabledPlans: [] }], removeLicenses: [] });
    expect(assigned.id).toBe(user.id);
    const folders = await h.graph.api(`/users/${user.id}/mailFolders`).get();
    expect(folders.value.map((f: { displayName: string }) => f.displayName)).toContain('Inbox');
  });

  test('with a provisioning delay, the mailbox is not there right after the licence is assigned', async () => {
    const slow = await startSandboxHarness({ mailboxProvisioningDelayMs: 10 * 60 * 1000 });
    try {
      const user = slow.sandbox.addUser({ userPrincipalName: 'gil@contoso.onmicrosoft.com', usageLocation: 'US' });
      await slow.graph.api(`/users/${user.id}/assignLicense`).post({ addLicenses: [{ skuId: EXCHANGE_ONLINE_PLAN_1_SKU }], removeLicenses: [] });
      const error = await graphFailure(async () => slow.graph.api(`/users/${user.id}/mailFolders/inbox`).get());
      expect(error.code).toBe('MailboxNotEnabledForRESTAPI');
    } finally {
      await slow.sandbox.stop();
    }
  });

  test('a directory-synced user without a cloud mailbox is reported as hosted on-premises', async () => {
    const user = h.sandbox.addUser({ userPrincipalName: 'ivo@fabrikam.onmicrosoft.com', onPremisesSyncEnabled: true });
    const error = await graphFailure(async () => h.graph.api(`/users/${user.id}/messages`).get());
    expect(error.message).toBe('The mailbox is either inactive, soft-deleted, or is hosted on-premise.');
  });

  test('a licence without Exchange gives no mailbox', async () => {
    const user = h.sandbox.addUser({ userPrincipalName: 'eve@fabrikam.onmicrosoft.com', usageLocation: 'US' });
    await h.graph.api(`/users/${user.id}/assignLicense`).post({ addLicenses: [{ skuId: 'a403ebcc-fae0-4ca2-8c8c-7a907fd6c235' }], removeLicenses: [] });
    const error = await graphFailure(async () => h.graph.api(`/users/${user.id}/messages`).get());
    expect(error.code).toBe('MailboxNotEnabledForRESTAPI');
  });

  test('assignLicense is refused for a user without usageLocation and for an unknown SKU', async () => {
    const user = h.sandbox.addUser({ userPrincipalName: 'fay@fabrikam.onmicrosoft.com', usageLocation: null });
    const noLocation = await graphFailure(async () =>
      h.graph.api(`/users/${user.id}/assignLicense`).post({ addLicenses: [{ skuId: EXCHANGE_ONLINE_PLAN_1_SKU }], removeLicenses: [] }),
    );
    expect(noLocation.statusCode).toBe(400);
    expect(noLocation.message).toBe('License assignment cannot be done for user with invalid usage location.');
    const unknownSku = await graphFailure(async () =>
      h.graph.api(`/users/${user.id}/assignLicense`).post({ addLicenses: [{ skuId: '00000000-0000-0000-0000-000000000000' }], removeLicenses: [] }),
    );
    expect(unknownSku.code).toBe('Request_BadRequest');
  });

  test('directory-synced users start without a usage location, and the organization names its country', async () => {
    const user = h.sandbox.addUser({ userPrincipalName: 'jo@fabrikam.onmicrosoft.com', onPremisesSyncEnabled: true });
    const read = await h.graph.api(`/users/${user.id}`).select('usageLocation').get();
    expect(read.usageLocation).toBeNull();
    const organization = await h.graph.api('/organization').select('countryLetterCode').get();
    expect(organization.value[0].countryLetterCode).toBe('US');
  });

  test('a synced user carrying the on-premises ExchangeGuid never gets a mailbox from a licence', async () => {
    const user = h.sandbox.addUser({
      userPrincipalName: 'kai@fabrikam.onmicrosoft.com',
      usageLocation: 'US',
      onPremisesSyncEnabled: true,
      onPremisesExchangeGuid: '0a1b2c3d-0000-4000-8000-00000000abcd',
    });
    await h.graph.api(`/users/${user.id}/assignLicense`).post({ addLicenses: [{ skuId: EXCHANGE_ONLINE_PLAN_1_SKU }], removeLicenses: [] });
    const error = await graphFailure(async () => h.graph.api(`/users/${user.id}/mailFolders/inbox`).get());
    expect(error).toMatchObject({
      statusCode: 404,
      code: 'MailboxNotEnabledForRESTAPI',
      message: 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
    });
    const selected = await h.graph.api(`/users/${user.id}`).select('assignedLicenses').get();
    expect(selected.assignedLicenses).toHaveLength(1); // licensed, and still no mailbox
  });

  test('a password that meets the policy is set through passwordProfile (204), a weak one is refused', async () => {
    const user = h.sandbox.addUser({ userPrincipalName: 'lou@fabrikam.onmicrosoft.com', onPremisesSyncEnabled: true });
    const set = await h.graph
      .api(`/users/${user.id}`)
      .responseType('raw' as never)
      .patch({ passwordProfile: { password: 'Migr8ted!Pass', forceChangePasswordNextSignIn: true } });
    expect((set as Response).status).toBe(204);
    expect(h.sandbox.passwordMatches(user.id, 'Migr8ted!Pass')).toBe(true);
    expect(h.sandbox.passwordMatches(user.id, 'another')).toBe(false);
    expect(h.sandbox.store.state.users[user.id]!.passwordProfile?.forceChangePasswordNextSignIn).toBe(true);
    const weak = await graphFailure(async () =>
      h.graph.api(`/users/${user.id}`).patch({ passwordProfile: { password: 'short', forceChangePasswordNextSignIn: false } }),
    );
    expect(weak).toMatchObject({ statusCode: 400, code: 'Request_BadRequest' });
    expect(weak.message).toMatch(/password complexity/);
  });
});
