import type { MailboxSnapshot } from '../../../tools/m365-sandbox';
import { expectGraphErrorBody, graphFailure, type SandboxHarness, startSandboxHarness } from './sandboxGraphClient';

const UPN = 'oda@contoso.onmicrosoft.com';

describe('m365-sandbox test controls', () => {
  let h: SandboxHarness;
  let auth: Record<string, string>;
  beforeAll(async () => {
    h = await startSandboxHarness();
    h.sandbox.addUser({ userPrincipalName: UPN, licensed: true });
    auth = { authorization: `Bearer ${await h.token()}` };
  });
  afterEach(() => h.sandbox.clearFaults());
  afterAll(async () => h.sandbox.stop());

  test('an injected 503 storm on one path answers 503 with Retry-After and Graph error body, then clears', async () => {
    h.sandbox.addFault({ kind: 'serviceUnavailable', pathPattern: '/mailFolders', times: 2, retryAfterSeconds: 0 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await h.rawFetch(`${h.sandbox.graphBaseUrl}/users/${UPN}/mailFolders`, { headers: auth })).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect((await h.rawFetch(`${h.sandbox.graphBaseUrl}/organization`, { headers: auth })).status).toBe(200);
  });

  test("the Graph client's retry handler rides out a 429 storm", async () => {
    h.sandbox.addFault({ kind: 'tooManyRequests', pathPattern: '/organization$', times: 2, retryAfterSeconds: 0 });
    const page = await h.graph.api('/organization').get();
    expect(page.value).toHaveLength(1);
  });

  test('a rate-based fault hits a repeatable share of requests', async () => {
    h.sandbox.addFault({ kind: 'serviceUnavailable', pathPattern: '/organization$', rate: 0.5, retryAfterSeconds: 0 });
    let failures = 0;
    for (let i = 0; i < 40; i += 1) if ((await h.rawFetch(`${h.sandbox.graphBaseUrl}/organization`, { headers: auth })).status === 503) failures += 1;
    expect(failures).toBeGreaterThan(5);
    expect(failures).toBeLessThan(35);
  });

  test('a dropped connection ends the request without an answer', async () => {
    h.sandbox.addFault({ kind: 'dropConnection', pathPattern: '/messages', times: 1 });
    await expect(h.rawFetch(`${h.sandbox.graphBaseUrl}/users/${UPN}/messages`, { headers: auth })).rejects.toThrow();
    expect((await h.rawFetch(`${h.sandbox.graphBaseUrl}/users/${UPN}/messages`, { headers: auth })).status).toBe(200);
  });

  test('added latency delays every Graph answer by at least the set time', async () => {
    h.sandbox.setLatency(150);
    const started = Date.now();
    await h.rawFetch(`${h.sandbox.graphBaseUrl}/organization`, { headers: auth });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    h.sandbox.setLatency(0);
  });

  test('the inspection API lists a mailbox and exports a message as MIME, in process and over HTTP', async () => {
    const created = await h.graph.api(`/users/${UPN}/mailFolders/inbox/messages`).post({
      subject: 'inspect me',
      internetMessageId: '<inspect@legacy.example>',
      body: { contentType: 'text', content: 'Grüße' },
      from: { emailAddress: { name: 'Old', address: 'old@legacy.example' } },
      toRecipients: [{ emailAddress: { address: UPN } }],
      singleValueExtendedProperties: [
        { id: 'Integer 0x0E07', value: '1' },
        { id: 'SystemTime 0x0E06', value: '2010-01-01T00:00:00Z' },
      ],
    });
    const inbox = h.sandbox.listMailbox(UPN).folders.find((f) => f.path === 'Inbox')!;
    expect(inbox.messages).toEqual([
      expect.objectContaining({ id: created.id, internetMessageId: '<inspect@legacy.example>', isDraft: false, receivedDateTime: '2010-01-01T00:00:00Z' }),
    ]);

    const overHttp = (await (await h.rawFetch(`${h.sandbox.origin}/_sandbox/mailboxes/${UPN}`)).json()) as MailboxSnapshot;
    expect(overHttp.folders.find((f) => f.path === 'Inbox')!.messages[0]!.subject).toBe('inspect me');
    const mime = await (await h.rawFetch(`${h.sandbox.origin}/_sandbox/mailboxes/${UPN}/messages/${encodeURIComponent(created.id)}/mime`)).text();
    expect(mime).toContain('Message-ID: <inspect@legacy.example>');
    expect(mime).toContain('From: Old <old@legacy.example>');
    expect(mime).toContain(Buffer.from('Grüße').toString('base64'));
    expect(h.sandbox.exportMessageMime(UPN, created.id).toString()).toBe(mime);
  });

  test('users and faults can be set over HTTP by a process that did not start the sandbox', async () => {
    const added = await h.rawFetch(`${h.sandbox.origin}/_sandbox/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userPrincipalName: 'pia@contoso.onmicrosoft.com', licensed: true }),
    });
    expect(added.status).toBe(201);
    const fault = await h.rawFetch(`${h.sandbox.origin}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'serviceUnavailable', pathPattern: 'pia@', times: 1, retryAfterSeconds: 0 }),
    });
    expect(fault.status).toBe(201);
    expect((await h.rawFetch(`${h.sandbox.graphBaseUrl}/users/pia@contoso.onmicrosoft.com/mailFolders`, { headers: auth })).status).toBe(503);
    expect((await h.rawFetch(`${h.sandbox.graphBaseUrl}/users/pia@contoso.onmicrosoft.com/mailFolders`, { headers: auth })).status).toBe(200);
  });

  test('latency can be set over HTTP', async () => {
    const set = await h.rawFetch(`${h.sandbox.origin}/_sandbox/latency`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: 120 }),
    });
    expect(set.status).toBe(204);
    const started = Date.now();
    await h.rawFetch(`${h.sandbox.graphBaseUrl}/organization`, { headers: auth });
    expect(Date.now() - started).toBeGreaterThanOrEqual(120);
    h.sandbox.setLatency(0);
  });

  test('an unknown Graph path is 400 BadRequest with Graph error body', async () => {
    const error = await graphFailure(async () => h.graph.api(`/users/${UPN}/notAThing`).get());
    expect(error.statusCode).toBe(400);
    const response = await h.rawFetch(`${h.sandbox.graphBaseUrl}/users/${UPN}/notAThing`, { headers: auth });
    expectGraphErrorBody(await response.json(), 'BadRequest');
  });
});
