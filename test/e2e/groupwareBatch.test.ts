import { seedDav } from '../../tools/radicale/seedDav';
import { type LabMailbox, type MigrationLab, createLabEndpoint, labMailboxes, startMigrationLab, waitFor } from '../support/migrationLab';

/**
 * Issue 14 through the real path: a staged batch under the devhost moves mail, contacts and calendars
 * for several mailboxes. The legacy server's groupware is Radicale (CalDAV/CardDAV), read with the
 * endpoint's admin login as the mail is; the target is the Microsoft 365 stand-in, which records every
 * meeting message Exchange would send: there must be none.
 */
const NAMES = ['ann', 'bob'];
const MAILBOXES: LabMailbox[] = NAMES.map((name) => ({ address: `${name}@contoso.com`, messages: 5 }));
let lab: MigrationLab;

const vcard = (uid: string, name: string) =>
  `BEGIN:VCARD\r\nVERSION:3.0\r\nUID:${uid}\r\nN:${name};;;;\r\nFN:${name}\r\nEMAIL;TYPE=work:${uid}@partner.com\r\nEND:VCARD\r\n`;

function meeting(owner: string): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Test//Migration//EN',
    'BEGIN:VEVENT',
    `UID:standup-${owner}@contoso.com`,
    'DTSTAMP:20070101T000000Z',
    'DTSTART;TZID=W. Europe Standard Time:20070305T093000',
    'DTEND;TZID=W. Europe Standard Time:20070305T094500',
    'SUMMARY:Stand-up',
    'RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=9',
    `ORGANIZER:mailto:${owner}@contoso.com`,
    'ATTENDEE;PARTSTAT=ACCEPTED:mailto:carol@contoso.com',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

/** A rule Graph's patternedRecurrence cannot hold: skipped, counted, and listed in MigrationErrors.csv. */
const TWICE_A_DAY = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Test//Migration//EN',
  'BEGIN:VEVENT',
  'UID:medication@contoso.com',
  'DTSTAMP:20070101T000000Z',
  'DTSTART:20070412T090000Z',
  'DTEND:20070412T093000Z',
  'RRULE:FREQ=DAILY;BYHOUR=9,17;COUNT=4',
  'SUMMARY:Medication',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

interface MailboxView {
  emailAddress: string;
  status: string;
  error?: string;
  contactsSynced?: number;
  contactsTotal?: number;
  eventsSynced?: number;
  eventsSkipped?: number;
  eventsTotal?: number;
}

beforeAll(async () => {
  lab = await startMigrationLab({ mailboxes: MAILBOXES, incrementalSyncMinutes: 60, radicale: true });
  for (const name of NAMES) {
    await seedDav(lab.radicale!.account(`${name}@contoso.com`), {
      addressBooks: [{ name: 'contacts', displayName: 'Contacts', vcards: [vcard(`${name}-1`, 'Dana Diaz'), vcard(`${name}-2`, 'Eli Eze')] }],
      calendars: [{ name: 'calendar', displayName: 'Calendar', events: name === 'ann' ? [meeting(name), TWICE_A_DAY] : [meeting(name)] }],
    });
  }
  await createLabEndpoint(lab, 'zimbra', 2, { davUrl: `${lab.radicale!.url}{user}/` });
}, 420_000);

afterAll(async () => {
  await lab?.stop();
});

describe('a batch moves mail, contacts and calendars', () => {
  it('copies every mailbox whole, counts each item type, and sends no invitation', async () => {
    const endpoint = (await (await lab.api('/api/endpoints/zimbra')).json()) as { itemTypes: string[] };
    expect(endpoint.itemTypes).toEqual(['mail', 'contacts', 'calendars']);
    // Microsoft 365 throttles the first event create for a minute: longer than the copy waits in place, so the
    // mailbox's groupware step returns and the orchestration waits on a durable timer (its retries, 5 s to
    // 20 s apart, would all be spent inside that minute), then goes on where the item map left off.
    const throttle = lab.sandbox.addFault({ kind: 'tooManyRequests', method: 'POST', pathPattern: '/calendar/events$', times: 1, retryAfterSeconds: 60 });
    const csv = ['EmailAddress', ...MAILBOXES.map((m) => m.address)].join('\n');
    expect((await lab.api('/api/batches?name=groupware&endpoint=zimbra', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv })).status).toBe(
      201,
    );
    const list = await waitFor(
      'the initial sync',
      async () => {
        const mailboxes = await labMailboxes<MailboxView>(lab, 'groupware');
        return mailboxes.every((m) => ['Synced', 'Failed'].includes(m.status)) ? mailboxes : undefined;
      },
      480_000,
    );
    expect(list.map((m) => `${m.emailAddress}: ${m.status} ${m.error ?? ''}`.trim())).toEqual(MAILBOXES.map((m) => `${m.address}: Synced`));
    expect(lab.sandbox.faultHits(throttle)).toBe(1);
    for (const mailbox of list) {
      const skipped = mailbox.emailAddress === 'ann@contoso.com' ? 1 : 0;
      expect(mailbox).toMatchObject({ contactsSynced: 2, contactsTotal: 2, eventsSynced: 1, eventsSkipped: skipped, eventsTotal: 1 + skipped });
    }
    for (const name of NAMES) {
      const cloud = lab.sandbox.listMailbox(`${name}@contoso.com`);
      expect(cloud.contacts.map((c) => c.properties.displayName).sort()).toEqual(['Dana Diaz', 'Eli Eze']);
      expect(cloud.events.map((e) => e.properties.subject)).toEqual(['Stand-up']);
      expect(cloud.events[0]!.properties).toMatchObject({ type: 'seriesMaster' });
    }
    expect(lab.sandbox.sentMeetingMessages()).toEqual([]);
    // MigrationStatistics.csv splits items by type once the batch has written it.
    const statistics = await waitFor('the statistics report', async () => {
      const response = await lab.api('/api/batches/groupware/reports/statistics');
      return response.status === 200 ? (await response.text()).split(/\r?\n/) : undefined;
    });
    expect(statistics[0]).toContain('ContactsSynced,ContactsSkipped,ContactsTotal,EventsSynced,EventsSkipped,EventsTotal');
    expect(statistics.filter((l) => l.startsWith('ann@contoso.com'))).toEqual([expect.stringContaining(',2,0,2,1,1,2,')]);
    // MigrationErrors.csv names the skipped event, its calendar and why.
    const errors = (await (await lab.api('/api/batches/groupware/reports/errors')).text()).split(/\r?\n/);
    expect(errors.filter((l) => l.includes(',Event,'))).toEqual([
      expect.stringMatching(/^ann@contoso\.com,Event,Calendar,Medication,,UnsupportedRecurrence,.*BYHOUR/),
    ]);
  }, 600_000);
});
