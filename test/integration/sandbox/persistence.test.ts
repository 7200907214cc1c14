import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startM365Sandbox } from '../../../tools/m365-sandbox';
import { tinyJpeg } from './jpegFixture';
import { startSandboxHarness } from './sandboxGraphClient';

describe('m365-sandbox persistence', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'm365-sandbox-state-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  test('a sandbox restarted on the same folder keeps its tenant, app credentials and mailboxes', async () => {
    const first = await startSandboxHarness({ persistDir: dir });
    first.sandbox.addUser({ userPrincipalName: 'quin@contoso.onmicrosoft.com', licensed: true });
    const created = await first.graph.api('/users/quin@contoso.onmicrosoft.com/mailFolders/inbox/messages').post({ subject: 'kept' });
    await first.sandbox.stop();

    const second = await startSandboxHarness({ persistDir: dir });
    try {
      expect([second.sandbox.tenantId, second.sandbox.clientId, second.sandbox.clientSecret]).toEqual([
        first.sandbox.tenantId,
        first.sandbox.clientId,
        first.sandbox.clientSecret,
      ]);
      const read = await second.graph.api(`/users/quin@contoso.onmicrosoft.com/messages/${created.id}`).get();
      expect(read.subject).toBe('kept');
    } finally {
      await second.sandbox.stop();
    }
  });

  test('a restarted sandbox keeps contacts with their photo, series with their exceptions, and the meeting messages it recorded', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'm365-sandbox-pim-'));
    try {
      const upn = 'rosa@contoso.onmicrosoft.com';
      const first = await startSandboxHarness({ persistDir: folder });
      first.sandbox.addUser({ userPrincipalName: upn, licensed: true });
      const contact = await first.graph.api(`/users/${upn}/contacts`).post({ givenName: 'Kept' });
      await first.rawFetch(`${first.sandbox.graphBaseUrl}/users/${upn}/contacts/${contact.id}/photo/$value`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${await first.token()}`, 'content-type': 'image/jpeg' },
        body: tinyJpeg(48, 48),
      });
      const at = (dateTime: string): { dateTime: string; timeZone: string } => ({ dateTime, timeZone: 'Romance Standard Time' });
      const series = await first.graph.api(`/users/${upn}/events`).post({
        subject: 'Series',
        start: at('2024-01-08T09:00:00'),
        end: at('2024-01-08T10:00:00'),
        attendees: [{ emailAddress: { address: 'someone@fabrikam.example' } }],
        recurrence: { pattern: { type: 'daily', interval: 1 }, range: { type: 'numbered', startDate: '2024-01-08', numberOfOccurrences: 3 } },
      });
      const window = 'startDateTime=2024-01-01T00:00:00Z&endDateTime=2024-02-01T00:00:00Z';
      const [, second] = (await first.graph.api(`/users/${upn}/events/${series.id}/instances?${window}`).get()).value;
      await first.graph.api(`/users/${upn}/events/${second.id}`).patch({ subject: 'Changed' });
      await first.sandbox.stop();

      const restarted = await startSandboxHarness({ persistDir: folder });
      try {
        expect(restarted.sandbox.listMailbox(upn).contacts[0]?.photo).toMatchObject({ width: 48, height: 48 });
        const instances = (await restarted.graph.api(`/users/${upn}/events/${series.id}/instances?${window}`).get()).value;
        expect(instances.map((e: { type: string; subject: string }) => [e.type, e.subject])).toEqual([
          ['occurrence', 'Series'],
          ['exception', 'Changed'],
          ['occurrence', 'Series'],
        ]);
        expect(restarted.sandbox.sentMeetingMessages(upn).map((m) => m.trigger)).toEqual(['createEvent', 'updateOccurrence']);
      } finally {
        await restarted.sandbox.stop();
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  test('a sandbox without a folder starts empty in memory', async () => {
    // How fast it starts is the bench's business (npm run bench -- sandbox), not a test's: a busy machine is slow.
    const sandbox = await startM365Sandbox({ https: false });
    try {
      expect(sandbox.graphBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\.0$/);
      expect(sandbox.store.state.users).toEqual({});
    } finally {
      await sandbox.stop();
    }
  });
});
