import { type MigrationLab, createLabEndpoint, labBatchStatus, labMailboxes, startMigrationLab, waitFor } from '../support/migrationLab';

/**
 * Issue 11, hole 9, through the real path: the app under the devhost reaches Azurite through the
 * storage fault proxy, which answers the writes of `startMailbox` and `finishMailbox` with Azure
 * Storage's 503 ServerBusy as many times as the storage SDK retries (its default: 3 retries, 4
 * tries). Each step's activity then fails once, and the orchestration's step retry runs it again:
 * the mailbox ends Synced, not stuck in Provisioning or Syncing where later passes would skip it.
 * Slow (about a minute): run it alone with `npx jest -t "slow fault"`.
 */
const ADDRESS = 'retry@contoso.com';
/** One activity's worth of failures: the SDK's first try and its 3 retries. */
const SDK_TRIES = 4;
let lab: MigrationLab;

interface MailboxView {
  emailAddress: string;
  status: string;
  syncedItemCount: number;
  passStartedAt?: string;
  lastSuccessfulSyncTimestamp?: string;
  error?: string;
}

async function mailbox(batch: string): Promise<MailboxView> {
  return (await labMailboxes<MailboxView>(lab, batch)).find((m) => m.emailAddress === ADDRESS)!;
}

/** Fails the next writes of the mailbox's row that set this status, `SDK_TRIES` of them. */
function failStatusWrites(name: string, status: string): void {
  lab.storageProxy!.faults.set(name, {
    methods: ['PUT', 'MERGE', 'PATCH'],
    resource: `${lab.settings.MIGRATION_STORAGE_PREFIX}Mailboxes`,
    bodyContains: `"status":"${status}"`,
    times: SDK_TRIES,
  });
}

/** The history of the mailbox's latest orchestration that has ended, as the Durable HTTP API gives it. */
async function latestMailboxHistory(batch: string, since: string): Promise<{ EventType: string; Name?: string; FunctionName?: string }[]> {
  const durable = `${lab.host.baseUrl}/runtime/webhooks/durabletask/instances`;
  const latest = await waitFor('the mailbox orchestration to end', async () => {
    const instances = (await (
      await fetch(`${durable}?instanceIdPrefix=${encodeURIComponent(`mbx-${batch}-${ADDRESS}`)}&code=${lab.host.adminKey}`)
    ).json()) as { instanceId: string; runtimeStatus: string; createdTime: string; output?: { status?: string } }[];
    return instances.filter((i) => i.runtimeStatus === 'Completed' && i.createdTime >= since).sort((a, b) => b.createdTime.localeCompare(a.createdTime))[0];
  });
  expect(latest.output?.status).toBe('Synced');
  const status = (await (await fetch(`${durable}/${encodeURIComponent(latest.instanceId)}?showHistory=true&code=${lab.host.adminKey}`)).json()) as {
    historyEvents: { EventType: string; Name?: string; FunctionName?: string }[];
  };
  return status.historyEvents;
}

beforeAll(async () => {
  lab = await startMigrationLab({ mailboxes: [{ address: ADDRESS, messages: 12 }], incrementalSyncMinutes: 0.5, storageFaultProxy: true });
  await createLabEndpoint(lab, 'ex2007', 2);
}, 420_000);

afterAll(async () => {
  await lab?.stop();
});

describe('[slow fault] steps that fail once on a transient storage error are retried', () => {
  it('initial sync: startMailbox and finishMailbox each fail once and are run again; the mailbox ends Synced with every message', async () => {
    failStatusWrites('start-initial', 'Provisioning');
    failStatusWrites('finish', 'Synced');
    const started = new Date(Date.now() - 1_000).toISOString();
    const created = await lab.api('/api/batches?name=retry&endpoint=ex2007', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: `EmailAddress\n${ADDRESS}`,
    });
    expect(created.status).toBe(201);
    const synced = await waitFor(
      'the mailbox to sync',
      async () => {
        const m = await mailbox('retry');
        return m && ['Synced', 'Failed'].includes(m.status) ? m : undefined;
      },
      480_000,
    );
    expect(synced).toMatchObject({ status: 'Synced', syncedItemCount: 12 });
    expect(lab.storageProxy!.stats().faults).toEqual({ 'start-initial': SDK_TRIES, finish: SDK_TRIES });
    const history = await latestMailboxHistory('retry', started);
    // Each failed once (its activity threw after the SDK's retries), and the step retry ran it again.
    // Each activity logs one JSON object per line with the batch and the mailbox as fields (issue 13, item 6).
    const logged = lab.host
      .output()
      .split('\n')
      .flatMap((line) => {
        const start = line.indexOf('{"msg"');
        if (start < 0) return [];
        try {
          return [JSON.parse(line.slice(start)) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
    expect(logged).toContainEqual(
      expect.objectContaining({
        msg: 'startMailbox failed; it is retried',
        activity: 'startMailbox',
        batchId: 'retry',
        mailboxKey: expect.any(String),
        error: expect.any(String),
      }),
    );
    expect(logged).toContainEqual(
      expect.objectContaining({
        msg: 'finishMailbox done',
        activity: 'finishMailbox',
        batchId: 'retry',
        mailboxKey: expect.any(String),
        ms: expect.any(Number),
      }),
    );
    const pages = logged.filter((l) => l.activity === 'copyMailboxPage');
    expect(pages.length).toBeGreaterThan(0);
    expect(pages.every((l) => l.batchId === 'retry' && typeof l.mailboxKey === 'string' && typeof l.pass === 'string')).toBe(true);
    expect(history.filter((e) => e.EventType === 'TaskFailed')).toHaveLength(2);
    expect(
      history
        .filter((e) => e.EventType === 'TaskScheduled')
        .map((e) => e.Name ?? e.FunctionName)
        .filter((n) => n === 'startMailbox' || n === 'finishMailbox'),
    ).toEqual(['startMailbox', 'startMailbox', 'finishMailbox', 'finishMailbox']);
  }, 600_000);

  it('incremental sync: a startMailbox that fails once still runs the pass, which ends Synced', async () => {
    // Stopped first, so that no pass is running when the fault is set: the resumed pass's first
    // "Syncing" write is its startMailbox.
    expect((await lab.api('/api/batches/retry/stop', { method: 'POST' })).status).toBe(202);
    await waitFor('the batch to stop', async () => ((await labBatchStatus(lab, 'retry')) === 'Stopped' ? true : undefined));
    failStatusWrites('start-incremental', 'Syncing');
    const since = new Date(Date.now() - 1_000).toISOString();
    expect((await lab.api('/api/batches/retry/resume', { method: 'POST' })).status).toBe(202);
    const done = await waitFor(
      'the resumed pass to end',
      async () => {
        const m = await mailbox('retry');
        return m.status === 'Synced' && (m.passStartedAt ?? '') > since && (m.lastSuccessfulSyncTimestamp ?? '') >= (m.passStartedAt ?? '') ? m : undefined;
      },
      480_000,
    );
    expect(done).toMatchObject({ syncedItemCount: 12 });
    expect(done.error).toBeUndefined();
    expect(lab.storageProxy!.stats().faults['start-incremental']).toBe(SDK_TRIES);
    const history = await latestMailboxHistory('retry', since);
    expect(history.filter((e) => e.EventType === 'TaskFailed')).toHaveLength(1);
    expect(
      history
        .filter((e) => e.EventType === 'TaskScheduled')
        .map((e) => e.Name ?? e.FunctionName)
        .filter((n) => n === 'startMailbox'),
    ).toEqual(['startMailbox', 'startMailbox']);
  }, 600_000);
});
