import { type AttachmentSpec, buildMessage, type MessageSpec } from './buildMessage';
import { SeededRandom } from './seededRandom';

/** A folder as path segments, so one corpus seeds servers with `/` or `.` delimiters alike. */
export type FolderSegments = readonly string[];

export interface CorpusMessage {
  index: number;
  kind: CorpusMessageKind;
  folder: FolderSegments;
  flags: string[];
  internalDate: string;
  messageId: string | null;
  raw: Buffer;
}

export type CorpusMessageKind =
  | 'plain'
  | 'alternative'
  | 'attachments'
  | 'inlineImage'
  | 'eightBit'
  | 'noMessageId'
  | 'sharedMessageIdA'
  | 'sharedMessageIdB'
  | 'over3MB'
  | 'largeItem'
  | 'filler';

export interface CorpusOptions {
  seed: number;
  count: number;
  /** Folders to spread messages over; the first one also gets every special case. */
  folders?: readonly FolderSegments[];
  /** Rough average size of filler messages (those without `bigAttachments`). Default 70 KB. */
  averageBytes?: number;
  /** When set, one message is made larger than this (the target's "large item" limit). */
  largeItemBytes?: number;
  /** Share of messages also flagged \Answered (none when left out). */
  answeredShare?: number;
  /** Share of filler messages sent without a Message-ID header, besides the `noMessageId` case (none when left out). */
  withoutMessageIdShare?: number;
  /**
   * Share of filler messages that carry one attachment of `minBytes` to `maxBytes` (decoded)
   * instead of the usual mix: the few mails of several MB a real mailbox has (none when left out).
   */
  bigAttachments?: { share: number; minBytes: number; maxBytes: number };
}

export const DEFAULT_FOLDERS: readonly FolderSegments[] = [['INBOX'], ['Sent'], ['Trash'], ['Entwürfe'], ['Données', '2007'], ['Projekte', 'Alpha']];

const SPECIAL_KINDS: readonly CorpusMessageKind[] = [
  'plain',
  'alternative',
  'attachments',
  'inlineImage',
  'eightBit',
  'noMessageId',
  'sharedMessageIdA',
  'sharedMessageIdB',
  'over3MB',
  'largeItem',
];

const PEOPLE = [
  { name: 'Jürgen Müller', address: 'juergen.mueller@legacy.example' },
  { name: 'Amélie Dubois', address: 'amelie.dubois@legacy.example' },
  { name: 'Bob Smith', address: 'bob@legacy.example' },
  { name: 'Søren Ødegård', address: 'soren@partner.example' },
];
const WORDS = 'Angebot Rechnung réunion budget Übersicht projet status draft Lieferung délai review Straße café naïve'.split(' ');
const SHARED_MESSAGE_ID = '<shared-id@legacy.example>';
const BASE_TIME = Date.UTC(2007, 0, 1, 8, 0, 0);

/**
 * The messages of a corpus, built one at a time (16,000 messages of 70 KB never sit in memory
 * together). Message i depends only on (seed, i), so any one can be rebuilt to compare with.
 * The first messages, in order, are the special cases of SPECIAL_KINDS (those that fit `count`;
 * `largeItem` only with `largeItemBytes`).
 */
export function* generateCorpus(options: CorpusOptions): Generator<CorpusMessage> {
  for (let index = 0; index < options.count; index += 1) yield corpusMessage(options, index);
}

export function corpusMessage(options: CorpusOptions, index: number): CorpusMessage {
  const random = new SeededRandom((options.seed * 1_000_003 + index * 7919) >>> 0);
  const folders = options.folders ?? DEFAULT_FOLDERS;
  const kinds = SPECIAL_KINDS.filter((k) => k !== 'largeItem' || options.largeItemBytes !== undefined);
  const kind = kinds[index] ?? 'filler';
  const folder = index < kinds.length ? (folders[0] ?? ['INBOX']) : random.pick(folders);
  const date = new Date(BASE_TIME + index * 3_600_000 + random.int(0, 3_599) * 1000);
  const spec = messageSpec(kind, index, date, options, random);
  // Options a caller leaves out draw nothing, so a corpus without them stays the same, byte for byte.
  const flags = [
    ...(random.chance(0.7) ? ['\\Seen'] : []),
    ...(random.chance(0.1) ? ['\\Flagged'] : []),
    ...(options.answeredShare !== undefined && random.chance(options.answeredShare) ? ['\\Answered'] : []),
  ];
  return {
    index,
    kind,
    folder,
    flags,
    // Received a little after it was written, as on a real server.
    internalDate: new Date(date.getTime() + 42_000).toISOString(),
    messageId: spec.messageId,
    raw: buildMessage(spec, random),
  };
}

