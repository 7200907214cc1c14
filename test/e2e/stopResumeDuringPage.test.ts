/**
 * Issue 11, "Done when", through the whole app (devhost + Azurite, Dovecot + OpenLDAP as the legacy
 * Exchange, the m365-sandbox as Microsoft 365), one page = one message (MIGRATION_PAGE_MAX_COUNT=1) and a
 * 5-second copy lease (MIGRATION_COPY_LEASE_SECONDS=5):
 *
 * 1. Stop→Resume during a page: the sandbox holds the creates of the mailboxes' pages, so a page is
 *    certainly in flight when the batch is stopped; the batch is resumed at once, and the hold is lifted only
 *    once a resumed run has found the mailbox's lease held by the stopped run's page (its activity outlives
 *    its terminated orchestration) and been told to come back (resumeAt). Every mailbox ends Synced with
 *    0 duplicates and 0 lost.
 * 2. kill -9 of the host around continueAsNew (the orchestration starts its history afresh every 50 pages):
 *    a mailbox of 56 messages needs more than 50 pages. The host is killed (lab.restartHost(true)) at two
 *    seeded points: while the 50th page of the first generation is in flight (Microsoft 365 slowed to 1.5 s
 *    a request, so the kill lands inside it; its create, already sent, is made after its writer died), the
 *    page after which the orchestration continues as new; and as soon as the instance's execution id has
 *    changed (the new generation's first episode and the old history's removal in flight). The mailbox must end Synced with
 *    0 duplicates and 0 lost, having continued as new.
 *
 * These are slow fault cases; run them alone with `npx jest -t "slow fault"`.
 */
import { TableClient } from '@azure/data-tables';
import { simpleParser } from 'mailparser';
import { connectImap, forEachStoredMessage, tally } from '../support/copyHarness';
import { type LabMailbox, type MigrationLab, createLabEndpoint, startMigrationLab, waitFor } from '../support/migrationLab';

const STOPPED: LabMailbox[] = [
  { address: 'pause0@contoso.com', messages: 8 },
  { address: 'pause1@contoso.com', messages: 8 },
];
const LONG: LabMailbox = { address: 'long0@contoso.com', messages: 56 };
const PAGES_PER_GENERATION = 50; // src/orchestrators/mailboxMigration.ts
/** The host kill points of the orchestration, in order: (point, N). */
const HOST_KILLS = [
  ['pageScheduled', PAGES_PER_GENERATION],
  ['continuedAsNew', 1],
] as const;

let lab: MigrationLab;

interface BatchView {
  status: string;
  counts: Record<string, number>;
}
interface MailboxView {
  emailAddress: string;
  status: string;
  syncedItemCount: number;
  error?: string;
}

async function batch(id: string): Promise<BatchView> {
  return (await (await lab.api(`/api/batches/${id}`)).json()) as BatchView;
}

async function mailboxes(id: string): Promise<MailboxView[]> {
  return ((await (await lab.api(`/api/batches/${id}/mailboxes`)).json()) as { value: MailboxView[] }).value;
}

