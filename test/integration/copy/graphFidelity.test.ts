import { simpleParser } from 'mailparser';
import { createGraphSession, type GraphSession } from '../../../src/connectors/graph/graphConnection';
import { GraphCopyTarget } from '../../../src/connectors/graph/graphCopyTarget';
import { OUTLOOK_LIMITS, type OutlookLimits } from '../../../src/connectors/graph/mailboxBudget';
import { ImapMailSource } from '../../../src/connectors/imap/imapMailSource';
import type { PageOutcome } from '../../../src/services/copy/copyEngine';
import { MailAdapter } from '../../../src/services/copy/mail/mailAdapter';
import { type M365Sandbox, type M365SandboxOptions, startM365Sandbox } from '../../../tools/m365-sandbox';
import { buildMessage } from '../../../tools/corpus/buildMessage';
import { SeededRandom } from '../../../tools/corpus/seededRandom';
import { type RunningDovecot, startDovecot } from '../../../tools/dovecot/startDovecot';
import { useAppTestEnvironment } from '../../support/appTestEnvironment';
import { connectImap, copySettings, imapServerOf, MailboxCopy, pageTotals, passwordLogin, skippedRows } from '../../support/copyHarness';

/**
 * Issue 10: the Graph copy against a sandbox held to Microsoft's documented behaviour. Each test
 * names the rule it checks; every one of them failed against the product before the issue.
 */
useAppTestEnvironment();
jest.setTimeout(300_000);

const MB = 1024 * 1024;
const PASSWORD = 'src-pw';
let source: RunningDovecot;
const sandboxes: M365Sandbox[] = [];

/** Every source user, created with the server: Dovecot re-reads its passwd file only when the file's mtime (in seconds) changes. */
const USERS = ['lanes', 'sizes', 'names', 'upload429', 'budget', 'gateway', 'dropped', 'partial'];

beforeAll(async () => {
  // The fs layout lets folder names hold dots, as Exchange folder names may.
  source = await startDovecot({ users: USERS.map((name) => ({ name, password: PASSWORD })), layout: 'fs' });
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([source?.stop(), ...sandboxes.map((s) => s.stop())]);
});

async function sandboxWith(options: M365SandboxOptions = {}): Promise<M365Sandbox> {
  const sandbox = await startM365Sandbox(options);
  sandboxes.push(sandbox);
  return sandbox;
}

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 25) {
    if (waited > 120_000) throw new Error('the condition did not become true in 120 s');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

let seedCounter = 0;

/** A message with attachments of the given sizes (bytes), built as a legacy server would store it. */
function message(subject: string, attachmentSizes: number[] = [], body = `Body of ${subject}`): Buffer {
  seedCounter += 1;
  return buildMessage(
    {
      from: { name: 'Legacy Sender', address: 'sender@legacy.example' },
      to: { name: 'Ann', address: 'ann@contoso.com' },
      subject,
      date: new Date(Date.UTC(2007, 0, 1 + seedCounter)),
      messageId: `<fidelity-${seedCounter}@legacy.example>`,
      text: body,
      attachments: attachmentSizes.map((size, i) => ({ filename: `file-${i + 1}.bin`, contentType: 'application/octet-stream', size })),
    },
    new SeededRandom(seedCounter),
  );
}

/** A source mailbox with these folders and messages. */
async function sourceMailbox(user: string, folders: Record<string, Buffer[]>): Promise<void> {
  const client = await connectImap(source, user, PASSWORD);
  try {
    for (const [folder, messages] of Object.entries(folders)) {
      if (folder !== 'INBOX') await client.mailboxCreate(folder);
      for (const raw of messages) await client.append(folder, raw, ['\\Seen'], new Date('2007-06-01T10:00:00Z'));
    }
  } finally {
    await client.logout();
  }
}

interface CopyRun {
  copier: MailboxCopy;
  graph: GraphSession;
}

async function copierFor(
  sandbox: M365Sandbox,
  user: string,
  options: { limits?: Partial<OutlookLimits>; maxInlineWaitMs?: number; pageMaxCount?: number } = {},
): Promise<CopyRun> {
  const upn = `${user}@contoso.onmicrosoft.com`;
  if (!sandbox.store.tryFindUser(upn)) sandbox.addUser({ userPrincipalName: upn, licensed: true });
  const imap = new ImapMailSource(imapServerOf(source), passwordLogin(user, PASSWORD));
  await imap.connect();
  const graph = createGraphSession({
    tenantId: sandbox.tenantId,
    clientId: sandbox.clientId,
    clientSecret: sandbox.clientSecret,
    baseUrl: `${sandbox.origin}/`,
    authorityHost: sandbox.authorityHost,
    caCertificatePem: sandbox.caCertificatePem!,
    limits: { ...OUTLOOK_LIMITS, ...options.limits },
    ...(options.maxInlineWaitMs !== undefined ? { maxInlineWaitMs: options.maxInlineWaitMs } : {}),
  });
  const target = new GraphCopyTarget(graph, upn);
  const copier = new MailboxCopy(
    user,
    [new MailAdapter(imap, target)],
    [() => imap.close(), () => target.close()],
    copySettings({ largeItemLimitBytes: 35 * MB, ...(options.pageMaxCount !== undefined ? { pageMaxCount: options.pageMaxCount } : {}) }),
  );
  return { copier, graph };
}

/** Every folder to the end, waiting for `resumeAt` as the orchestration's durable timer does. */
async function copyAll(copier: MailboxCopy): Promise<PageOutcome[]> {
  const pages = await copier.copyAll();
  await copier.close();
  return pages;
}

function cloud(sandbox: M365Sandbox, user: string) {
  return sandbox.listMailbox(`${user}@contoso.onmicrosoft.com`).folders.flatMap((f) => f.messages.map((m) => ({ ...m, folder: f.path })));
}

describe('the Graph copy keeps to the $batch shapes and the concurrency Graph accepts', () => {
  it('sends only fully sequential batches, 4 lanes at once: the mailbox has 4 creates in flight and never a 429', async () => {
    const sandbox = await sandboxWith();
    await sourceMailbox('lanes', { INBOX: Array.from({ length: 120 }, (_, i) => message(`lane message ${i}`)) });
    const { copier, graph } = await copierFor(sandbox, 'lanes');
    const hold = sandbox.holdRequests('/messages$');
    const copied = copyAll(copier);
    await waitUntil(() => hold.heldCount() >= 4);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hold.heldCount()).toBe(4); // one per lane: a sequential batch runs one request at a time
    hold.release();
    await copied;
    expect(cloud(sandbox, 'lanes')).toHaveLength(120);
    expect(graph.counter.throttled).toBe(0);
    expect(graph.counter.messageCreates).toBe(120);
  });
});

