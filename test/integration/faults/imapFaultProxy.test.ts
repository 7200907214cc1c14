import { connect } from 'node:net';

import { ImapFlow } from 'imapflow';

import { type RunningDovecot, startDovecot } from '../../../tools/dovecot/startDovecot';
import { RawImapClient, type RawResponse } from '../../../tools/imap-fault-proxy/rawImapClient';
import { estimatedSize, type RunningImapFaultProxy, startImapFaultProxy, STUB_SUBJECT_PREFIX } from '../../../tools/imap-fault-proxy/startImapFaultProxy';

/**
 * The IMAP fault proxy in front of a real Dovecot: transparent without faults (same bytes, APPEND
 * with APPENDUID), and each Exchange 2003/2007 behaviour it reproduces, seen through imapflow (as
 * the product sees it) or on the wire where the exact bytes are the point.
 */

const ALICE = { name: 'alice', password: 'alice-Secret-1' };
const BOB = { name: 'bob', password: 'bob-Secret-1' };
const ENTWUERFE = 'Entwürfe';

interface Seeded {
  /** UIDs of alice's INBOX messages, in order; the last one is the big one. */
  inbox: number[];
  big: number;
}

let dovecot: RunningDovecot | undefined;
let proxy: RunningImapFaultProxy | undefined;
let seeded: Seeded;
const openClients: Array<{ close(): void }> = [];

function message(index: number, subject: string, bodyBytes = 300, extraHeader?: string): Buffer {
  const line = `Line ${index}: Angebot, Rechnung, Lieferung.`;
  const body: string[] = Array.from({ length: Math.ceil(bodyBytes / (line.length + 2)) }, () => line);
  return Buffer.from(
    [
      'From: "Ann Example" <ann@legacy.example>',
      'To: alice@legacy.example',
      `Subject: ${subject}`,
      `Date: Mon, 1 Jan 2007 08:${String(index).padStart(2, '0')}:00 +0000`,
      `Message-ID: <m${index}@legacy.example>`,
      ...(extraHeader ? [extraHeader] : []),
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      ...body,
      '',
    ].join('\r\n'),
    'latin1',
  );
}

async function imap(target: { host: string; port: number }, auth: { user: string; pass: string; authzid?: string; loginMethod?: string }): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: target.host,
    port: target.port,
    secure: false,
    doSTARTTLS: false,
    logger: false,
    disableAutoIdle: true,
    auth,
  });
  client.on('error', () => undefined);
  openClients.push({ close: () => client.close() });
  await client.connect();
  return client;
}

const viaProxy = (user = ALICE): Promise<ImapFlow> => imap(proxy!, { user: user.name, pass: user.password });
const direct = (user = ALICE): Promise<ImapFlow> => imap(dovecot!, { user: user.name, pass: user.password });

async function raw(target: { host: string; port: number }, user = ALICE): Promise<RawImapClient> {
  const client = await RawImapClient.connect(target.host, target.port);
  openClients.push(client);
  const login = await client.run(`LOGIN ${user.name} ${user.password}`);
  expect(login.tagged).toMatch(/ OK /);
  return client;
}

async function sources(client: ImapFlow, folder: string): Promise<Array<{ uid: number; size: number; source: Buffer }>> {
  const lock = await client.getMailboxLock(folder);
  try {
    const messages: Array<{ uid: number; size: number; source: Buffer }> = [];
    for await (const m of client.fetch('1:*', { uid: true, size: true, source: true }, { uid: true })) {
      messages.push({ uid: m.uid, size: m.size!, source: m.source! });
    }
    return messages;
  } finally {
    lock.release();
  }
}

type Status = Exclude<Awaited<ReturnType<ImapFlow['status']>>, false>;
type Appended = Exclude<Awaited<ReturnType<ImapFlow['append']>>, false>;

async function status(client: ImapFlow, folder: string, query: Parameters<ImapFlow['status']>[1]): Promise<Status> {
  const result = await client.status(folder, query);
  if (!result) throw new Error(`STATUS ${folder} failed`);
  return result;
}

async function append(client: ImapFlow, folder: string, content: Buffer, flags?: string[]): Promise<Appended> {
  const result = await client.append(folder, content, flags);
  if (!result) throw new Error(`APPEND to ${folder} failed`);
  return result;
}

