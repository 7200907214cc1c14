import { BlobServiceClient } from '@azure/storage-blob';
import { ImapFlow } from 'imapflow';
import { ADMIN_MAILBOX, type LabMailbox, type MigrationLab, createLabEndpoint, startMigrationLab, waitFor } from '../support/migrationLab';

/**
 * Issue 6's whole staged migration under the devhost: a CSV of 30 mailboxes dropped into the
 * intake container, the endpoint allowing 4 at a time, two rows planted to fail preflight.
 */
const MAILBOXES: LabMailbox[] = Array.from({ length: 30 }, (_, i) => ({
  address: `user${String(i).padStart(2, '0')}@contoso.com`,
  messages: i === 1 ? 14 : 6,
  ...(i === 7 ? { missingInCloud: true } : {}),
  ...(i === 19 ? { missingAtSource: true } : {}),
}));
const FAILING = [MAILBOXES[7]!.address, MAILBOXES[19]!.address];
const MIGRATED = MAILBOXES.filter((m) => !FAILING.includes(m.address));

let lab: MigrationLab;

interface BatchView {
  status: string;
  counts: Record<string, number>;
  mailboxCount: number;
}
interface MailboxView {
  emailAddress: string;
  status: string;
  statusDetail?: string;
  error?: string;
  startTimestamp?: string;
  lastSuccessfulSyncTimestamp?: string;
  syncedItemCount: number;
}

async function batch(): Promise<BatchView> {
  return (await (await lab.api('/api/batches/wave-1')).json()) as BatchView;
}

async function mailboxes(): Promise<MailboxView[]> {
  return ((await (await lab.api('/api/batches/wave-1/mailboxes?pageSize=1000')).json()) as { value: MailboxView[] }).value;
}

async function batchStatus(wanted: string[]): Promise<BatchView | undefined> {
  const current = await batch();
  return wanted.includes(current.status) ? current : undefined;
}

function cloudMessages(address: string) {
  return lab.sandbox.listMailbox(address).folders.flatMap((f) => f.messages.map((m) => ({ ...m, folder: f.path })));
}

function emailsTo(address: string) {
  return lab.sandbox
    .listMailbox(address)
    .folders.flatMap((f) => f.messages)
    .filter((m) => /Migration batch "Wave 1"/.test(m.subject));
}

beforeAll(async () => {
  lab = await startMigrationLab({ mailboxes: MAILBOXES, incrementalSyncMinutes: 0.1 });
  await createLabEndpoint(lab, 'ex2007', 4);
  const csv = ['EmailAddress', ...MAILBOXES.map((m) => m.address)].join('\r\n');
  const intake = BlobServiceClient.fromConnectionString(lab.settings.AzureWebJobsStorage!).getContainerClient(lab.settings.MIGRATION_INTAKE_CONTAINER!);
  await intake.createIfNotExists();
  await intake.getBlockBlobClient('ex2007/Wave 1.csv').upload(csv, csv.length, { metadata: { notificationemails: ADMIN_MAILBOX } });
}, 360_000);

afterAll(async () => {
  await lab?.stop();
});

