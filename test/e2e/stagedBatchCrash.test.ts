import { type LabMailbox, type MigrationLab, createLabEndpoint, startMigrationLab, waitFor } from '../support/migrationLab';

/** Issue 6: killing the host (kill -9) during the initial sync loses and duplicates nothing. */
const MAILBOXES: LabMailbox[] = Array.from({ length: 6 }, (_, i) => ({ address: `crash${i}@contoso.com`, messages: 9 }));
let lab: MigrationLab;

interface MailboxView {
  emailAddress: string;
  status: string;
  syncedItemCount: number;
}

async function mailboxes(): Promise<MailboxView[]> {
  return ((await (await lab.api('/api/batches/crash-wave/mailboxes')).json()) as { value: MailboxView[] }).value;
}

beforeAll(async () => {
  lab = await startMigrationLab({ mailboxes: MAILBOXES, incrementalSyncMinutes: 60, extraSettings: { MIGRATION_PAGE_MAX_COUNT: '3' } });
  // Slow Microsoft 365 down so the kill lands in the middle of the copy.
  lab.sandbox.setLatency(150);
  await createLabEndpoint(lab, 'ex2007', 3);
}, 360_000);

afterAll(async () => {
  await lab?.stop();
});

describe('a host killed during the initial sync', () => {
  it('finishes the batch after a restart with every message in Microsoft 365 exactly once', async () => {
    const csv = ['EmailAddress', ...MAILBOXES.map((m) => m.address)].join('\n');
    const created = await lab.api('/api/batches?name=crash-wave&endpoint=ex2007', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(created.status).toBe(201);

    await waitFor('some messages to be copied', async () => ((await mailboxes()).some((m) => m.syncedItemCount > 0) ? true : undefined));
    await lab.restartHost(true);
    const beforeRestart = (await mailboxes()).filter((m) => m.status === 'Synced').length;
    expect(beforeRestart).toBeLessThan(MAILBOXES.length);
    lab.sandbox.setLatency(0);

    const batch = await waitFor(
      'the batch to finish after the restart',
      async () => {
        const view = (await (await lab.api('/api/batches/crash-wave')).json()) as { status: string; counts: Record<string, number> };
        return ['Synced', 'SyncedWithErrors', 'Failed'].includes(view.status) ? view : undefined;
      },
      480_000,
    );
    expect(batch.status).toBe('Synced');
    expect(batch.counts.Synced).toBe(MAILBOXES.length);
    for (const mailbox of MAILBOXES) {
      const messages = lab.sandbox.listMailbox(mailbox.address).folders.flatMap((f) => f.messages);
      expect(messages).toHaveLength(mailbox.messages);
      const keys = new Set(messages.map((m) => `${m.subject}|${m.receivedDateTime}`));
      expect(keys.size).toBe(mailbox.messages);
    }
  }, 840_000);
});