async function createBatch(id: string, list: LabMailbox[]): Promise<void> {
  const csv = ['EmailAddress', ...list.map((m) => m.address)].join('\n');
  const created = await lab.api(`/api/batches?name=${id}&endpoint=ex2007`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
  expect(created.status).toBe(201);
}

async function act(id: string, action: 'stop' | 'resume'): Promise<number> {
  const response = await lab.api(`/api/batches/${id}/${action}`, { method: 'POST' });
  await response.text();
  return response.status;
}

async function finished(id: string): Promise<BatchView> {
  return waitFor(
    `batch ${id} to finish`,
    async () => {
      const view = await batch(id);
      return ['Synced', 'SyncedWithErrors', 'Failed'].includes(view.status) ? view : undefined;
    },
    420_000,
  );
}

/** The source mailbox, read through the Dovecot master user: each message as subject and received time. */
async function sourceKeys(address: string): Promise<Map<string, number>> {
  const client = await connectImap(lab.dovecot, `${address}*${lab.dovecot.masterUser.name}`, lab.dovecot.masterUser.password);
  const keys: string[] = [];
  try {
    await forEachStoredMessage(client, async (_folder, m) => {
      keys.push(`${(await simpleParser(m.source!)).subject ?? ''}|${new Date(m.internalDate!).toISOString()}`);
    });
  } finally {
    await client.logout();
  }
  return tally(keys);
}

/** Lost: in the source more often than in Microsoft 365; duplicated: the reverse. */
async function lostAndDuplicated(mailbox: LabMailbox): Promise<{ address: string; source: number; target: number; lost: string[]; duplicated: string[] }> {
  const want = await sourceKeys(mailbox.address);
  const messages = lab.sandbox.listMailbox(mailbox.address).folders.flatMap((f) => f.messages);
  const have = tally(messages.map((m) => `${m.subject}|${new Date(m.receivedDateTime).toISOString()}`));
  const lost: string[] = [];
  const duplicated: string[] = [];
  for (const key of new Set([...want.keys(), ...have.keys()])) {
    for (let i = have.get(key) ?? 0; i < (want.get(key) ?? 0); i += 1) lost.push(key);
    for (let i = want.get(key) ?? 0; i < (have.get(key) ?? 0); i += 1) duplicated.push(key);
  }
  return { address: mailbox.address, source: [...want.values()].reduce((a, b) => a + b, 0), target: messages.length, lost, duplicated };
}

function expectExactlyOnce(outcome: Awaited<ReturnType<typeof lostAndDuplicated>>, messages: number): void {
  expect(outcome).toEqual({ address: outcome.address, source: messages, target: messages, lost: [], duplicated: [] });
}

/** The task hub's tables, read directly: where a mailbox's orchestration stands. */
function hubTable(suffix: 'Instances' | 'History'): TableClient {
  return TableClient.fromConnectionString(lab.settings.AzureWebJobsStorage!, `${lab.settings.TASKHUB_NAME!}${suffix}`, { allowInsecureConnection: true });
}

async function mailboxInstance(batchId: string): Promise<{ instanceId: string; executionId: string; input: string } | undefined> {
  const prefix = `mbx-${batchId}-`;
  for await (const row of hubTable('Instances').listEntities<{ ExecutionId?: string; Input?: string }>({
    queryOptions: { filter: `PartitionKey ge '${prefix}' and PartitionKey lt '${prefix}~'` },
  })) {
    return { instanceId: row.partitionKey!, executionId: row.ExecutionId ?? '', input: row.Input ?? '' };
  }
  return undefined;
}

/** Whether a resumed run (instance `mbx-<batch>-<key>-p<n>`) had a page answer "come back at resumeAt" (the lease was held). */
async function resumedRunWaited(batchId: string): Promise<boolean> {
  const prefix = `mbx-${batchId}-`;
  for await (const instance of hubTable('Instances').listEntities({
    queryOptions: { filter: `PartitionKey ge '${prefix}' and PartitionKey lt '${prefix}~'` },
  })) {
    if (!/-p\d+$/.test(instance.partitionKey!)) continue;
    for await (const row of hubTable('History').listEntities<{ EventType?: number; Event?: string }>({
      queryOptions: { filter: `PartitionKey eq '${instance.partitionKey!}'` },
    })) {
      if (row.EventType === 5 && row.Event?.includes('resumeAt')) return true;
    }
  }
  return false;
}

/** Pages (copy pages and flag syncs) the execution has scheduled so far, as its history records them. */
async function pagesScheduled(instanceId: string, executionId: string): Promise<number> {
  let pages = 0;
  for await (const row of hubTable('History').listEntities<{ EventType?: number; Event?: string }>({
    queryOptions: { filter: `PartitionKey eq '${instanceId}'` },
  })) {
    if (!row.rowKey!.startsWith(`${executionId}.`) || row.EventType !== 4 || !row.Event) continue;
    const name = (JSON.parse(row.Event) as { Name?: string }).Name;
    if (name === 'copyMailboxPage' || name === 'syncMailboxFlags') pages += 1;
  }
  return pages;
}

beforeAll(async () => {
  lab = await startMigrationLab({
    mailboxes: [...STOPPED, LONG],
    incrementalSyncMinutes: 60,
    extraSettings: { MIGRATION_PAGE_MAX_COUNT: '1', MIGRATION_COPY_LEASE_SECONDS: '5' },
  });
  await createLabEndpoint(lab, 'ex2007', 3);
}, 360_000);

afterAll(async () => {
  await lab?.stop();
});

describe('[slow fault] the whole app under faults during a page', () => {
  it('Stop→Resume while a page is in flight: every message in Microsoft 365 exactly once', async () => {
    lab.sandbox.setLatency(100);
    await createBatch('pause', STOPPED);
    await waitFor('the first messages to be copied', async () => ((await mailboxes('pause')).some((m) => m.syncedItemCount >= 2) ? true : undefined));
    // Message creates (inside the pages' `$batch`), not the batch's other Graph requests (its preflight on resume).
    const hold = lab.sandbox.holdRequests('/mailFolders/[^/]+/messages$');
    try {
      await waitFor('a page to be sending its creates', async () => (hold.heldCount() > 0 ? true : undefined), 60_000);
      expect(await act('pause', 'stop')).toBe(202);
      expect((await mailboxes('pause')).some((m) => m.status === 'Stopped')).toBe(true);
      expect(await act('pause', 'resume')).toBe(202);
      // The stopped run's page is still in flight (its creates held) while the resumed run starts, finds
      // the lease held, and is told to come back.
      expect(hold.heldCount()).toBeGreaterThan(0);
      await waitFor(
        "a resumed run to find the lease held by the stopped run's page",
        async () => ((await resumedRunWaited('pause')) ? true : undefined),
        120_000,
      );
    } finally {
      hold.release();
      lab.sandbox.setLatency(0);
    }
    const view = await finished('pause');
    expect(view).toMatchObject({ status: 'Synced', counts: expect.objectContaining({ Synced: STOPPED.length }) });
    for (const mailbox of STOPPED) expectExactlyOnce(await lostAndDuplicated(mailbox), mailbox.messages);
  }, 600_000);

  it(`kill -9 of the host at ${HOST_KILLS.map(([p, n]) => `${p} #${n}`).join(' and ')}: continued as new, every message exactly once`, async () => {
    lab.sandbox.setLatency(60);
    await createBatch('long', [LONG]);
    const first = await waitFor('the mailbox orchestration to start', () => mailboxInstance('long'), 120_000);
    const stillFirst = async () => {
      const now = await mailboxInstance('long');
      if (now && now.executionId !== first.executionId) throw new Error('the orchestration continued as new before the first kill');
    };
    // 1. The last page of the first generation is in flight (Microsoft 365 slowed to 1.5 s a request from
    //    page 48 on): after that page the orchestration continues as new.
    await waitFor(
      `page ${PAGES_PER_GENERATION - 2} to be scheduled`,
      async () => {
        await stillFirst();
        return (await pagesScheduled(first.instanceId, first.executionId)) >= PAGES_PER_GENERATION - 2 ? true : undefined;
      },
      300_000,
    );
    lab.sandbox.setLatency(1_500);
    await waitFor(
      `page ${PAGES_PER_GENERATION} to be scheduled`,
      async () => {
        await stillFirst();
        return (await pagesScheduled(first.instanceId, first.executionId)) >= PAGES_PER_GENERATION ? true : undefined;
      },
      120_000,
    );
    await lab.restartHost(true);
    lab.sandbox.setLatency(60);
    // 2. The new generation has just been stored (its first episode and the old history's removal in flight).
    const continued = await waitFor(
      'the orchestration to continue as new',
      async () => {
        const now = await mailboxInstance('long');
        return now && now.executionId !== first.executionId ? now : undefined;
      },
      300_000,
    );
    await lab.restartHost(true);
    lab.sandbox.setLatency(0);

    const view = await finished('long');
    expect(view.status).toBe('Synced');
    expect(continued.input).toContain('"resume"');
    expectExactlyOnce(await lostAndDuplicated(LONG), LONG.messages);
  }, 600_000);
});
