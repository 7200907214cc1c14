import { contactFromVCard } from '../../../src/core/groupware/contactFromVCard';
import { eventFromICalendar } from '../../../src/core/groupware/eventFromICalendar';
import { windowsZoneOfTzid } from '../../../src/core/groupware/timeZones';
import { DEMO_ADDRESS_BOOK, DEMO_CALENDAR, DEMO_CONTACTS_PER_PERSON, DEMO_EVENTS_PER_PERSON, demoGroupware } from '../../../tools/demo/demoGroupware';
import { demoPeople } from '../../../tools/demo/demoOrganisation';

/**
 * `npm start` seeds each demo person's address book and calendar in Radicale; the final table shows
 * them synced. Every item must map to Microsoft 365 without a skip, with the variety the demo is for:
 * contacts with emails, phones, an address and a birthday; a weekly meeting in Berlin time with a
 * moved and a cancelled occurrence.
 */
describe('the demo groupware', () => {
  const people = demoPeople(36);
  const all = people.map((_, i) => demoGroupware(people, i));
  const vcardsOf = (i: number) => all[i]!.addressBooks.flatMap((b) => b.vcards ?? []);
  const eventsOf = (i: number) => all[i]!.calendars.flatMap((c) => c.events ?? []);

  it('gives every person one address book and one calendar with the announced number of items', () => {
    for (const seed of all) {
      expect(seed.addressBooks.map((b) => b.name)).toEqual([DEMO_ADDRESS_BOOK]);
      expect(seed.calendars.map((c) => c.name)).toEqual([DEMO_CALENDAR]);
    }
    expect(people.map((_, i) => vcardsOf(i).length)).toEqual(people.map(() => DEMO_CONTACTS_PER_PERSON));
    expect(people.map((_, i) => eventsOf(i).length)).toEqual(people.map(() => DEMO_EVENTS_PER_PERSON));
  });

  it('is the same at every run, with UIDs unique across the whole organisation', () => {
    expect(demoGroupware(people, 7)).toEqual(all[7]);
    const uids = people.flatMap((_, i) => [...vcardsOf(i), ...eventsOf(i)].map((t) => /^UID:(.*)$/m.exec(t)![1]));
    expect(new Set(uids).size).toBe(people.length * (DEMO_CONTACTS_PER_PERSON + DEMO_EVENTS_PER_PERSON));
  });

  it('writes well-formed vCard and iCalendar text: CRLF line ends, no line over 75 octets', () => {
    for (const text of people.flatMap((_, i) => [...vcardsOf(i), ...eventsOf(i)])) {
      expect(text.endsWith('\r\n')).toBe(true);
      const lines = text.slice(0, -2).split('\r\n');
      expect(lines.filter((l) => l.includes('\n') || l.includes('\r'))).toEqual([]);
      expect(lines.filter((l) => Buffer.byteLength(l) > 75)).toEqual([]);
    }
  });

  it('maps every contact, with varied emails, phones, addresses, a birthday and a fax', () => {
    for (const [i] of people.entries()) for (const card of vcardsOf(i)) expect(() => contactFromVCard(card)).not.toThrow();
    const [colleague, partner, friend, supplier] = vcardsOf(2).map((card) => contactFromVCard(card));
    expect(colleague!.contact).toMatchObject({
      displayName: 'David Eriksen',
      companyName: 'Contoso',
      emailAddresses: [expect.objectContaining({ address: 'david.eriksen@contoso.com' })],
      businessPhones: [expect.stringMatching(/^\+49 30 5550 \d{4}$/)],
    });
    expect(partner!.contact).toMatchObject({
      displayName: 'Priya Nair',
      companyName: 'Tailspin Toys',
      mobilePhone: '+1 917 555 0187',
      businessAddress: { street: '350 Fifth Avenue', city: 'New York', countryOrRegion: 'United States' },
    });
    expect(partner!.contact.emailAddresses).toHaveLength(2);
    expect(friend!.contact).toMatchObject({
      displayName: 'Noémie Roux',
      nickName: 'Mimi',
      homeAddress: { street: '8 rue des Rosiers', city: 'Paris', postalCode: '75004' },
      homePhones: ['+33 1 55 50 12 34'],
      birthday: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T11:59:00Z$/),
    });
    expect(friend!.contact.personalNotes).toContain('Neighbour');
    expect(supplier!.contact.singleValueExtendedProperties).toEqual([expect.objectContaining({ id: 'String 0x3A24' })]);
    for (const mapped of [colleague, partner, friend, supplier]) expect(mapped!.overflow).toEqual([]);
  });

  it('maps every event; the weekly meeting is a Berlin series with one moved and one cancelled occurrence', () => {
    for (const [i] of people.entries()) for (const event of eventsOf(i)) expect(eventFromICalendar(event).warnings).toEqual([]);
    // Person 1 meets at 10:00 Berlin time: 09:00 UTC in winter (19 March), 08:00 UTC in summer (26 March).
    const weekly = eventFromICalendar(eventsOf(1).find((e) => e.includes('SUMMARY:Weekly team meeting'))!);
    expect(weekly.timeZone).toMatchObject({ tzid: 'Europe/Berlin', timeZone: 'W. Europe Standard Time' });
    expect(weekly.master).toMatchObject({
      subject: 'Weekly team meeting',
      start: { dateTime: '2007-03-05T10:00:00', timeZone: 'W. Europe Standard Time' },
      recurrence: { pattern: { type: 'weekly', daysOfWeek: ['monday'] }, range: { type: 'numbered', numberOfOccurrences: 8 } },
    });
    expect(weekly.cancelled.map((c) => c.utc)).toEqual(['2007-03-19T09:00:00Z']);
    expect(weekly.exceptions.map((e) => e.originalStart.utc)).toEqual(['2007-03-26T08:00:00Z']);
    expect(weekly.exceptions[0]!.body).toMatchObject({ start: { dateTime: '2007-03-27T14:00:00', timeZone: 'W. Europe Standard Time' } });
    // The attendees are named in the body; none is written as an attendee, so nobody is invited.
    expect(weekly.people.attendees.map((a) => a.address)).toEqual(['chloe.dubois@contoso.com', 'david.eriksen@contoso.com', 'mateo.ruiz@litware.com']);
    expect(weekly.master).not.toHaveProperty('attendees');

    const zones = eventsOf(1).map((e) => eventFromICalendar(e).timeZone.tzid);
    expect(zones).toEqual(['Europe/Berlin', 'Europe/Berlin', 'America/New_York', undefined]);
    const call = eventFromICalendar(eventsOf(1)[2]!);
    expect(call.master).toMatchObject({ start: { dateTime: '2007-03-14T11:00:00', timeZone: 'Eastern Standard Time' } });
    // The calendar declares Berlin as its own zone (calendar-timezone), so the all-day offsite is Berlin days.
    expect(all[1]!.calendars[0]!.timeZone).toContain('TZID:Europe/Berlin');
    const offsite = eventFromICalendar(eventsOf(1)[3]!, { floatingTimeZone: windowsZoneOfTzid('Europe/Berlin')! });
    expect(offsite.master).toMatchObject({ isAllDay: true, subject: 'Team offsite', start: { timeZone: 'W. Europe Standard Time' } });
  });

  it('works for a demo of one person (no colleague to invite) and of the largest size', () => {
    const alone = demoGroupware(demoPeople(1), 0);
    expect(alone.addressBooks[0]!.vcards).toHaveLength(DEMO_CONTACTS_PER_PERSON);
    const weekly = eventFromICalendar(alone.calendars[0]!.events![0]!);
    expect(weekly.people.attendees.map((a) => a.address)).toEqual(['aoife.byrne@fabrikam.com']);
    const many = demoPeople(2_000);
    expect(demoGroupware(many, 1_999).calendars[0]!.events).toHaveLength(DEMO_EVENTS_PER_PERSON);
    expect(() => demoGroupware(many, 2_000)).toThrow(RangeError);
  });
});
