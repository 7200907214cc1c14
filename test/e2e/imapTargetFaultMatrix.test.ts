import type { ImapFlow } from 'imapflow';
import { connectImap, forEachStoredMessage, tally } from '../support/copyHarness';
import { type LabMailbox, type MigrationLab, createLabEndpoint, startMigrationLab, waitFor, labBatchStatus, labMailboxes } from '../support/migrationLab';

/**
 * Issue 11's IMAP-target holes through the real path: the app under the devhost copying from Dovecot
 * behind the fault proxy (acting as Exchange 2007) to a second Dovecot behind its own fault proxy
 * (MIGRATION_TARGET=imap). One mailbox per fault:
 * - `refused`: the target refuses two APPENDs (TOOBIG, OVERQUOTA) — hole 5: skipped, reported, the rest copied;
 * - `noplus`: the target has no UIDPLUS — hole 5: a later \Seen at the source still reaches the copy;
 * - `lost`: the source only estimates RFC822.SIZE and the target, without UIDPLUS, stores an APPEND
 *   whose answer never arrives (the connection is cut) — hole 8: the retried page finds the copy by
 *   the bytes sent, and nothing is duplicated.
 * Slow (a minute or two): run it alone with `npx jest -t "slow fault"`.
 */
const NAMES = ['refused', 'noplus', 'lost'];
const MAILBOXES: LabMailbox[] = NAMES.map((name) => ({ address: `${name}@contoso.com`, messages: 0 }));
const address = (name: string) => `${name}@contoso.com`;
let lab: MigrationLab;

function message(subject: string, body = 'Hello.'): Buffer {
  return Buffer.from(
    `From: Ann <ann@contoso.com>\r\nTo: Bob <bob@contoso.com>\r\nSubject: ${subject}\r\nDate: Thu, 01 Mar 2007 09:00:00 +0000\r\nMessage-ID: <${subject.replace(/\W/g, '')}@contoso.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n${body}\r\n`,
  );
}

const asAdmin = (server: { dovecot: MigrationLab['dovecot'] }, name: string): Promise<ImapFlow> =>
  connectImap(server.dovecot, `${address(name)}*${server.dovecot.masterUser.name}`, server.dovecot.masterUser.password);

async function appendTo(name: string, raws: Buffer[]): Promise<void> {
  const client = await asAdmin(lab, name);
  try {
    for (const raw of raws) await client.append('INBOX', raw, [], new Date('2007-03-01T09:00:00Z'));
  } finally {
    await client.logout();
  }
}

/** Every message in the target mailbox as `folder/subject`, with its flags. */
async function targetMessages(name: string): Promise<{ key: string; flags: string[] }[]> {
  const client = await asAdmin(lab.target!, name);
  const out: { key: string; flags: string[] }[] = [];
  try {
    await forEachStoredMessage(client, (folder, m) => {
      const subject = /^Subject: (.*)$/m.exec(m.source!.toString('latin1'))?.[1]?.trim() ?? '';
      out.push({ key: `${folder}/${subject}`, flags: [...(m.flags ?? [])].filter((f) => f !== '\\Recent') });
    });
  } finally {
    await client.logout();
  }
  return out;
}

interface MailboxView {
  emailAddress: string;
  status: string;
  passStartedAt?: string;
  lastSuccessfulSyncTimestamp?: string;
  error?: string;
}

const mailboxes = (batch: string) => labMailboxes<MailboxView>(lab, batch);

const batchStatus = (batch: string) => labBatchStatus(lab, batch);

beforeAll(async () => {
  lab = await startMigrationLab({
    mailboxes: MAILBOXES,
    incrementalSyncMinutes: 0.5,
    imapFaultProxy: true,
    imapTarget: true,
    extraSettings: { MIGRATION_PAGE_MAX_COUNT: '4', MIGRATION_COPY_LEASE_SECONDS: '10' },
  });
  const five = (name: string) => Array.from({ length: 5 }, (_, i) => message(`${name} ${i + 1}`));
  await appendTo('refused', [
    message('refused 1'),
    message('refused 2', 'REFUSE-TOOBIG'),
    message('refused 3'),
    message('refused 4', 'REFUSE-QUOTA'),
    message('refused 5'),
  ]);
  await appendTo('noplus', five('noplus'));
  await appendTo('lost', [...five('lost'), message('lost 6', 'LOSE-ME')]);
  const targetFaults = lab.target!.proxy.faults;
  targetFaults.set(address('refused'), {
    appendNo: [
      { code: 'TOOBIG', whenContains: 'REFUSE-TOOBIG' },
      { code: 'OVERQUOTA', whenContains: 'REFUSE-QUOTA' },
    ],
  });
  targetFaults.set(address('noplus'), { hideCapabilities: ['UIDPLUS'] });
  targetFaults.set(address('lost'), { hideCapabilities: ['UIDPLUS'], appendLost: [{ whenContains: 'LOSE-ME', times: 1 }] });
  lab.proxy!.faults.set(address('lost'), { estimatedSizes: true, hideCapabilities: ['UIDPLUS', 'CONDSTORE'] });
  await createLabEndpoint(lab, 'ex2007', 3);
}, 420_000);

