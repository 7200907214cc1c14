import { simpleParser } from 'mailparser';
import { createGraphSession } from '../../../src/connectors/graph/graphConnection';
import { GraphCopyTarget } from '../../../src/connectors/graph/graphCopyTarget';
import { ImapMailSource } from '../../../src/connectors/imap/imapMailSource';
import { MailAdapter } from '../../../src/services/copy/mail/mailAdapter';
import { type M365Sandbox, startM365Sandbox } from '../../../tools/m365-sandbox';
import { generateCorpus } from '../../../tools/corpus/generateCorpus';
import { seedMailbox } from '../../../tools/corpus/seedMailbox';
import { type RunningDovecot, startDovecot } from '../../../tools/dovecot/startDovecot';
import { connectImap, copySettings, imapServerOf, MailboxCopy, pageTotals, passwordLogin, readMailbox, skippedRows } from '../../support/copyHarness';
import { useAppTestEnvironment } from '../../support/appTestEnvironment';

useAppTestEnvironment();
let source: RunningDovecot;
let sandbox: M365Sandbox;
const LARGE_ITEM_LIMIT = 6 * 1024 * 1024;
const UPN = 'ann@contoso.onmicrosoft.com';

beforeAll(async () => {
  source = await startDovecot({ users: [{ name: 'ann', password: 'src-pw' }] });
  sandbox = await startM365Sandbox({});
  sandbox.addUser({ userPrincipalName: UPN, licensed: true });
  const client = await connectImap(source, 'ann', 'src-pw');
  await seedMailbox(client, { messages: generateCorpus({ seed: 3, count: 40, averageBytes: 15_000, largeItemBytes: LARGE_ITEM_LIMIT }) });
  await client.logout();
}, 360_000);

afterAll(async () => {
  await Promise.all([source?.stop(), sandbox?.stop()]);
});

let lastSession: ReturnType<typeof createGraphSession> | undefined;

async function graphCopier(options: { mailboxKey?: string; upn?: string; crashAfterCreates?: boolean } = {}) {
  const imap = new ImapMailSource(imapServerOf(source), passwordLogin('ann', 'src-pw'));
  await imap.connect();
  const graph = createGraphSession({
    tenantId: sandbox.tenantId,
    clientId: sandbox.clientId,
    clientSecret: sandbox.clientSecret,
    baseUrl: `${sandbox.origin}/`,
    authorityHost: sandbox.authorityHost,
    caCertificatePem: sandbox.caCertificatePem!,
  });
  lastSession = graph;
  const target = new GraphCopyTarget(graph, options.upn ?? UPN);
  if (options.crashAfterCreates) {
    // The process dies after Graph created the messages but before the item map heard of it.
    const create = target.createItems.bind(target);
    target.createItems = async (folderId, items) => {
      await create(folderId, items);
      throw new Error('simulated crash after the target created the page');
    };
  }
  return new MailboxCopy(
    options.mailboxKey ?? 'ann',
    [new MailAdapter(imap, target)],
    [() => imap.close(), () => target.close()],
    copySettings({ largeItemLimitBytes: LARGE_ITEM_LIMIT, pageMaxCount: 15 }),
  );
}

function normalise(text: string): string {
  return text.replace(/\r\n/g, '\n').trim();
}

function addresses(value: unknown): string[] {
  const list = (value === undefined ? [] : Array.isArray(value) ? value : [value]) as { value: { address?: string }[] }[];
  return list.flatMap((o) => o.value.map((a) => a.address ?? '')).sort();
}

