import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import diagnosticsChannel from 'node:diagnostics_channel';
import { readdirSync, rmSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { Agent } from 'undici';
import { DavItemSource } from '../src/connectors/dav/davItemSource';
import { createGraphSession, type GraphConnection } from '../src/connectors/graph/graphConnection';
import { GraphGroupwareTarget } from '../src/connectors/graph/graphGroupwareTarget';
import { OUTLOOK_LIMITS } from '../src/connectors/graph/mailboxBudget';
import type { GroupwareKind } from '../src/core/groupware/groupwareKind';
import { startAzurite } from '../tools/azurite/startAzurite';
import { SeededRandom } from '../tools/corpus/seededRandom';
import { type DavAccount, seedDav } from '../tools/radicale/seedDav';
import { type RunningRadicale, startRadicale } from '../tools/radicale/startRadicale';
import { type SandboxProcess, startSandboxProcess } from './copyEngine.bench';
import { BERLIN_VTIMEZONE } from '../tools/corpus/vtimezones';
import { groupwareCopy, pageTotals } from '../test/support/copyHarness';

/**
 * Contacts and events (issue 14), from a real CalDAV/CardDAV server to Microsoft 365, through the product's
 * own path: Radicale → DavItemSource → the copy engine's groupware adapter (mapGroupwareItem) → GraphGroupwareTarget → the
 * m365 sandbox, with the item map in Azurite tables (wired as test/integration/groupware/groupwareCopier.test.ts
 * wires it). The corpus is generated from a fixed seed: BENCH_GROUPWARE_CONTACTS contacts (default 300; one to
 * four emails, phones of several kinds, postal addresses, a JPEG photo on every fifth) and BENCH_GROUPWARE_EVENTS
 * events (default 300; single events and all-day ones, and weekly series in Europe/Berlin, each with an EXDATE and
 * a moved occurrence, RECURRENCE-ID).
 *
 * Every figure is a ratio to something measured in the same run:
 * - the floor: the same corpus only read from Radicale by the DAV source (discovery, listing, multiget in the
 *   copier's pages of 50; best of two runs), so "the copy is N× a bare read";
 * - Outlook's budget of 10,000 requests per 10 minutes per app and mailbox
 *   (https://learn.microsoft.com/en-us/graph/throttling-limits#outlook-service-limits): at the measured Graph
 *   requests per item it allows at most so many contacts/s and events/s, and the measured rate is given as a
 *   multiple of that.
 * Two copies: into a mailbox with no added latency (the code's own cost), and into another with
 * BENCH_GROUPWARE_LATENCY_MS (default 100) per Graph request, as the copy-engine bench; each followed by an
 * incremental pass with nothing changed. Requests are counted where they leave the copying process (fetch for
 * DAV and Graph, node:http for Azurite), split by item kind from their URL, and compared with the product's own
 * counters. Each run is a process of its own (this file, run as a script), so its peak memory is the copy's alone;
 * Radicale, Azurite and the sandbox run in processes of their own too.
 */
const CONTACTS = Number(process.env.BENCH_GROUPWARE_CONTACTS ?? 300);
const EVENTS = Number(process.env.BENCH_GROUPWARE_EVENTS ?? 300);
const LATENCY_MS = Number(process.env.BENCH_GROUPWARE_LATENCY_MS ?? 100);
const SOURCE_USER = 'ann@contoso.com';
const SOURCE_PASSWORD = 'bench-pw';
/** The copier's FETCH_PAGE: the floor reads in the same pages, so the ratio is the writes' cost. */
const READ_PAGE = 50;
const OUTLOOK_BUDGET_URL = 'https://learn.microsoft.com/en-us/graph/throttling-limits#outlook-service-limits';
/** Outlook's sustained rate per app and mailbox: 10,000 requests per 10 minutes. */
const BUDGET_PER_SECOND = OUTLOOK_LIMITS.requestsPerWindow / (OUTLOOK_LIMITS.requestWindowMs / 1000);
const KINDS: readonly GroupwareKind[] = ['contact', 'event'];

type Phase = { kind: 'read' } | { kind: 'copy'; connection: GraphConnection; upn: string; mailboxKey: string };

interface WorkerInput {
  phase: Phase;
  dav: DavAccount;
  /** Paths of the address book and the calendar at Radicale, to tell their requests apart. */
  collectionPaths: Record<GroupwareKind, string>;
  azuriteTablePort: number;
}

type Counts = Record<GroupwareKind | 'other', number>;

interface WorkerOutput {
  seconds: number;
  /** From the first request for a kind of item to the first for the next kind (or the end). */
  kindSeconds: Partial<Record<GroupwareKind, number>>;
  /** Read: items read. Copy: items copied (created, updated or matched). */
  items: Record<GroupwareKind, number>;
  created: number;
  updated: number;
  matched: number;
  removed: number;
  skipped: number;
  failed: number;
  /**
   * Graph requests as Outlook's budget counts them, by kind and by method: each request inside a $batch
   * counts on its own (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits, "JSON batching"), the
   * $batch envelope does not.
   */
  graph: Record<GroupwareKind | 'other', Record<string, number>>;
  /** HTTP requests to Graph that left the process (round trips): a $batch is one. */
  graphHttp: { batches: number; single: number };
  /** The product's own RequestCounter (Graph counts), and its 429s. */
  graphCounted: number;
  throttled: number;
  dav: Counts;
  /** DavItemSource.requestCount(). */
  davCounted: number;
  tableRequests: number;
  /** Time spent waiting for answers: Graph's (the product's RequestCounter), and the item map's tables. */
  graphSeconds: number;
  tableSeconds: number;
  startRssMb: number;
  peakRssMb: number;
  peakHeapMb: number;
}

export default async function run(): Promise<void> {
  const azurite = await startAzurite();
  let radicale: RunningRadicale | undefined;
  let sandbox: SandboxProcess | undefined;
  const caFilesBefore = new Set(sandboxCaFiles());
  try {
    radicale = await startRadicale({ users: [{ name: SOURCE_USER, password: SOURCE_PASSWORD }] });
    const corpus = generateGroupware(7);
    const dav = radicale.account(SOURCE_USER);
    const started = Date.now();
    const seeded = await seedDav(dav, {
      addressBooks: [{ name: 'contacts', displayName: 'Contacts', vcards: corpus.vcards }],
      calendars: [{ name: 'calendar', displayName: 'Calendar', events: corpus.events }],
    });
    console.log(
      `corpus: ${CONTACTS} contacts (${kb(corpus.vcards)} KB; 1 to 4 emails, up to 4 phones, up to 2 addresses, ${corpus.photos} with a JPEG photo) and ` +
        `${EVENTS} events (${kb(corpus.events)} KB; ${corpus.single} single, ${corpus.allDay} all-day, ${corpus.series} weekly series in Europe/Berlin ` +
        `each with an EXDATE and a moved occurrence), seeded into Radicale in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    const base = {
      dav,
      collectionPaths: { contact: pathOf(seeded.addressBooks[0]!.url), event: pathOf(seeded.calendars[0]!.url) },
      azuriteTablePort: azurite.ports.table,
    };
    const env = {
      ...process.env,
      AzureWebJobsStorage: azurite.connectionString,
      MIGRATION_STORAGE_PREFIX: `b${randomBytes(3).toString('hex')}`,
      MIGRATION_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    };

    const reads = [await runPhase(env, { ...base, phase: { kind: 'read' } }), await runPhase(env, { ...base, phase: { kind: 'read' } })];
    const floor = reads.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const floorItems = floor.items.contact + floor.items.event;
    console.log(
      `bare read (DAV source only: discovery, listing, multiget in pages of ${READ_PAGE}; best of 2, ${reads.map((r) => r.seconds.toFixed(2)).join(' and ')} s): ` +
        `${floorItems} items in ${floor.seconds.toFixed(2)} s = ${(floorItems / floor.seconds).toFixed(0)} items/s, ` +
        `${floor.davCounted} DAV requests (${(floor.davCounted / floorItems).toFixed(3)} per item); peak memory ${floor.peakRssMb.toFixed(0)} MB RSS`,
    );

    const upns = { fast: 'fast@contoso.onmicrosoft.com', slow: 'slow@contoso.onmicrosoft.com' };
    sandbox = await startSandboxProcess(0, [upns.fast, upns.slow]);
    const connection = sandbox.connection;
    const passes: [string, string, number][] = [
      ['no added latency', upns.fast, 0],
      [`${LATENCY_MS} ms per Graph request`, upns.slow, LATENCY_MS],
    ];
    for (const [label, upn, latency] of passes) {
      await sandboxControl(connection, 'PUT', '/_sandbox/latency', { latencyMs: latency });
      const phase: Phase = { kind: 'copy', connection, upn, mailboxKey: `bench-${upn}` };
      const first = await runPhase(env, { ...base, phase });
      printCopy(`copy, ${label}`, first, floor);
      const again = await runPhase(env, { ...base, phase });
      printIncremental(again, floor);
      const cloud = (await sandboxControl(connection, 'GET', `/_sandbox/mailboxes/${encodeURIComponent(upn)}`)) as {
        contacts: { photo?: unknown }[];
        events: { cancelledOccurrences?: unknown[]; exceptions?: Record<string, unknown> }[];
      };
      const meetingMessages = ((await sandboxControl(connection, 'GET', `/_sandbox/meeting-messages?from=${encodeURIComponent(upn)}`)) as { value: unknown[] })
        .value.length;
      console.log(
        `  in the sandbox: ${cloud.contacts.length} contacts (${cloud.contacts.filter((c) => c.photo).length} with a photo), ${cloud.events.length} events ` +
          `(${cloud.events.filter((e) => (e.cancelledOccurrences ?? []).length > 0).length} with a cancelled occurrence, ` +
          `${cloud.events.filter((e) => Object.keys(e.exceptions ?? {}).length > 0).length} with a moved one); meeting messages sent: ${meetingMessages}`,
      );
    }
  } finally {
    sandbox?.stop();
    await Promise.all([radicale?.stop(), azurite.stop()]);
    // startSandboxProcess leaves the sandbox's CA file behind; this run's goes.
    for (const file of sandboxCaFiles()) if (!caFilesBefore.has(file)) rmSync(file, { force: true });
  }
}

/** The CA files startSandboxProcess wrote for this process (it names them after its pid). */
function sandboxCaFiles(): string[] {
  const folder = process.env.TMPDIR ?? '/tmp';
  return readdirSync(folder)
    .filter((name) => name.startsWith(`bench-sandbox-ca-${process.pid}-`))
    .map((name) => path.join(folder, name));
}

function printCopy(label: string, m: WorkerOutput, floor: WorkerOutput): void {
  const total = m.items.contact + m.items.event;
  const rate = (kind: GroupwareKind) => m.items[kind] / (m.kindSeconds[kind] ?? m.seconds);
  console.log(
    `${label}: ${m.items.contact} contacts in ${(m.kindSeconds.contact ?? 0).toFixed(1)} s = ${rate('contact').toFixed(1)} contacts/s, ` +
      `${m.items.event} events in ${(m.kindSeconds.event ?? 0).toFixed(1)} s = ${rate('event').toFixed(1)} events/s; ` +
      `the whole pass ${m.seconds.toFixed(1)} s = ${(m.seconds / floor.seconds).toFixed(1)}× the bare read ` +
      `(contacts ${ratio(m.kindSeconds.contact, floor.kindSeconds.contact)}×, events ${ratio(m.kindSeconds.event, floor.kindSeconds.event)}×)` +
      `${m.skipped || m.failed || m.matched ? `; skipped ${m.skipped}, matched ${m.matched}, collections failed ${m.failed}` : ''}`,
  );
  const counted = sum(m.graph.contact) + sum(m.graph.event) + sum(m.graph.other);
  const http = m.graphHttp.batches + m.graphHttp.single;
  console.log(
    `  Graph HTTP requests (round trips): ${http} = ${(http / total).toFixed(3)} per item (${m.graphHttp.batches} $batch, ${m.graphHttp.single} single); ` +
      `429s: ${m.throttled}`,
  );
  console.log(
    `  requests Outlook's budget counts (each one inside a $batch): ${counted} = ${(counted / total).toFixed(2)} per item (the product's RequestCounter: ${m.graphCounted}); ` +
      `per contact ${perItem(m.graph.contact, m.items.contact)}; per event ${perItem(m.graph.event, m.items.event)}${sum(m.graph.other) ? `; other ${sum(m.graph.other)}` : ''}`,
  );
  console.log(
    `  DAV requests: ${m.davCounted} = ${(m.davCounted / total).toFixed(3)} per item (address book ${m.dav.contact}, calendar ${m.dav.event}, ` +
      `discovery and listing ${m.dav.other}); Azurite table requests: ${m.tableRequests} = ${(m.tableRequests / total).toFixed(2)} per item`,
  );
  // The copier runs 4 items at once (the mailbox's 4 concurrent requests), so request times overlap: summed, they may exceed the pass.
  console.log(
    `  request time summed over the copier's 4 lanes (they overlap, so it may exceed the pass's ${m.seconds.toFixed(1)} s): ` +
      `Graph ${m.graphSeconds.toFixed(1)} s (${percent(m.graphSeconds, m.seconds)} of the pass), the item map's tables ${m.tableSeconds.toFixed(1)} s (${percent(m.tableSeconds, m.seconds)})`,
  );
  const budget = KINDS.map((kind) => {
    const perOne = sum(m.graph[kind]) / m.items[kind];
    const allowed = BUDGET_PER_SECOND / perOne;
    return `${allowed.toFixed(1)} ${kind}s/s (measured ${(rate(kind) / allowed).toFixed(2)}× that)`;
  });
  console.log(
    `  Outlook's budget, ${OUTLOOK_LIMITS.requestsPerWindow.toLocaleString('en-US')} requests per 10 minutes per app and mailbox ` +
      `(${BUDGET_PER_SECOND.toFixed(1)}/s, ${OUTLOOK_BUDGET_URL}), allows at these requests per item at most ${budget.join(' and ')}`,
  );
  console.log(
    `  peak memory of the copying process: ${m.peakRssMb.toFixed(0)} MB RSS (${m.startRssMb.toFixed(0)} MB at its start; heap and buffers in use at most ${m.peakHeapMb.toFixed(0)} MB)`,
  );
}