afterAll(async () => {
  await lab?.stop();
});

describe('[slow fault] an IMAP target through the real path', () => {
  it('initial sync: refused APPENDs are skipped and reported, a lost APPEND answer duplicates nothing, every other message arrives once', async () => {
    const csv = ['EmailAddress', ...MAILBOXES.map((m) => m.address)].join('\n');
    const created = await lab.api('/api/batches?name=imaptarget&endpoint=ex2007', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(created.status).toBe(201);
    await waitFor(
      'the initial sync',
      async () => (['Synced', 'SyncedWithErrors', 'Failed'].includes(await batchStatus('imaptarget')) ? true : undefined),
      480_000,
    );
    expect((await mailboxes('imaptarget')).filter((m) => m.status !== 'Synced').map((m) => `${m.emailAddress}: ${m.status} ${m.error ?? ''}`)).toEqual([]);

    const exactlyOnce = async (name: string, subjects: string[]) => {
      const counts = tally((await targetMessages(name)).map((m) => m.key));
      expect([...counts.entries()].filter(([, n]) => n > 1)).toEqual([]);
      expect([...counts.keys()].sort()).toEqual(subjects.map((s) => `INBOX/${s}`).sort());
    };
    await exactlyOnce('refused', ['refused 1', 'refused 3', 'refused 5']);
    await exactlyOnce('noplus', ['noplus 1', 'noplus 2', 'noplus 3', 'noplus 4', 'noplus 5']);
    await exactlyOnce('lost', ['lost 1', 'lost 2', 'lost 3', 'lost 4', 'lost 5', 'lost 6']);
    expect(lab.target!.proxy.stats().faults).toMatchObject({ appendNo: expect.any(Number), appendLost: 1 });
    expect(lab.proxy!.stats().faults.estimatedSizes).toBeGreaterThan(0);

    const report = (await (await lab.api('/api/batches/imaptarget/reports/errors')).text()).split(/\r?\n/);
    const rowsOf = (name: string) => report.filter((l) => l.startsWith(address(name)) && l.includes(',Item,'));
    expect(rowsOf('refused')).toEqual(
      expect.arrayContaining([expect.stringMatching(/refused 2.*TooLarge/), expect.stringMatching(/refused 4.*RejectedByTarget/)]),
    );
    expect(rowsOf('refused')).toHaveLength(2);
    expect(rowsOf('noplus')).toEqual([]);
    expect(rowsOf('lost')).toEqual([]);
  }, 600_000);

  it('incremental sync: a \\Seen set at the source reaches the copy on a target without UIDPLUS', async () => {
    const source = await asAdmin(lab, 'noplus');
    await source.mailboxOpen('INBOX');
    await source.messageFlagsAdd('2', ['\\Seen'], { uid: true });
    await source.logout();
    const since = new Date().toISOString();
    await waitFor(
      'an incremental pass after the flag change',
      async () => {
        const list = await mailboxes('imaptarget');
        const done = list.every(
          (m) => m.status === 'Synced' && (m.passStartedAt ?? '') > since && (m.lastSuccessfulSyncTimestamp ?? '') >= (m.passStartedAt ?? ''),
        );
        return done ? true : undefined;
      },
      480_000,
    );
    const seen = (await targetMessages('noplus')).filter((m) => m.flags.includes('\\Seen')).map((m) => m.key);
    expect(seen).toEqual(['INBOX/noplus 2']);
    // Nothing was copied twice by the second pass, with its refused and retried items.
    for (const name of NAMES) expect([...tally((await targetMessages(name)).map((m) => m.key)).values()].every((n) => n === 1)).toBe(true);
  }, 600_000);
});