describe('attachments take the path Graph documents for their size', () => {
  it('copies a mail with three 1.5 MB photos and one with a 12 MB attachment, whole; skips a 40 MB message and a body too big for any request, and goes on', async () => {
    const sandbox = await sandboxWith();
    await sourceMailbox('sizes', {
      INBOX: [
        message('three photos', [1_500_000, 1_500_000, 1_500_000]),
        message('twelve megabytes', [12 * MB]),
        message('forty megabytes', [40 * MB]),
        message('huge body', [], 'x'.repeat(4_200_000)),
        message('small after them'),
      ],
    });
    const { copier } = await copierFor(sandbox, 'sizes');
    await copyAll(copier);
    const copies = cloud(sandbox, 'sizes');
    expect(copies.map((m) => m.subject).sort()).toEqual(['small after them', 'three photos', 'twelve megabytes']);
    expect(copies.find((m) => m.subject === 'three photos')!.attachments.map((a) => a.size)).toEqual([1_500_000, 1_500_000, 1_500_000]);
    expect(copies.find((m) => m.subject === 'twelve megabytes')!.attachments.map((a) => a.size)).toEqual([12 * MB]);
    expect(copies.every((m) => !m.isDraft)).toBe(true);
    const skipped = await skippedRows('sizes');
    expect(skipped.map((s) => [s.title, s.reason]).sort()).toEqual([
      ['forty megabytes', 'TooLarge'],
      ['huge body', 'TooLarge'],
    ]);
    expect(skipped.find((s) => s.title === 'huge body')!.detail).toMatch(/at most 4 MB in one request/);
  });
});

describe('folder names that need encoding', () => {
  const NAMES = ['R&D', 'Tom & Jerry', 'C++', '100% done', '#1 priority', "Tom's", 'what?', 'v1.2 release', 'a=b;c', 'Проекты', '日本語', 'x'.repeat(250)];

  it('creates and fills every folder, whatever characters its name has', async () => {
    const sandbox = await sandboxWith();
    await sourceMailbox('names', {
      ...Object.fromEntries(NAMES.map((name) => [name, [message(`in ${name.slice(0, 20)}`)]])),
      ' Spaced out ': [message('in spaced')],
    });
    const { copier } = await copierFor(sandbox, 'names');
    await copyAll(copier);
    // A second pass finds every folder by name again (the $filter look-up) and copies nothing twice.
    const again = await copierFor(sandbox, 'names');
    await copyAll(again.copier);
    const folders = sandbox.listMailbox('names@contoso.onmicrosoft.com').folders;
    for (const name of NAMES) {
      const matching = folders.filter((f) => f.displayName === name);
      expect({ name, folders: matching.length, messages: matching[0]?.messages.length }).toEqual({ name, folders: 1, messages: 1 });
    }
    // Spaces around a name are trimmed (no page says Exchange keeps them) and the renamed folder reported.
    expect(folders.filter((f) => f.displayName === 'Spaced out').map((f) => f.messages.length)).toEqual([1]);
  });
});

