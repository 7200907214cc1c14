import { ClientSecretCredential } from '@azure/identity';
import { expectGraphErrorBody, type SandboxHarness, startSandboxHarness } from './sandboxGraphClient';

describe('m365-sandbox auth', () => {
  let h: SandboxHarness;
  beforeAll(async () => {
    h = await startSandboxHarness();
  });
  afterAll(async () => h.sandbox.stop());

  test('ClientSecretCredential gets a Graph token from the sandbox authority unchanged', async () => {
    const token = await h.credential.getToken('https://graph.microsoft.com/.default');
    expect(token.token.split('.')).toHaveLength(3);
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now());
    const claims = JSON.parse(Buffer.from(token.token.split('.')[1]!, 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ aud: 'https://graph.microsoft.com', tid: h.sandbox.tenantId, appid: h.sandbox.clientId });
  });

  test('a wrong client secret is refused with the Entra ID error AADSTS7000215', async () => {
    const wrong = new ClientSecretCredential(h.sandbox.tenantId, h.sandbox.clientId, 'not-the-secret', {
      authorityHost: h.sandbox.authorityHost,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: h.sandbox.caCertificatePem! },
    });
    await expect(wrong.getToken('https://graph.microsoft.com/.default')).rejects.toThrow(/AADSTS7000215/);
  });

  test('the token endpoint refuses a scope without /.default as Entra ID does', async () => {
    const response = await h.rawFetch(`${h.sandbox.authorityHost}/${h.sandbox.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: h.sandbox.clientId,
        client_secret: h.sandbox.clientSecret,
        scope: 'Mail.ReadWrite',
      }).toString(),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_scope', error_codes: [1002012] });
  });

  test('a Graph call without a token gets 401 with Graph error body', async () => {
    const response = await h.rawFetch(`${h.sandbox.graphBaseUrl}/organization`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expectGraphErrorBody(await response.json(), 'InvalidAuthenticationToken');
  });

  test('a tampered token gets 401 InvalidAuthenticationToken', async () => {
    const token = await h.token();
    const tampered = `${token.slice(0, -4)}AAAA`;
    const response = await h.rawFetch(`${h.sandbox.graphBaseUrl}/organization`, { headers: { authorization: `Bearer ${tampered}` } });
    expect(response.status).toBe(401);
    expectGraphErrorBody(await response.json(), 'InvalidAuthenticationToken');
  });

  test('every answer carries request-id and echoes client-request-id', async () => {
    const response = await h.rawFetch(`${h.sandbox.graphBaseUrl}/organization`, {
      headers: { authorization: `Bearer ${await h.token()}`, 'client-request-id': 'c0ffee00-0000-4000-8000-000000000001' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('client-request-id')).toBe('c0ffee00-0000-4000-8000-000000000001');
  });
});