describe('a staged migration batch, end to end', () => {
  it('syncs the batch with errors: two rows fail preflight with their reasons, the others are migrated', async () => {
    const synced = await waitFor('the batch to finish its initial sync', () => batchStatus(['Synced', 'SyncedWithErrors', 'Failed']), 480_000);
    expect(synced.status).toBe('SyncedWithErrors');
    expect(synced.counts).toMatchObject({ Synced: 28, Failed: 2 });
    const rows = await mailboxes();
    const failed = rows.filter((m) => m.status === 'Failed');
    expect(failed.map((m) => m.emailAddress).sort()).toEqual(FAILING);
    expect(failed.find((m) => m.emailAddress === FAILING[0])!.error).toMatch(/No user user07@contoso.com exists in Microsoft 365/);
    expect(failed.find((m) => m.emailAddress === FAILING[1])!.error).toMatch(/source server refused the login for user19@contoso.com/);
    expect(failed.every((m) => m.statusDetail === 'FailedPreflight')).toBe(true);
  });

  it('never had more than 4 mailboxes in flight, and did use 4', async () => {
    const intervals = (await mailboxes())
      .filter((m) => m.startTimestamp && m.lastSuccessfulSyncTimestamp)
      .map((m) => [Date.parse(m.startTimestamp!), Date.parse(m.lastSuccessfulSyncTimestamp!)] as const);
    expect(intervals).toHaveLength(28);
    const events = intervals
      .flatMap(
        ([start, end]) =>
          [
            [start, 1],
            [end, -1],
          ] as const,
      )
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let inFlight = 0;
    let most = 0;
    for (const [, change] of events) {
      inFlight += change;
      most = Math.max(most, inFlight);
    }
    expect(most).toBeLessThanOrEqual(4);
    expect(most).toBeGreaterThanOrEqual(2);
  });

  it('put every message of the migrated mailboxes in Microsoft 365 exactly once, and forwarded their on-premises mail', async () => {
    for (const mailbox of MIGRATED) {
      const messages = cloudMessages(mailbox.address);
      expect(messages).toHaveLength(mailbox.messages);
      expect(messages.every((m) => !m.isDraft)).toBe(true);
      const entry = await lab.ldap.readEntry(lab.dns.get(mailbox.address)!);
      expect(entry?.targetAddress).toEqual([`SMTP:${mailbox.address.replace('@contoso.com', '@contoso.mail.onmicrosoft.com')}`]);
    }
    const notForwarded = await lab.ldap.readEntry(lab.dns.get(FAILING[0]!)!);
    expect(notForwarded?.targetAddress).toBeUndefined();
    const throughput = (await (await lab.api('/api/batches/wave-1/throughput')).json()) as { intervalSeconds: number; value: { items: number }[] };
    expect(throughput.intervalSeconds).toBe(10);
    expect(throughput.value.reduce((n, s) => n + s.items, 0)).toBe(MIGRATED.reduce((n, m) => n + m.messages, 0));
  });

  it('sent the status email with the counts and report links that work', async () => {
    const email = await waitFor('the status email', async () => emailsTo(ADMIN_MAILBOX)[0]);
    expect(email.subject).toBe('Migration batch "Wave 1" initial synchronisation finished: 28 of 30 mailboxes migrated, 2 failed');
    const mime = lab.sandbox.exportMessageMime(ADMIN_MAILBOX, email.id).toString('utf8');
    const html = mime.includes('data-count')
      ? mime
      : Buffer.from(
          mime
            .split(/\r?\n\r?\n/)
            .slice(1)
            .join('\n'),
          'base64',
        ).toString('utf8');
    const decoded = html.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    expect(decoded).toMatch(/data-count="migrated">28</);
    expect(decoded).toMatch(/data-count="failed">2</);
    const links = [...decoded.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    expect(links).toHaveLength(2);
    const [statistics, errors] = await Promise.all(links.map(async (link) => (await fetch(link)).text()));
    expect(statistics).toContain('user00@contoso.com,Synced');
    expect(errors).toContain('user07@contoso.com,Mailbox');
    const api = await lab.api('/api/batches/wave-1/reports/statistics');
    expect(api.status).toBe(200);
    expect(await api.text()).toContain('EmailAddress,Status');
  });

  it('refuses a second CSV that repeats a mailbox of the active batch, for that row', async () => {
    const response = await lab.api('/api/batches?name=wave-2&endpoint=ex2007&autoStart=false', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'EmailAddress\r\nnew.user@contoso.com\r\nuser03@contoso.com\r\n',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { line: number; code: string; message: string }[] };
    expect(body.errors).toEqual([expect.objectContaining({ line: 3, code: 'AddressInActiveBatch' })]);
    expect(body.errors[0]!.message).toContain('"Wave 1"');
  });

  it('copies new source mail to Microsoft 365 at the next incremental sync', async () => {
    const client = new ImapFlow({
      host: '127.0.0.1',
      port: lab.dovecot.port,
      secure: false,
      doSTARTTLS: false,
      logger: false,
      auth: { user: `user00@contoso.com*${lab.dovecot.masterUser.name}`, pass: lab.dovecot.masterUser.password },
    });
    await client.connect();
    await client.append(
      'INBOX',
      Buffer.from(
        'From: late@legacy.example\r\nTo: user00@contoso.com\r\nSubject: Arrived after the initial sync\r\nMessage-ID: <late-1@legacy.example>\r\nDate: Wed, 25 Nov 2026 09:00:00 +0000\r\n\r\nStill here.\r\n',
      ),
      ['\\Seen'],
    );
    await client.logout();
    const arrived = await waitFor('the new message in Microsoft 365', async () =>
      cloudMessages('user00@contoso.com').find((m) => m.subject === 'Arrived after the initial sync'),
    );
    expect(arrived.isRead).toBe(true);
    expect(cloudMessages('user00@contoso.com')).toHaveLength(MAILBOXES[0]!.messages + 1);
  });

  it('completes: the on-premises mailboxes become mail-enabled users and the final report is sent', async () => {
    await waitFor('complete to be accepted', async () => {
      const response = await lab.api('/api/batches/wave-1/complete', { method: 'POST' });
      if (response.status === 202) return true;
      expect(response.status).toBe(409); // an incremental pass is running: try again when it is Synced
      return undefined;
    });
    const completed = await waitFor('the batch to complete', () => batchStatus(['Completed', 'CompletedWithErrors']), 360_000);
    expect(completed.status).toBe('CompletedWithErrors');
    expect(completed.counts).toMatchObject({ Completed: 28, Failed: 2 });
    for (const mailbox of MIGRATED) {
      const entry = await lab.ldap.readEntry(lab.dns.get(mailbox.address)!);
      expect(entry?.homeMDB).toBeUndefined();
      expect(entry?.msExchRecipientTypeDetails).toEqual(['128']);
      expect(entry?.targetAddress?.[0]).toMatch(/^SMTP:.*@contoso\.mail\.onmicrosoft\.com$/);
    }
    const finalEmail = await waitFor('the final report email', async () => emailsTo(ADMIN_MAILBOX).find((m) => m.subject.includes('completed')));
    expect(finalEmail.subject).toBe('Migration batch "Wave 1" completed: 28 of 30 mailboxes migrated, 2 failed');
    const removal = await lab.api('/api/batches/wave-1', { method: 'DELETE' });
    expect(removal.status).toBe(204);
  }, 720_000);
});