function printIncremental(m: WorkerOutput, floor: WorkerOutput): void {
  const writes = ['POST', 'PATCH', 'PUT', 'DELETE'].reduce((n, method) => n + KINDS.reduce((k, kind) => k + (m.graph[kind][method] ?? 0), 0), 0);
  const sent = m.graphHttp.batches + m.graphHttp.single;
  console.log(
    `  incremental pass, nothing changed: ${m.seconds.toFixed(2)} s = ${(m.seconds / floor.seconds).toFixed(2)}× the bare read; ` +
      `Graph HTTP requests ${sent} (writes ${writes}); DAV requests ${m.davCounted}; Azurite table requests ${m.tableRequests}; ` +
      `created ${m.created}, updated ${m.updated}, matched ${m.matched}, removed ${m.removed}; peak memory ${m.peakRssMb.toFixed(0)} MB RSS`,
  );
}

function perItem(byMethod: Record<string, number>, items: number): string {
  const parts = Object.entries(byMethod)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([method, n]) => `${method} ${(n / items).toFixed(2)}`);
  return `${(sum(byMethod) / items).toFixed(2)} (${parts.join(', ')})`;
}

function percent(part: number, whole: number): string {
  return `${((part / whole) * 100).toFixed(0)}%`;
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined ? '?' : (a / b).toFixed(1);
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

function kb(texts: readonly string[]): string {
  return (texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / 1024).toFixed(0);
}

async function runPhase(env: NodeJS.ProcessEnv, input: WorkerInput): Promise<WorkerOutput> {
  try {
    // A heap limit makes the collector keep up, so RSS shows what the copy needs (as in the copy-engine bench).
    const { stdout } = await promisify(execFile)(process.execPath, ['--max-old-space-size=256', __filename], {
      env: { ...env, GROUPWARE_BENCH_INPUT: JSON.stringify(input) },
      maxBuffer: 1 << 20,
      timeout: 30 * 60_000,
    });
    return JSON.parse(stdout.trim().split('\n').pop()!) as WorkerOutput;
  } catch (error) {
    throw new Error(`The groupware bench worker failed: ${(error as { stderr?: string }).stderr ?? String(error)}`);
  }
}

/** The sandbox's test controls (no token), over https with its CA. */
async function sandboxControl(connection: GraphConnection, method: string, path: string, body?: unknown): Promise<unknown> {
  const dispatcher = new Agent({ connect: { ca: connection.caCertificatePem } });
  try {
    const response = await fetch(new URL(path, connection.baseUrl), {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      dispatcher,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  } finally {
    await dispatcher.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The corpus

const GIVEN = ['Anna', 'Bernd', 'Clara', 'Dieter', 'Eva', 'Felix', 'Greta', 'Hans', 'Inès', 'Jonas', 'Karin', 'Lukas', 'Mia', 'Noah', 'Olga', 'Paul', 'Zoë'];
const FAMILY = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter', 'Wolf', 'Schröder'];
const COMPANIES = ['Contoso', 'Fabrikam', 'Northwind Traders', 'Tailspin Toys', 'Wide World Importers', 'Adventure Works'];
const DEPARTMENTS = ['Sales', 'Purchasing', 'Legal', 'Engineering', 'Finance'];
const TITLES = ['Account Manager', 'Buyer', 'Counsel', 'Engineer', 'Controller', 'Head of Department'];
const CITIES: [string, string][] = [
  ['Berlin', '10115'],
  ['Hamburg', '20095'],
  ['München', '80331'],
  ['Köln', '50667'],
  ['Frankfurt am Main', '60311'],
];
const STREETS = ['Hauptstraße', 'Bahnhofstraße', 'Gartenweg', 'Lindenallee', 'Schillerstraße'];
const SUBJECTS = ['Budget review', 'Customer call', 'Lunch with supplier', 'Project kick-off', 'Quarterly planning', 'Dentist', 'Board meeting', 'Training'];
const SERIES = ['Weekly sync', 'Team stand-up', 'One-to-one', 'Sales pipeline review', 'Architecture forum'];
const ROOMS = ['Room 1.12', 'Room 2.04', 'Hamburg office', 'Online'];
const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

interface GroupwareCorpus {
  vcards: string[];
  events: string[];
  photos: number;
  single: number;
  allDay: number;
  series: number;
}

/** The same contacts and events for the same seed, on every machine. */
export function generateGroupware(seed: number): GroupwareCorpus {
  const random = new SeededRandom(seed);
  const corpus: GroupwareCorpus = { vcards: [], events: [], photos: 0, single: 0, allDay: 0, series: 0 };
  for (let i = 0; i < CONTACTS; i += 1) {
    const photo = i % 5 === 0;
    if (photo) corpus.photos += 1;
    corpus.vcards.push(vcard(i, random, photo));
  }
  for (let i = 0; i < EVENTS; i += 1) {
    const roll = random.next();
    if (roll < 0.25) {
      corpus.series += 1;
      corpus.events.push(weeklySeries(i, random));
    } else if (roll < 0.45) {
      corpus.allDay += 1;
      corpus.events.push(allDayEvent(i, random));
    } else {
      corpus.single += 1;
      corpus.events.push(singleEvent(i, random));
    }
  }
  return corpus;
}

function vcard(i: number, random: SeededRandom, withPhoto: boolean): string {
  const given = random.pick(GIVEN);
  const family = random.pick(FAMILY);
  const company = random.pick(COMPANIES);
  const domain = `${company.toLowerCase().replace(/[^a-z]/g, '')}.example`;
  const login = `${given}.${family}`
    .toLowerCase()
    .normalize('NFD')
    .replace(/[^a-z.]/g, '');
  const lines = ['BEGIN:VCARD', 'VERSION:3.0', `UID:bench-contact-${i}`, `N:${esc(family)};${esc(given)};;;`, `FN:${esc(`${given} ${family}`)}`];
  lines.push(`ORG:${esc(company)};${esc(random.pick(DEPARTMENTS))}`, `TITLE:${esc(random.pick(TITLES))}`);
  const emails = random.int(1, 4); // a 4th goes to the notes (Outlook has three email slots)
  const kinds = ['WORK', 'HOME', 'WORK', 'OTHER'];
  for (let e = 0; e < emails; e += 1) lines.push(`EMAIL;TYPE=INTERNET,${kinds[e]!}${e === 0 ? ',PREF' : ''}:${e === 0 ? login : `${login}${e}`}@${domain}`);
  const number = () => `+49 ${random.int(30, 89)} ${random.int(1000000, 9999999)}`;
  lines.push(`TEL;TYPE=WORK,VOICE:${number()}`);
  if (random.chance(0.7)) lines.push(`TEL;TYPE=CELL:+49 1${random.int(50, 79)} ${random.int(1000000, 9999999)}`);
  if (random.chance(0.4)) lines.push(`TEL;TYPE=HOME,VOICE:${number()}`);
  if (random.chance(0.2)) lines.push(`TEL;TYPE=WORK,FAX:${number()}`);
  const address = (type: string) => {
    const [city, zip] = random.pick(CITIES);
    return `ADR;TYPE=${type}:;;${esc(`${random.pick(STREETS)} ${random.int(1, 120)}`)};${esc(city)};;${zip};Germany`;
  };
  if (random.chance(0.6)) lines.push(address('WORK'));
  if (random.chance(0.3)) lines.push(address('HOME'));
  if (random.chance(0.3)) lines.push(`BDAY:${random.int(1950, 1990)}-${pad(random.int(1, 12))}-${pad(random.int(1, 28))}`);
  if (random.chance(0.3)) lines.push(`URL:https://www.${domain}/team/${login}`);
  if (random.chance(0.3)) lines.push(`CATEGORIES:${random.chance(0.5) ? 'Customers' : 'Suppliers,Christmas cards'}`);
  if (random.chance(0.4))
    lines.push(`NOTE:${esc(`Met at the ${random.int(2001, 2007)} trade fair; prefers calls in the morning.\nAssistant: ${random.pick(GIVEN)}`)}`);
  if (withPhoto) lines.push(...fold(`PHOTO;ENCODING=b;TYPE=JPEG:${jpeg(random, random.int(2_000, 12_000)).toString('base64')}`));
  lines.push('END:VCARD', '');
  return lines.join('\r\n');
}

/** A small JPEG the sandbox accepts: SOI, JFIF, a comment of filler, a start-of-frame with its size, EOI. */
function jpeg(random: SeededRandom, filler: number): Buffer {
  const size = Math.min(filler, 65_000);
  const comment = Buffer.concat([Buffer.from([0xff, 0xfe]), u16(size + 2), random.bytes(size)]);
  const side = random.pick([96, 128, 240]);
  const frame = Buffer.concat([
    Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08]),
    u16(side),
    u16(side),
    Buffer.from([0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]),
  ]);
  const jfif = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), jfif, comment, frame, Buffer.from([0xff, 0xd9])]);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function singleEvent(i: number, random: SeededRandom): string {
  const day = randomDay(random);
  const hour = random.int(8, 16);
  const minutes = random.pick([30, 60, 90, 120]);
  const end = hour * 60 + minutes;
  const lines = [
    'BEGIN:VEVENT',
    `UID:bench-event-${i}@contoso.com`,
    'DTSTAMP:20070101T000000Z',
    `DTSTART;TZID=Europe/Berlin:${ymd(day)}T${pad(hour)}0000`,
    `DTEND;TZID=Europe/Berlin:${ymd(day)}T${pad(Math.floor(end / 60))}${pad(end % 60)}00`,
    `SUMMARY:${esc(`${random.pick(SUBJECTS)} ${i}`)}`,
  ];
  if (random.chance(0.6)) lines.push(`LOCATION:${esc(random.pick(ROOMS))}`);
  if (random.chance(0.5)) lines.push(`DESCRIPTION:${esc(`Agenda:\n1. Review of last week\n2. Next steps for item ${i}`)}`);
  if (random.chance(0.2)) lines.push('CLASS:PRIVATE');
  if (random.chance(0.3)) {
    lines.push('ORGANIZER;CN=Ann:mailto:ann@contoso.com');
    lines.push(`ATTENDEE;CN=Bob;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:bob@contoso.com`);
    if (random.chance(0.5)) lines.push('ATTENDEE;CN=Carol;ROLE=OPT-PARTICIPANT:mailto:carol@fabrikam.com');
  }
  if (random.chance(0.5)) lines.push('BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:Reminder', `TRIGGER:-PT${random.pick([5, 15, 30])}M`, 'END:VALARM');
  lines.push('END:VEVENT');
  return calendar(lines, true);
}

function allDayEvent(i: number, random: SeededRandom): string {
  const day = randomDay(random);
  const lines = [
    'BEGIN:VEVENT',
    `UID:bench-allday-${i}@contoso.com`,
    'DTSTAMP:20070101T000000Z',
    `DTSTART;VALUE=DATE:${ymd(day)}`,
    `DTEND;VALUE=DATE:${ymd(addDays(day, random.int(1, 3)))}`,
    `SUMMARY:${esc(random.pick(['Team offsite', 'Trade fair', 'Holiday', 'Conference']))} ${i}`,
    'TRANSP:TRANSPARENT',
    'END:VEVENT',
  ];
  return calendar(lines, false);
}

/** A weekly series in Europe/Berlin: its 3rd occurrence cancelled (EXDATE), its 4th moved a day later (RECURRENCE-ID). */
function weeklySeries(i: number, random: SeededRandom): string {
  const start = randomDay(random);
  const hour = random.int(8, 16);
  const interval = random.chance(0.25) ? 2 : 1;
  const count = random.int(6, 12);
  const occurrence = (k: number) => addDays(start, 7 * interval * k);
  const at = (day: Date, h: number) => `${ymd(day)}T${pad(h)}0000`;
  const uid = `bench-series-${i}@contoso.com`;
  // RFC 5545: with a TZID start, UNTIL is in UTC; the last occurrence's day at 23:59:59Z.
  const end = random.chance(0.5) ? `COUNT=${count}` : `UNTIL=${ymd(occurrence(count - 1))}T235959Z`;
  const subject = `${random.pick(SERIES)} ${i}`;
  const moved = addDays(occurrence(3), 1);
  const lines = [
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20070101T000000Z',
    `DTSTART;TZID=Europe/Berlin:${at(start, hour)}`,
    `DTEND;TZID=Europe/Berlin:${at(start, hour + 1)}`,
    `SUMMARY:${esc(subject)}`,
    `RRULE:FREQ=WEEKLY;${interval > 1 ? `INTERVAL=${interval};` : ''}BYDAY=${WEEKDAYS[start.getUTCDay()]!};${end}`,
    `EXDATE;TZID=Europe/Berlin:${at(occurrence(2), hour)}`,
    `LOCATION:${esc(random.pick(ROOMS))}`,
    'ORGANIZER;CN=Ann:mailto:ann@contoso.com',
    'ATTENDEE;CN=Bob;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:bob@contoso.com',
    'END:VEVENT',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20070101T000000Z',
    `RECURRENCE-ID;TZID=Europe/Berlin:${at(occurrence(3), hour)}`,
    `DTSTART;TZID=Europe/Berlin:${at(moved, hour + 2)}`,
    `DTEND;TZID=Europe/Berlin:${at(moved, hour + 3)}`,
    `SUMMARY:${esc(`${subject} (moved)`)}`,
    'END:VEVENT',
  ];
  return calendar(lines, true);
}

function calendar(body: string[], withZone: boolean): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Bench//Groupware//EN', ...(withZone ? BERLIN_VTIMEZONE : []), ...body, 'END:VCALENDAR', ''].join('\r\n');
}