/** Removes test APPENDs from a folder (found by subject), so every case starts from the seeded mailbox. */
async function removeBySubject(folder: string, ...subjects: string[]): Promise<void> {
  const client = await direct();
  await client.mailboxOpen(folder);
  for (const subject of subjects) {
    const uids = await client.search({ header: { subject } }, { uid: true });
    if (uids && uids.length > 0) await client.messageDelete(uids.join(','), { uid: true });
  }
}

/** The literal that follows a response's `{n}` marker, or what arrived of it. */
function literalAfterMarker(bytes: Buffer): { announced: number; arrived: number } {
  const text = bytes.toString('latin1');
  const match = /BODY\[\] \{(\d+)\}\r\n/.exec(text);
  if (!match) throw new Error('no BODY[] literal in the received bytes');
  const start = match.index + match[0].length;
  return { announced: Number(match[1]), arrived: bytes.length - start };
}

beforeAll(async () => {
  dovecot = await startDovecot({ users: [ALICE, BOB] });
  const alice = await direct(ALICE);
  await alice.mailboxCreate('Sent');
  await alice.mailboxCreate('Trash');
  await alice.mailboxCreate(ENTWUERFE);
  const inbox: number[] = [];
  for (let i = 1; i <= 5; i += 1) inbox.push((await append(alice, 'INBOX', message(i, `Message ${i}`), ['\\Seen'])).uid!);
  const big = (await append(alice, 'INBOX', message(6, 'Big one', 300_000))).uid!;
  inbox.push(big);
  await alice.append('Sent', message(7, 'Sent one'));
  await alice.append('Sent', message(8, 'Sent two'));
  await alice.append(ENTWUERFE, message(9, 'Draft'));
  await alice.logout();
  const bob = await direct(BOB);
  await bob.mailboxCreate('Sent');
  await bob.append('INBOX', message(10, 'For Bob'));
  // 8-bit, quotes and parentheses in subjects: Dovecot answers ENVELOPE with literals holding them.
  await bob.append('INBOX', message(11, 'Für Bob, roh'));
  await bob.append('INBOX', message(12, 'Say "hi" to (Bob)'));
  await bob.logout();
  seeded = { inbox, big };
  proxy = await startImapFaultProxy({ upstream: { host: dovecot.host, port: dovecot.port } });
}, 120_000);

afterEach(() => {
  for (const client of openClients.splice(0)) client.close();
  proxy?.faults.clear();
});

afterAll(async () => {
  for (const client of openClients.splice(0)) client.close();
  try {
    await proxy?.stop();
  } finally {
    await dovecot?.stop();
  }
});

