import { simpleParser } from 'mailparser';

import { corpusMessage, type CorpusMessage, type CorpusOptions, generateCorpus } from '../../../tools/corpus/generateCorpus';

// Pure, but kept next to the IMAP suites that rely on it: the corpus is what they seed.
const OPTIONS: CorpusOptions = { seed: 42, count: 12, largeItemBytes: 400_000 };
const corpus = [...generateCorpus(OPTIONS)];
const byKind = (kind: CorpusMessage['kind']): CorpusMessage => corpus.find((m) => m.kind === kind)!;

describe('test mail corpus', () => {
  it('is deterministic: the same seed and index give the same bytes', () => {
    expect(corpusMessage(OPTIONS, 3).raw.equals(corpus[3]!.raw)).toBe(true);
    expect(corpusMessage({ ...OPTIONS, seed: 43 }, 3).raw.equals(corpus[3]!.raw)).toBe(false);
  });

  it('encodes non-ASCII headers as RFC 2047 words that a parser decodes', async () => {
    const message = byKind('alternative');
    expect(message.raw.toString('latin1')).toMatch(/^Subject: =\?UTF-8\?B\?/m);
    const parsed = await simpleParser(message.raw);
    expect(parsed.subject).toBe('Grüße aus Köln – réunion #1');
    expect(parsed.html).toContain('<p>');
    expect(parsed.text).toBeTruthy();
  });

  it('carries regular attachments of the chosen sizes, one with an RFC 2231 file name', async () => {
    const parsed = await simpleParser(byKind('attachments').raw);
    expect(parsed.attachments.map((a) => [a.filename, a.size])).toEqual([
      ['Angebot 2007.pdf', 48_000],
      ['Prüfung.docx', 23_000],
    ]);
  });

  it('carries an inline image referenced by cid from the HTML', async () => {
    const parsed = await simpleParser(byKind('inlineImage').raw, { skipImageLinks: true });
    const logo = parsed.attachments.find((a) => a.cid === 'logo@corpus');
    expect(logo).toMatchObject({ contentDisposition: 'inline', size: 6_000 });
    expect(parsed.html).toContain('src="cid:logo@corpus"');
  });

  it('has an 8-bit body, a message without Message-ID and two different messages sharing one', async () => {
    const eightBit = byKind('eightBit').raw;
    expect(eightBit.toString('latin1')).toContain('Content-Transfer-Encoding: 8bit');
    expect((await simpleParser(eightBit)).text).toContain('Frau Müller');
    expect(byKind('noMessageId').raw.toString('latin1')).not.toMatch(/^Message-ID:/im);
    const [a, b] = [byKind('sharedMessageIdA'), byKind('sharedMessageIdB')];
    expect(a.messageId).toBe(b.messageId);
    expect((await simpleParser(a.raw)).messageId).toBe((await simpleParser(b.raw)).messageId);
    expect(a.raw.equals(b.raw)).toBe(false);
  });

  it('has a message over 3 MB and one over the large-item size', () => {
    expect(byKind('over3MB').raw.length).toBeGreaterThan(3 * 1024 * 1024);
    expect(byKind('largeItem').raw.length).toBeGreaterThan(400_000);
  });

  it('averages about the asked size over many messages', () => {
    let bytes = 0;
    for (const message of generateCorpus({ seed: 5, count: 600, averageBytes: 70_000 })) {
      if (message.kind === 'filler') bytes += message.raw.length;
    }
    const average = bytes / (600 - 9);
    expect(average).toBeGreaterThan(50_000);
    expect(average).toBeLessThan(95_000);
  });

  it('mixes in \\Answered, filler without Message-ID and big attachments only when asked', () => {
    const asked = [
      ...generateCorpus({
        seed: 9,
        count: 400,
        answeredShare: 0.2,
        withoutMessageIdShare: 0.05,
        bigAttachments: { share: 0.02, minBytes: 1_000_000, maxBytes: 2_000_000 },
      }),
    ];
    const answered = asked.filter((m) => m.flags.includes('\\Answered')).length;
    expect(answered).toBeGreaterThan(40);
    expect(answered).toBeLessThan(120);
    const withoutId = asked.filter((m) => m.kind === 'filler' && m.messageId === null);
    expect(withoutId.length).toBeGreaterThan(5);
    for (const m of withoutId) expect(m.raw.toString('latin1')).not.toMatch(/^Message-ID:/im);
    const big = asked.filter((m) => m.kind === 'filler' && m.raw.length > 1_000_000);
    expect(big.length).toBeGreaterThan(2);
    // Base64 makes 2,000,000 bytes about 2.7 MB.
    for (const m of big) expect(m.raw.length).toBeLessThan(2_800_000);

    const plain = [...generateCorpus({ seed: 9, count: 400 })];
    expect(plain.some((m) => m.flags.includes('\\Answered'))).toBe(false);
    expect(plain.some((m) => m.kind === 'filler' && (m.messageId === null || m.raw.length > 1_000_000))).toBe(false);
  });
});