describe('throttling: the copy paces itself to the mailbox budget and waits out 429s', () => {
  it('retries an upload range answered 429 after its Retry-After, and the attachment arrives whole', async () => {
    const sandbox = await sandboxWith();
    await sourceMailbox('upload429', { INBOX: [message('upload throttled', [5 * MB])] });
    sandbox.addFault({ kind: 'tooManyRequests', pathPattern: '^/_upload/', times: 1, retryAfterSeconds: 1 });
    const { copier, graph } = await copierFor(sandbox, 'upload429');
    await copyAll(copier);
    const copies = cloud(sandbox, 'upload429');
    expect(copies.map((m) => m.attachments.map((a) => a.size))).toEqual([[5 * MB]]);
    expect(graph.counter.throttled).toBe(1);
  });

  it('completes a mailbox with more attachments than one upload window allows, pausing until the budget resets', async () => {
    // Outlook allows 150 MB per 5 minutes; scaled here to 12 MB per 6 s on both sides.
    const windowMs = 6_000;
    const sandbox = await sandboxWith({ mailboxUploadBytesPer5Min: 12 * MB, uploadWindowMs: windowMs });
    await sourceMailbox('budget', { INBOX: Array.from({ length: 4 }, (_, i) => message(`budget ${i}`, [4 * MB])) });
    const { copier, graph } = await copierFor(sandbox, 'budget', {
      limits: { uploadBytesPerWindow: 12 * MB, uploadWindowMs: windowMs },
      maxInlineWaitMs: 1_000,
    });
    const results = await copyAll(copier);
    const copies = cloud(sandbox, 'budget');
    expect(copies).toHaveLength(4);
    expect(copies.every((m) => m.attachments.length === 1 && m.attachments[0]!.size === 4 * MB)).toBe(true);
    expect(results.some((r) => r.resumeAt !== undefined)).toBe(true); // it paused...
    expect(graph.counter.throttled).toBe(0); // ...before Graph had to refuse anything
  });
});

describe('a create whose answer is lost is looked for, never sent twice', () => {
  it('after a 504 that follows the create, finds the message by its marker instead of creating it again', async () => {
    const sandbox = await sandboxWith();
    await sourceMailbox('gateway', { INBOX: Array.from({ length: 10 }, (_, i) => message(`gateway ${i}`)) });
    sandbox.addFault({ kind: 'gatewayTimeout', afterHandling: true, method: 'POST', pathPattern: '/mailFolders/[^/]+/messages$', times: 2 });
    const { copier } = await copierFor(sandbox, 'gateway');
    const results = await copyAll(copier);
    const subjects = cloud(sandbox, 'gateway')
      .map((m) => m.subject)
      .sort();
    expect(subjects).toEqual(Array.from({ length: 10 }, (_, i) => `gateway ${i}`).sort());
    expect(pageTotals(results).matched).toBe(2);
  });

  it('after the connection of a whole $batch drops once its creates ran, creates none of them twice', async () => {
    const sandbox = await sandboxWith();
    await sourceMailbox('dropped', { INBOX: Array.from({ length: 8 }, (_, i) => message(`dropped ${i}`)) });
    sandbox.addFault({ kind: 'dropConnection', afterHandling: true, method: 'POST', pathPattern: '^/\\$batch$', times: 1 });
    const { copier } = await copierFor(sandbox, 'dropped');
    await copyAll(copier);
    const subjects = cloud(sandbox, 'dropped')
      .map((m) => m.subject)
      .sort();
    expect(subjects).toEqual(Array.from({ length: 8 }, (_, i) => `dropped ${i}`).sort());
  });
});

describe('a message counts as copied only once its last attachment is in', () => {
  it('finishes a copy whose upload kept failing, on the next page, instead of counting it or copying it twice', async () => {
    const sandbox = await sandboxWith();
    await sourceMailbox('partial', { INBOX: [message('partial upload', [200_000, 6 * MB])] });
    // Each failed range is followed by a question to the session, which fails too: 8 faults outlast one page's attempts.
    sandbox.addFault({ kind: 'serviceUnavailable', pathPattern: '^/_upload/', times: 8, retryAfterSeconds: 0 });
    const { copier } = await copierFor(sandbox, 'partial');
    const results = await copyAll(copier);
    const copies = cloud(sandbox, 'partial');
    expect(copies).toHaveLength(1);
    expect(copies[0]!.attachments.map((a) => a.size).sort((a, b) => a - b)).toEqual([200_000, 6 * MB]);
    expect(results[0]!.byType.mail?.created ?? 0).toBe(0); // the first page left it open
    expect(pageTotals(results).created + pageTotals(results).matched).toBe(1);
    const exported = await simpleParser(sandbox.exportMessageMime('partial@contoso.onmicrosoft.com', copies[0]!.id));
    expect(exported.attachments.map((a) => a.content.length).sort((a, b) => a - b)).toEqual([200_000, 6 * MB]);
  });
});
