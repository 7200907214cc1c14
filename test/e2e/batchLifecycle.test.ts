import { type LabMailbox, type MigrationLab, createLabEndpoint, startMigrationLab, waitFor } from '../support/migrationLab';

/** Issue 6's lifecycle API: start, stop, resume, retry, complete and remove, with 409 for what a status does not allow. */
const MAILBOXES: LabMailbox[] = Array.from({ length: 5 }, (_, i) => ({ address: `life${i}@contoso.com`, messages: 6 }));
let lab: MigrationLab;

async function status(): Promise<string> {
  return ((await (await lab.api('/api/batches/life')).json()) as { status: string }).status;
}

async function act(action: string): Promise<{ status: number; body: { status?: string; errors?: { code: string; message: string }[] } }> {
  const response = await lab.api(`/api/batches/life/${action}`, { method: 'POST' });
  return { status: response.status, body: (await response.json()) as { status?: string; errors?: { code: string; message: string }[] } };
}

beforeAll(async () => {
  lab = await startMigrationLab({ mailboxes: MAILBOXES, incrementalSyncMinutes: 60, extraSettings: { MIGRATION_PAGE_MAX_COUNT: '2' } });
  await createLabEndpoint(lab, 'ex', 2);
  const created = await lab.api('/api/batches?name=life&endpoint=ex&autoStart=false', {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: ['EmailAddress', ...MAILBOXES.map((m) => m.address)].join('\n'),
  });
  expect(created.status).toBe(201);
}, 360_000);

afterAll(async () => {
  await lab?.stop();
});

describe('the batch lifecycle API', () => {
  it('keeps a batch created with autoStart=false waiting, and refuses to complete it', async () => {
    expect(await status()).toBe('Created');
    const complete = await act('complete');
    expect(complete.status).toBe(409);
    expect(complete.body.errors).toEqual([
      { code: 'TransitionNotAllowed', message: 'The batch "life" is Created; complete is possible only when it is Synced, SyncedWithErrors.' },
    ]);
    expect((await act('jump')).status).toBe(404);
  });

  it('starts, refuses removal while syncing, stops, and resumes to Synced with every message once', async () => {
    lab.sandbox.setLatency(250);
    expect((await act('start')).status).toBe(202);
    await waitFor('the batch to sync', async () => ((await status()) === 'Syncing' ? true : undefined));
    const removal = await lab.api('/api/batches/life', { method: 'DELETE' });
    expect(removal.status).toBe(409);
    const stop = await act('stop');
    expect(stop.status).toBe(202);
    expect(stop.body.status).toBe('Stopped');
    const afterStop = ((await (await lab.api('/api/batches/life/mailboxes')).json()) as { value: { status: string }[] }).value;
    expect(afterStop.some((m) => m.status === 'Stopped')).toBe(true);
    lab.sandbox.setLatency(0);
    expect((await act('resume')).status).toBe(202);
    await waitFor('the resumed batch to finish', async () => ((await status()) === 'Synced' ? true : undefined), 360_000);
    for (const mailbox of MAILBOXES) expect(lab.sandbox.listMailbox(mailbox.address).folders.flatMap((f) => f.messages)).toHaveLength(mailbox.messages);
    const retry = await act('retry');
    expect(retry.status).toBe(409);
  }, 600_000);

  it('serves its OpenAPI document without a key, and nothing else without one', async () => {
    const document = await fetch(`${lab.host.baseUrl}/api/openapi.json`);
    expect(document.status).toBe(200);
    const paths = Object.keys(((await document.json()) as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(expect.arrayContaining(['/batches', '/batches/{id}/complete', '/batches/{id}/reports/{kind}', '/endpoints']));
    expect((await fetch(`${lab.host.baseUrl}/api/batches`)).status).toBe(401);
  });

  it('removes a finished batch with its mailboxes and history', async () => {
    const removal = await lab.api('/api/batches/life', { method: 'DELETE' });
    expect(removal.status).toBe(204);
    expect((await lab.api('/api/batches/life')).status).toBe(404);
    const again = await lab.api('/api/batches?name=life&endpoint=ex&autoStart=false', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: `EmailAddress\n${MAILBOXES[0]!.address}\n`,
    });
    expect(again.status).toBe(201);
  });
});