describe('IMAP to Microsoft 365 (Graph) copy', () => {
  it('creates every message once, not as a draft, with its dates, read and flagged state, and its attachments', async () => {
    const copier = await graphCopier();
    await copier.copyAll();
    await copier.close();
    const src = await connectImap(source, 'ann', 'src-pw');
    const sourceMessages = (await readMailbox(src)).filter((m) => m.size <= LARGE_ITEM_LIMIT);
    await src.logout();

    const snapshot = sandbox.listMailbox(UPN);
    const targetMessages = snapshot.folders.flatMap((f) => f.messages.map((m) => ({ ...m, folder: f.displayName })));
    expect(targetMessages).toHaveLength(sourceMessages.length);
    expect((await skippedRows('ann')).map((s) => s.reason)).toEqual(['TooLarge']);
    expect(targetMessages.every((m) => m.isDraft === false)).toBe(true);
    expect(snapshot.folders.map((f) => f.displayName)).toEqual(expect.arrayContaining(['Inbox', 'Sent Items', 'Deleted Items']));

    // Item by item: the source message and its copy agree on headers, dates, state and attachments.
    const src2 = await connectImap(source, 'ann', 'src-pw');
    const lock = await src2.getMailboxLock('INBOX', { readOnly: true });
    const checked = new Set<string>();
    for await (const message of src2.fetch('1:*', { uid: true, flags: true, internalDate: true, source: true, size: true })) {
      if (message.size! > LARGE_ITEM_LIMIT) continue;
      const parsed = await simpleParser(message.source!);
      const copies = targetMessages.filter(
        (t) => t.subject === (parsed.subject ?? '') && new Date(t.receivedDateTime).getTime() === new Date(message.internalDate!).getTime(),
      );
      expect(copies).toHaveLength(1);
      const copy = copies[0]!;
      expect(copy.isRead).toBe(message.flags!.has('\\Seen'));
      expect(copy.flagStatus).toBe(message.flags!.has('\\Flagged') ? 'flagged' : 'notFlagged');
      if (parsed.date) expect(new Date(copy.sentDateTime).getTime()).toBe(parsed.date.getTime());
      expect(copy.attachments.map((a) => a.size).sort()).toEqual(parsed.attachments.map((a) => a.content.length).sort());
      // The body and the addresses, read back from the target as MIME.
      const exported = await simpleParser(sandbox.exportMessageMime(UPN, copy.id));
      if (parsed.html) expect(normalise(exported.html || '')).toBe(normalise(parsed.html));
      else expect(normalise(exported.text ?? '')).toBe(normalise(parsed.text ?? ''));
      expect(exported.from?.value[0]?.address).toBe(parsed.from?.value[0]?.address);
      expect(addresses(exported.to)).toEqual(addresses(parsed.to));
      checked.add(copy.id);
    }
    lock.release();
    await src2.logout();
    expect(checked.size).toBeGreaterThan(5);
  });

  it('sends no request to Microsoft 365 on a second pass over an unchanged mailbox', async () => {
    const again = await graphCopier();
    const pages = await again.copyAll({ newPass: true });
    await again.close();
    expect(pageTotals(pages)).toEqual(expect.objectContaining({ created: 0, matched: 0 }));
    expect(lastSession!.counter.requests).toBe(0);
  });

  it('finds the copies made before a crash by their marker and creates none twice', async () => {
    const upn = 'crash@contoso.onmicrosoft.com';
    sandbox.addUser({ userPrincipalName: upn, licensed: true });
    const crashing = await graphCopier({ mailboxKey: 'crash', upn, crashAfterCreates: true });
    await crashing.prepare();
    await expect(crashing.copyPage()).rejects.toThrow('simulated crash');
    await crashing.close();
    const createdBeforeCrash = sandbox.listMailbox(upn).folders.flatMap((f) => f.messages).length;
    expect(createdBeforeCrash).toBeGreaterThan(0);

    const resumed = await graphCopier({ mailboxKey: 'crash', upn });
    const pages = await resumed.copyAll();
    await resumed.close();
    expect(pageTotals(pages).matched).toBe(createdBeforeCrash);
    const target = sandbox.listMailbox(upn).folders.flatMap((f) => f.messages);
    const copies = new Map<string, number>();
    for (const m of target) copies.set(`${m.subject}|${m.receivedDateTime}`, (copies.get(`${m.subject}|${m.receivedDateTime}`) ?? 0) + 1);
    expect([...copies.values()].every((n) => n === 1)).toBe(true);
    expect(target).toHaveLength(sandbox.listMailbox(UPN).folders.flatMap((f) => f.messages).length);
  });
});