describe('IMAP fault proxy in front of Dovecot', () => {
  it('is transparent without faults: same capabilities, folders, bytes and sizes; APPEND with APPENDUID', async () => {
    const [viaDirect, viaFaultProxy] = [await direct(), await viaProxy()];
    expect([...viaFaultProxy.capabilities.keys()].sort()).toEqual([...viaDirect.capabilities.keys()].sort());
    const paths = async (c: ImapFlow): Promise<string[]> => (await c.list()).map((f) => `${f.path} ${[...f.flags].sort().join(',')}`).sort();
    expect(await paths(viaFaultProxy)).toEqual(await paths(viaDirect));
    const [expected, actual] = [await sources(viaDirect, 'INBOX'), await sources(viaFaultProxy, 'INBOX')];
    expect(actual.map((m) => m.uid)).toEqual(seeded.inbox);
    expect(actual).toEqual(expected);

    // Wire level: every untagged byte of a FETCH with literals is the same.
    const [rawDirect, rawProxy] = [await raw(dovecot!), await raw(proxy!)];
    for (const client of [rawDirect, rawProxy]) await client.run('SELECT INBOX');
    const fetch = 'UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[])';
    const [wireDirect, wireProxy] = [await rawDirect.run(fetch), await rawProxy.run(fetch)];
    expect(wireProxy.untagged).toHaveLength(seeded.inbox.length);
    expect(wireProxy.bytes.equals(wireDirect.bytes)).toBe(true);

    // APPEND through the proxy, by imapflow (LITERAL+) and with a synchronizing literal.
    const added = message(20, 'Appended through the proxy');
    const appended = await append(viaFaultProxy, 'INBOX', added, ['\\Flagged']);
    const opened = await viaDirect.mailboxOpen('INBOX');
    expect(appended).toMatchObject({ uid: expect.any(Number), uidValidity: opened.uidValidity });
    const tag = rawProxy.tag();
    const second = message(21, 'Synchronizing literal');
    rawProxy.send(`${tag} APPEND INBOX (\\Seen) {${second.length}}\r\n`);
    expect(lineText(await rawProxy.nextUnit())).toMatch(/^\+/);
    rawProxy.send(Buffer.concat([second, Buffer.from('\r\n')]));
    const answer = await rawProxy.until(tag);
    expect(answer.tagged).toMatch(new RegExp(`^${tag} OK \\[APPENDUID ${opened.uidValidity} \\d+\\]`));
    const secondUid = Number(/APPENDUID \d+ (\d+)/.exec(answer.tagged)![1]);
    const stored = await viaDirect.fetchOne(String(appended.uid), { source: true }, { uid: true });
    expect(stored && stored.source!.equals(added)).toBe(true);
    const storedSecond = await viaDirect.fetchOne(String(secondUid), { source: true }, { uid: true });
    expect(storedSecond && storedSecond.source!.equals(second)).toBe(true);
    await removeBySubject('INBOX', 'Appended through the proxy', 'Synchronizing literal');
    // The server refusing a synchronizing literal before its `+`: the client sends no literal, and
    // the proxy must not wait for one (its next command would be taken for message bytes).
    const missing = rawProxy.tag();
    rawProxy.send(`${missing} APPEND Nonexistent {${second.length}}\r\n`);
    expect(lineText(await rawProxy.nextUnit())).toMatch(new RegExp(`^${missing} NO `));
    expect((await rawProxy.run('NOOP')).tagged).toMatch(/ OK /);

    const stats = proxy!.stats();
    expect(stats.commands).toMatchObject({ AUTHENTICATE: 1, LOGIN: 1, 'UID FETCH': expect.any(Number), APPEND: 2 });
    expect(Object.values(stats.faults).every((n) => n === 0)).toBe(true);
  });

  it('hides capabilities per user, and with them HIGHESTMODSEQ, MODSEQ, APPENDUID, COPYUID, SPECIAL-USE and MOVE', async () => {
    proxy!.faults.set('alice', { hideCapabilities: ['UIDPLUS', 'CONDSTORE', 'MOVE', 'SPECIAL-USE', 'OBJECTID'] });
    const alice = await viaProxy();
    const bob = await viaProxy(BOB);
    for (const hidden of ['UIDPLUS', 'CONDSTORE', 'QRESYNC', 'MOVE', 'SPECIAL-USE']) {
      expect(alice.capabilities.has(hidden)).toBe(false);
      expect(bob.capabilities.has(hidden)).toBe(true);
    }
    expect(alice.capabilities.has('IMAP4rev1')).toBe(true);
    const mailbox = await alice.mailboxOpen('INBOX');
    expect(mailbox.highestModseq).toBeUndefined();
    expect((await bob.mailboxOpen('INBOX')).highestModseq).toBeDefined();
    const sent = (await alice.list()).find((f) => f.path === 'Sent')!;
    expect([...sent.flags]).not.toContain('\\Sent');
    expect([...(await bob.list()).find((f) => f.path === 'Sent')!.flags]).toContain('\\Sent');
    // imapflow still finds a UID (EXISTS, then SEARCH) when INBOX is selected, but no UIDVALIDITY comes with it.
    const appended = await append(alice, 'INBOX', message(30, 'No APPENDUID'));
    expect(appended.uidValidity).toBeUndefined();

    // On the wire: what a client would see from a server without these extensions.
    const wire = await raw(proxy!);
    const enable = await wire.run('ENABLE CONDSTORE QRESYNC');
    expect(enable.heads).toEqual(['* ENABLED']);
    expect(enable.tagged).toMatch(/ OK /);
    const select = await wire.run('SELECT INBOX');
    const fetch = await wire.run(`UID FETCH ${seeded.inbox[0]} (UID FLAGS MODSEQ)`);
    const status = await wire.run('STATUS INBOX (MESSAGES HIGHESTMODSEQ)');
    for (const response of [select, fetch, status]) {
      expect(response.tagged).toMatch(/ OK /);
      expect(`${response.bytes.toString('latin1')}${response.tagged}`).not.toMatch(/MODSEQ/);
    }
    expect(fetch.heads).toEqual([expect.stringMatching(new RegExp(`^\\* \\d+ FETCH \\(UID ${seeded.inbox[0]} FLAGS \\(\\\\Seen\\)\\)$`))]);
    const copy = await wire.run(`UID COPY ${seeded.inbox[0]} Trash`);
    expect(copy.tagged).toMatch(/ OK /);
    expect(copy.tagged).not.toMatch(/COPYUID/);
    expect((await wire.run(`UID MOVE ${seeded.inbox[0]} Trash`)).tagged).toMatch(/ BAD /);
    expect((await wire.run('NOOP')).tagged).toMatch(/ OK /);

    await removeBySubject('INBOX', 'No APPENDUID');
    await removeBySubject('Trash', 'Message 1');
    expect(proxy!.stats().faults.hideCapabilities).toBeGreaterThan(0);
  });

  it('answers estimated RFC822.SIZE values, from the next command on when switched on mid-connection', async () => {
    const exact = await sources(await direct(), 'INBOX');
    const alice = await viaProxy();
    expect((await sources(alice, 'INBOX')).map((m) => m.size)).toEqual(exact.map((m) => m.size));
    proxy!.faults.set('alice', { statusOmits: ['UIDNEXT'] });
    proxy!.faults.update('alice', { estimatedSizes: true });
    const estimated = await sources(alice, 'INBOX');
    expect((await status(alice, 'Sent', { uidNext: true, messages: true })).uidNext).toBeUndefined();
    expect(() => proxy!.faults.set('alice', { estimatedSize: true } as never)).toThrow();
    expect(estimated.map((m) => m.size)).toEqual(exact.map((m) => estimatedSize(m.size)));
    expect(estimated.every((m, i) => m.size !== exact[i]!.size && m.source.equals(exact[i]!.source))).toBe(true);
    expect((await sources(await viaProxy(BOB), 'INBOX'))[0]!.size).toBe((await sources(await direct(BOB), 'INBOX'))[0]!.size);
    expect(proxy!.stats().faults.estimatedSizes).toBeGreaterThan(0);

    // A rewritten response is written back byte for byte, literals and escapes inside ENVELOPE included.
    proxy!.faults.set('bob', { estimatedSizes: true });
    const [wireDirect, wireProxy] = [await raw(dovecot!, BOB), await raw(proxy!, BOB)];
    const fetch = 'UID FETCH 1:* (UID RFC822.SIZE ENVELOPE)';
    const responses = [];
    for (const client of [wireDirect, wireProxy]) {
      await client.run('SELECT INBOX');
      responses.push(await client.run(fetch));
    }
    const [plain, rewritten] = responses as [RawResponse, RawResponse];
    expect(plain.untagged.some((unit) => unit.literals.length > 0)).toBe(true);
    expect(plain.bytes.toString('latin1')).toContain('{17}\r\nSay "hi" to (Bob) ');
    const expected = plain.bytes.toString('latin1').replace(/RFC822\.SIZE (\d+)/g, (_m, size: string) => `RFC822.SIZE ${estimatedSize(Number(size))}`);
    expect(rewritten.bytes.toString('latin1')).toBe(expected);
  });

  it('answers NO to a UID FETCH of message content whose set includes a faulted UID, and keeps the connection in step', async () => {
    const [first, second, third] = seeded.inbox as [number, number, number];
    proxy!.faults.set('*', { fetchNo: [{ folder: 'INBOX', uid: third }] });
    const wire = await raw(proxy!);
    await wire.run('SELECT INBOX');
    for (const set of ['1:*', `${third}`, `${first},${third}:${third + 1}`, `${third}:*`]) {
      const refused = await wire.run(`UID FETCH ${set} (UID BODY.PEEK[])`);
      expect(refused.untagged).toHaveLength(0);
      expect(refused.tagged).toMatch(/^r\d+ NO /);
    }
    const metadata = await wire.run(`UID FETCH ${third} (UID FLAGS RFC822.SIZE ENVELOPE)`);
    expect(metadata.tagged).toMatch(/ OK /);
    expect(metadata.heads).toHaveLength(1);
    const others = await wire.run(`UID FETCH ${first}:${second} (BODY.PEEK[])`);
    expect(others.tagged).toMatch(/ OK /);
    expect(others.untagged).toHaveLength(2);
    await wire.run('SELECT Sent');
    expect((await wire.run(`UID FETCH ${third} (BODY.PEEK[])`)).tagged).toMatch(/ OK /);

    const alice = await viaProxy();
    await alice.mailboxOpen('INBOX');
    await expect(alice.fetchOne(String(third), { source: true }, { uid: true })).rejects.toThrow();
    const after = await alice.fetchOne(String(first), { source: true }, { uid: true });
    expect(after && after.uid).toBe(first);
    proxy!.faults.clear('*');
    const cleared = await alice.fetchOne(String(third), { source: true }, { uid: true });
    expect(cleared && cleared.uid).toBe(third);
    expect(proxy!.stats().faults.fetchNo).toBe(5);
  });

  it("replaces a message's content with Exchange's retrieval-failed stub, literal length consistent, RFC822.SIZE unchanged", async () => {
    const stubbed = seeded.inbox[1]!;
    proxy!.faults.set('alice', { stubBodies: [{ folder: 'INBOX', uid: stubbed }] });
    const exact = await sources(await direct(), 'INBOX');
    const seen = await sources(await viaProxy(), 'INBOX');
    seen.forEach((m, i) => {
      expect(m.size).toBe(exact[i]!.size);
      if (m.uid !== stubbed) expect(m.source.equals(exact[i]!.source)).toBe(true);
    });
    const stub = seen.find((m) => m.uid === stubbed)!.source.toString('latin1');
    expect(stub).toContain(`Subject: ${STUB_SUBJECT_PREFIX}\r\n message: ${stubbed}\r\n`);
    expect(stub).toContain('From: Microsoft Exchange Server 2007\r\n');
    expect(stub).toContain("The server couldn't retrieve the following message:");
    expect(stub).toContain('Subject: "Message 2"');
    expect(stub).not.toContain('Angebot');
    expect(proxy!.stats().faults.stubBodies).toBe(1);
  });

  it('cuts the connection mid-literal after N bytes, the given number of times', async () => {
    const big = seeded.big;
    proxy!.faults.set('alice', { dropMidLiteral: [{ folder: 'INBOX', uid: big, afterBytes: 1000, times: 1 }] });
    const wire = await raw(proxy!);
    await wire.run('SELECT INBOX');
    wire.send(`${wire.tag()} UID FETCH ${big} (UID BODY.PEEK[])\r\n`);
    await wire.closed;
    const { announced, arrived } = literalAfterMarker(wire.allReceived());
    expect(announced).toBeGreaterThan(300_000);
    expect(arrived).toBe(1000);

    const again = await raw(proxy!);
    await again.run('SELECT INBOX');
    const whole = await again.run(`UID FETCH ${big} (UID BODY.PEEK[])`);
    expect(whole.tagged).toMatch(/ OK /);
    expect(whole.untagged[0]!.literals[0]!.length).toBe(announced);

    proxy!.faults.set('alice', { dropMidLiteral: [{ folder: 'INBOX', uid: big }] });
    const alice = await viaProxy();
    await alice.mailboxOpen('INBOX');
    await expect(alice.fetchOne(String(big), { source: true }, { uid: true })).rejects.toThrow();
    expect(proxy!.stats().faults.dropMidLiteral).toBe(2);
  });

  it("moves a folder's UIDVALIDITY by an offset in SELECT, STATUS and APPENDUID, by wire or decoded name", async () => {
    const real = await direct();
    const inboxValidity = (await status(real, 'INBOX', { uidValidity: true })).uidValidity!;
    const draftsValidity = (await status(real, ENTWUERFE, { uidValidity: true })).uidValidity!;
    const sentValidity = (await status(real, 'Sent', { uidValidity: true })).uidValidity!;
    proxy!.faults.set('alice', {
      uidValidityOffset: [
        { folder: 'INBOX', offset: 1000 },
        { folder: ENTWUERFE, offset: 7 },
      ],
    });
    const alice = await viaProxy();
    expect((await status(alice, 'INBOX', { uidValidity: true })).uidValidity).toBe(inboxValidity + 1000n);
    expect((await status(alice, ENTWUERFE, { uidValidity: true })).uidValidity).toBe(draftsValidity + 7n);
    expect((await status(alice, 'Sent', { uidValidity: true })).uidValidity).toBe(sentValidity);
    expect((await alice.mailboxOpen(ENTWUERFE)).uidValidity).toBe(draftsValidity + 7n);
    expect((await alice.mailboxOpen('INBOX')).uidValidity).toBe(inboxValidity + 1000n);
    const appended = await append(alice, 'INBOX', message(31, 'Renumbered'));
    expect(appended.uidValidity).toBe(inboxValidity + 1000n);
    await removeBySubject('INBOX', 'Renumbered');
    expect((await (await viaProxy(BOB)).mailboxOpen('INBOX')).uidValidity).toBe((await (await direct(BOB)).mailboxOpen('INBOX')).uidValidity);
  });

  it('omits UIDNEXT and UIDVALIDITY from STATUS, and from SELECT only when asked', async () => {
    proxy!.faults.set('alice', { statusOmits: ['UIDNEXT'] });
    const alice = await viaProxy();
    const inbox = await status(alice, 'INBOX', { messages: true, uidNext: true, uidValidity: true });
    expect(inbox.messages).toBe(seeded.inbox.length);
    expect(inbox.uidNext).toBeUndefined();
    expect(inbox.uidValidity).toBeDefined();
    expect((await alice.mailboxOpen('INBOX')).uidNext).toBeGreaterThan(0);

    proxy!.faults.set('alice', { statusOmits: { items: ['UIDNEXT', 'UIDVALIDITY'], alsoSelect: true } });
    const wire = await raw(proxy!);
    const select = await wire.run('SELECT INBOX');
    expect(select.tagged).toMatch(/ OK /);
    expect(select.bytes.toString('latin1')).not.toMatch(/UIDNEXT|UIDVALIDITY/);
    expect(select.heads).toContainEqual(expect.stringMatching(/^\* \d+ EXISTS$/));
    const statusLine = (await wire.run('STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY)')).heads[0];
    expect(statusLine).toBe(`* STATUS INBOX (MESSAGES ${seeded.inbox.length})`);
    expect(proxy!.stats().faults.statusOmits).toBeGreaterThanOrEqual(3);
  });

  it('refuses APPENDs with TOOBIG, OVERQUOTA and CANNOT, before or after the literal, and stores nothing', async () => {
    const real = await direct();
    const before = (await status(real, 'INBOX', { messages: true })).messages;
    proxy!.faults.set('alice', {
      appendNo: [
        { code: 'TOOBIG', whenLargerThan: 10_000 },
        { code: 'OVERQUOTA', whenContains: 'X-Refuse: yes' },
      ],
    });
    const wire = await raw(proxy!);
    // Synchronizing literal refused on its size: a NO instead of `+`, and the client sends nothing.
    const large = message(40, 'Too big', 20_000);
    const tooBig = wire.tag();
    wire.send(`${tooBig} APPEND INBOX {${large.length}}\r\n`);
    expect((await wire.until(tooBig)).tagged).toMatch(new RegExp(`^${tooBig} NO \\[TOOBIG\\] `));
    expect((await wire.run('NOOP')).tagged).toMatch(/ OK /);
    // Refused on its content: the proxy asks for the literal, reads it, then says NO.
    const marked = message(41, 'Over quota', 300, 'X-Refuse: yes');
    const overQuota = wire.tag();
    wire.send(`${overQuota} APPEND INBOX {${marked.length}}\r\n`);
    expect(lineText(await wire.nextUnit())).toMatch(/^\+ /);
    wire.send(Buffer.concat([marked, Buffer.from('\r\n')]));
    expect((await wire.until(overQuota)).tagged).toMatch(new RegExp(`^${overQuota} NO \\[OVERQUOTA\\] `));
    // Non-synchronizing literals (imapflow with LITERAL+) are read whole, then refused.
    const alice = await viaProxy();
    await expect(alice.append('INBOX', large)).rejects.toThrow();
    await expect(alice.append('INBOX', marked)).rejects.toThrow();
    const fine = await append(alice, 'INBOX', message(42, 'Small and welcome'));
    expect(fine.uid).toEqual(expect.any(Number));

    proxy!.faults.set('alice', { appendNo: [{ code: 'CANNOT', times: 1 }] });
    await expect(alice.append('INBOX', message(43, 'First refused'))).rejects.toThrow();
    const second = await append(alice, 'INBOX', message(44, 'Second accepted'));
    expect(second.uid).toEqual(expect.any(Number));
    await removeBySubject('INBOX', 'Small and welcome', 'Second accepted');
    expect((await status(real, 'INBOX', { messages: true })).messages).toBe(before);
    expect(proxy!.stats().faults.appendNo).toBe(5);
  });

  it('stores an APPEND under appendLost but cuts the connection instead of answering, the given number of times', async () => {
    const real = await direct();
    const before = (await status(real, 'INBOX', { messages: true })).messages;
    proxy!.faults.set('alice', { appendLost: [{ whenContains: 'X-Lose: yes', times: 1 }] });
    const wire = await raw(proxy!);
    const lost = message(45, 'Stored, never answered', 300, 'X-Lose: yes');
    const tag = wire.tag();
    wire.send(`${tag} APPEND INBOX {${lost.length}}\r\n`);
    expect(lineText(await wire.nextUnit())).toMatch(/^\+ /);
    wire.send(Buffer.concat([lost, Buffer.from('\r\n')]));
    await expect(wire.until(tag)).rejects.toThrow();
    // The server kept it; the next one with the same text is answered, the rule's one loss spent.
    expect((await status(real, 'INBOX', { messages: true })).messages).toBe((before ?? 0) + 1);
    const alice = await viaProxy();
    expect((await append(alice, 'INBOX', message(46, 'Answered', 300, 'X-Lose: yes'))).uid).toEqual(expect.any(Number));
    await alice.logout();
    await removeBySubject('INBOX', 'Stored, never answered', 'Answered');
    expect((await status(real, 'INBOX', { messages: true })).messages).toBe(before);
    expect(proxy!.stats().faults.appendLost).toBe(1);
  });

  it('keys faults by the mailbox a master-user, SASL authzid or literal login names', async () => {
    proxy!.faults.set('alice', { estimatedSizes: true });
    const real = (await sources(await direct(), 'INBOX'))[0]!;
    const master = dovecot!.masterUser;
    const byLogin = await imap(proxy!, { user: `alice*${master.name}`, pass: master.password, loginMethod: 'LOGIN' });
    expect((await sources(byLogin, 'INBOX'))[0]!.size).toBe(estimatedSize(real.size));
    const byAuthzid = await imap(proxy!, { user: master.name, pass: master.password, authzid: 'alice' });
    expect((await sources(byAuthzid, 'INBOX'))[0]!.size).toBe(estimatedSize(real.size));

    const wire = await RawImapClient.connect(proxy!.host, proxy!.port);
    openClients.push(wire);
    const tag = wire.tag();
    wire.send(`${tag} LOGIN {${ALICE.name.length}}\r\n`);
    expect(lineText(await wire.nextUnit())).toMatch(/^\+/);
    wire.send(`${ALICE.name} {${ALICE.password.length}}\r\n`);
    expect(lineText(await wire.nextUnit())).toMatch(/^\+/);
    wire.send(`${ALICE.password}\r\n`);
    expect((await wire.until(tag)).tagged).toMatch(/ OK /);
    await wire.run('SELECT INBOX');
    const size = await wire.run(`UID FETCH ${real.uid} (RFC822.SIZE)`);
    expect(size.heads[0]).toMatch(new RegExp(`RFC822\\.SIZE ${estimatedSize(real.size)}\\b`));
  });

  it('stop() closes every connection and the listener', async () => {
    const own = await startImapFaultProxy({ upstream: { host: dovecot!.host, port: dovecot!.port } });
    try {
      const client = await imap(own, { user: ALICE.name, pass: ALICE.password });
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      expect(own.stats().connections.open).toBe(1);
      await own.stop();
      await closed;
      const refused = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: own.host, port: own.port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(false);
        });
        socket.once('error', () => resolve(true));
      });
      expect(refused).toBe(true);
    } finally {
      await own.stop();
    }
  });
});

function lineText(unit: { lines: Buffer[] }): string {
  return unit.lines[0]!.toString('latin1').replace(/\r\n$/, '');
}