/** A weekday in 2007 or 2008 (series and meetings fall on working days; several cross a change of daylight saving time). */
function randomDay(random: SeededRandom): Date {
  for (;;) {
    const day = addDays(new Date(Date.UTC(2007, 0, 1)), random.int(0, 729));
    if (day.getUTCDay() !== 0 && day.getUTCDay() !== 6) return day;
  }
}

function addDays(day: Date, days: number): Date {
  return new Date(day.getTime() + days * 86_400_000);
}

function ymd(day: Date): string {
  return `${day.getUTCFullYear()}${pad(day.getUTCMonth() + 1)}${pad(day.getUTCDate())}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** vCard/iCalendar TEXT escaping (RFC 6350 3.4, RFC 5545 3.3.11). */
function esc(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/;/g, '\\;').replace(/\n/g, '\\n');
}

/** Folds an ASCII content line at 75 octets (RFC 6350 3.2). */
function fold(line: string): string[] {
  const out = [line.slice(0, 75)];
  for (let at = 75; at < line.length; at += 74) out.push(` ${line.slice(at, at + 74)}`);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// One run, in a process of its own

async function runWorker(input: WorkerInput): Promise<WorkerOutput> {
  const graphBase = input.phase.kind === 'copy' ? new URL(input.phase.connection.baseUrl!) : undefined;
  const davBase = new URL(input.dav.url);
  const graph: WorkerOutput['graph'] = { contact: {}, event: {}, other: {} };
  const graphHttp: WorkerOutput['graphHttp'] = { batches: 0, single: 0 };
  const dav: Counts = { contact: 0, event: 0, other: 0 };
  const firstAt = new Map<GroupwareKind, number>();
  let tableRequests = 0;
  let tableMs = 0;
  const tableStarts = new WeakMap<ClientRequest, number>();
  const mark = (kind: GroupwareKind | 'other') => {
    if (kind !== 'other' && !firstAt.has(kind)) firstAt.set(kind, performance.now());
  };
  const countGraph = (pathname: string, method: string) => {
    const kind = graphKind(pathname);
    graph[kind][method] = (graph[kind][method] ?? 0) + 1;
    mark(kind);
  };

  // Every DAV and Graph request of the product goes through the global fetch (DavHttp, the Graph client's HTTPMessageHandler).
  const realFetch = globalThis.fetch;
  globalThis.fetch = (resource: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const url = new URL(typeof resource === 'string' ? resource : resource instanceof URL ? resource.href : resource.url);
    const method = (init?.method ?? (resource instanceof Request ? resource.method : 'GET')).toUpperCase();
    if (graphBase && url.host === graphBase.host && url.pathname === '/v1.0/$batch') {
      graphHttp.batches += 1;
      // The envelope's requests name their URLs relative to the version ("/users/{id}/events").
      // The Graph client sends the envelope as a JSON string.
      const body = JSON.parse(typeof init?.body === 'string' ? init.body : '{}') as { requests?: { method: string; url: string }[] };
      for (const inner of body.requests ?? []) countGraph(`/v1.0${new URL(inner.url, 'https://graph.invalid/').pathname}`, inner.method.toUpperCase());
    } else if (graphBase && url.host === graphBase.host && url.pathname.startsWith('/v1.0/')) {
      graphHttp.single += 1;
      countGraph(url.pathname, method);
    } else if (url.host === davBase.host) {
      const kind = KINDS.find((k) => pathOf(url.href).startsWith(input.collectionPaths[k])) ?? 'other';
      dav[kind] += 1;
      mark(kind);
    }
    return realFetch(resource, init);
  };
  // The item map's tables (@azure/data-tables sends through node:http).
  diagnosticsChannel.subscribe('http.client.request.start', (message) => {
    const request = (message as { request: ClientRequest }).request;
    if (!String(request.getHeader('host') ?? '').endsWith(`:${input.azuriteTablePort}`)) return;
    tableRequests += 1;
    tableStarts.set(request, performance.now());
  });
  diagnosticsChannel.subscribe('http.client.response.finish', (message) => {
    const request = (message as { request: ClientRequest }).request;
    const started = tableStarts.get(request);
    if (started === undefined) return;
    tableMs += performance.now() - started;
    tableStarts.delete(request);
  });

  const source = new DavItemSource({ url: input.dav.url, credentials: { username: input.dav.username, password: input.dav.password } });
  const output = { created: 0, updated: 0, matched: 0, removed: 0, skipped: 0, failed: 0, graphCounted: 0, throttled: 0, graphSeconds: 0 };
  const items: Record<GroupwareKind, number> = { contact: 0, event: 0 };
  let work: () => Promise<void>;
  if (input.phase.kind === 'read') {
    work = async () => {
      for (const collection of await source.listCollections()) {
        const changes = await source.changes(collection);
        const hrefs = (changes.full ? changes.items : changes.changed).map((v) => v.href);
        for (let start = 0; start < hrefs.length; start += READ_PAGE) {
          items[collection.kind] += (await source.fetch(collection, hrefs.slice(start, start + READ_PAGE))).length;
        }
      }
    };
  } else {
    const phase = input.phase;
    const session = createGraphSession(phase.connection);
    // The app's token is fetched once per session, before any copy; not the copy's cost.
    await session.accessToken();
    const copy = groupwareCopy({ mailboxKey: phase.mailboxKey, source, target: new GraphGroupwareTarget(session, phase.upn) });
    work = async () => {
      const pages = await copy.copyAll({ newPass: true });
      output.failed = pages.at(-1)!.containers.filter((c) => c.failed).length;
      for (const kind of ['contact', 'event'] as const) {
        const r = pageTotals(pages, kind);
        items[kind] += r.created + r.updated + r.matched;
        output.created += r.created;
        output.updated += r.updated;
        output.matched += r.matched;
        output.removed += r.removed;
        output.skipped += r.skipped;
      }
      output.graphCounted = session.counter.requests;
      output.throttled = session.counter.throttled;
      output.graphSeconds = session.counter.requestMilliseconds / 1000;
    };
  }

  const startRss = process.memoryUsage().rss;
  let peak = startRss;
  let peakHeap = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    peak = Math.max(peak, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed + usage.arrayBuffers);
  };
  const sampler = setInterval(sample, 50);
  const started = performance.now();
  let ended: number;
  try {
    await work();
  } finally {
    ended = performance.now();
    clearInterval(sampler);
    await source.close();
  }
  sample();
  const order = [...firstAt.entries()].sort((a, b) => a[1] - b[1]);
  const kindSeconds: WorkerOutput['kindSeconds'] = {};
  order.forEach(([kind, at], index) => (kindSeconds[kind] = ((order[index + 1]?.[1] ?? ended) - at) / 1000));
  return {
    ...output,
    seconds: (ended - started) / 1000,
    kindSeconds,
    items,
    graph,
    graphHttp,
    dav,
    davCounted: source.requestCount(),
    tableRequests,
    tableSeconds: tableMs / 1000,
    startRssMb: startRss / 1048576,
    peakRssMb: peak / 1048576,
    peakHeapMb: peakHeap / 1048576,
  };
}

/** A URL's path with its escapes decoded (Radicale lists `/ann@contoso.com/`, seedDav names `/ann%40contoso.com/`). */
function pathOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname);
}

/** Which kind of item a Graph request under `/v1.0/users/{id}/` is for. */
function graphKind(path: string): GroupwareKind | 'other' {
  const segment = path.split('/')[4]?.toLowerCase();
  if (segment === 'contactfolders' || segment === 'contacts') return 'contact';
  if (segment === 'calendars' || segment === 'calendar' || segment === 'events') return 'event';
  return 'other';
}

if (require.main === module) {
  // The input comes through the environment, not the command line, where `ps` would show the sandbox's secret.
  runWorker(JSON.parse(process.env.GROUPWARE_BENCH_INPUT!) as WorkerInput).then(
    (output) => {
      process.stdout.write(`${JSON.stringify(output)}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