function messageSpec(kind: CorpusMessageKind, index: number, date: Date, options: CorpusOptions, random: SeededRandom): MessageSpec {
  const words = (n: number): string => Array.from({ length: n }, () => random.pick(WORDS)).join(' ');
  const from = random.pick(PEOPLE);
  const base: MessageSpec = {
    from,
    to: random.pick(PEOPLE.filter((p) => p !== from)),
    subject: `${words(3)} #${index}`,
    date,
    messageId: `<corpus-${options.seed}-${index}@legacy.example>`,
    text: `${words(40)}\n`,
  };
  const html = (text: string, extra = ''): string => `<html><body><p>${text}</p>${extra}</body></html>\n`;
  const file = (filename: string, contentType: string, size: number, contentId?: string): AttachmentSpec => ({
    filename,
    contentType,
    size,
    ...(contentId ? { contentId } : {}),
  });
  switch (kind) {
    case 'plain':
      return { ...base, subject: `Plain ASCII message #${index}`, text: 'Hello,\nthis is plain text.\n' };
    case 'alternative':
      return { ...base, subject: `Grüße aus Köln – réunion #${index}`, html: html(base.text) };
    case 'attachments':
      return {
        ...base,
        attachments: [
          file('Angebot 2007.pdf', 'application/pdf', 48_000),
          file('Prüfung.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 23_000),
        ],
      };
    case 'inlineImage':
      return {
        ...base,
        html: html(base.text, '<img src="cid:logo@corpus">'),
        attachments: [file('logo.png', 'image/png', 6_000, 'logo@corpus'), file('notes.txt', 'text/plain', 900)],
      };
    case 'eightBit':
      return { ...base, eightBit: true, text: 'Sehr geehrte Frau Müller,\nanbei die Übersicht für März – à bientôt, ça va?\n' };
    case 'noMessageId':
      return { ...base, messageId: null };
    case 'sharedMessageIdA':
      return { ...base, messageId: SHARED_MESSAGE_ID, subject: 'Shared Message-ID, first message' };
    case 'sharedMessageIdB':
      return { ...base, messageId: SHARED_MESSAGE_ID, subject: 'Shared Message-ID, second (different) message', text: 'A different body.\n' };
    case 'over3MB':
      return { ...base, attachments: [file('scan.tif', 'image/tiff', 2_400_000)] };
    case 'largeItem':
      return { ...base, attachments: [file('video.avi', 'video/x-msvideo', Math.ceil(((options.largeItemBytes ?? 0) * 3) / 4) + 1024)] };
    case 'filler': {
      const filler = options.withoutMessageIdShare !== undefined && random.chance(options.withoutMessageIdShare) ? { ...base, messageId: null } : base;
      const big = options.bigAttachments;
      if (big && random.chance(big.share))
        return { ...filler, attachments: [file(`Scan-${random.int(1, 999)}.pdf`, 'application/pdf', random.int(big.minBytes, big.maxBytes))] };
      return fillerSpec(filler, options.averageBytes ?? 70_000, random, html, file);
    }
  }
}

/**
 * Half plain, a third HTML, the rest with one attachment sized so that the whole corpus
 * averages about `averageBytes` (attachments carry nearly all the bytes, as in real mail).
 */
function fillerSpec(
  base: MessageSpec,
  averageBytes: number,
  random: SeededRandom,
  html: (text: string) => string,
  file: (name: string, type: string, size: number) => AttachmentSpec,
): MessageSpec {
  const roll = random.next();
  if (roll < 0.5) return base;
  if (roll < 0.8) return { ...base, html: html(base.text) };
  const attachmentBytes = Math.max(1_000, Math.round(((averageBytes - 1_500) / 0.2) * 0.75 * (0.5 + random.next())));
  return { ...base, attachments: [file(`Anlage-${random.int(1, 999)}.pdf`, 'application/pdf', attachmentBytes)] };
}
