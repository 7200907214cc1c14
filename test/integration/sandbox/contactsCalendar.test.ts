import { graphFailure, type SandboxHarness, startSandboxHarness } from './sandboxGraphClient';

const UPN = 'nia@contoso.onmicrosoft.com';

describe('m365-sandbox contacts and calendar', () => {
  let h: SandboxHarness;
  beforeAll(async () => {
    h = await startSandboxHarness();
    h.sandbox.addUser({ userPrincipalName: UPN, licensed: true });
  });
  afterAll(async () => h.sandbox.stop());

  test('contacts are created in the default folder and in a created contact folder, and listed per folder', async () => {
    await h.graph.api(`/users/${UPN}/contacts`).post({ givenName: 'Ada', surname: 'Lovelace', emailAddresses: [{ address: 'ada@legacy.example' }] });
    const folder = await h.graph.api(`/users/${UPN}/contactFolders`).post({ displayName: 'Suppliers' });
    const supplier = await h.graph.api(`/users/${UPN}/contactFolders/${folder.id}/contacts`).post({ displayName: 'ACME Ltd', companyName: 'ACME' });
    expect(supplier.parentFolderId).toBe(folder.id);
    const defaults = await h.graph.api(`/users/${UPN}/contacts`).get();
    expect(defaults.value.map((c: { displayName: string }) => c.displayName)).toEqual(['Ada Lovelace']);
    const inFolder = await h.graph.api(`/users/${UPN}/contactFolders/${folder.id}/contacts`).get();
    expect(inFolder.value.map((c: { companyName: string }) => c.companyName)).toEqual(['ACME']);
    const folders = await h.graph.api(`/users/${UPN}/contactFolders`).get();
    expect(folders.value.map((f: { displayName: string }) => f.displayName)).toEqual(['Suppliers']);
  });

  test('a contact with a property Graph does not define is refused with RequestBodyRead', async () => {
    const error = await graphFailure(async () => h.graph.api(`/users/${UPN}/contacts`).post({ givenName: 'X', faxNumber: '123' }));
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('RequestBodyRead');
  });

  test('events are created in the default calendar and in a created calendar, and listed per calendar', async () => {
    const event = await h.graph.api(`/users/${UPN}/events`).post({
      subject: 'Quarterly review',
      start: { dateTime: '2009-04-01T09:00:00', timeZone: 'UTC' },
      end: { dateTime: '2009-04-01T10:00:00', timeZone: 'UTC' },
    });
    expect(event).toMatchObject({ subject: 'Quarterly review', isOrganizer: true, iCalUId: expect.stringMatching(/^040000008200E00074C5B7101A82E008/) });
    const calendar = await h.graph.api(`/users/${UPN}/calendars`).post({ name: 'Holidays' });
    await h.graph.api(`/users/${UPN}/calendars/${calendar.id}/events`).post({
      subject: 'Easter',
      isAllDay: true,
      start: { dateTime: '2009-04-12T00:00:00', timeZone: 'UTC' },
      end: { dateTime: '2009-04-13T00:00:00', timeZone: 'UTC' },
    });
    const calendars = await h.graph.api(`/users/${UPN}/calendars`).get();
    expect(calendars.value.map((c: { name: string }) => c.name)).toEqual(['Calendar', 'Holidays']);
    const holidays = await h.graph.api(`/users/${UPN}/calendars/${calendar.id}/events`).get();
    expect(holidays.value.map((e: { subject: string }) => e.subject)).toEqual(['Easter']);
    const defaults = await h.graph.api(`/users/${UPN}/calendar/events`).get();
    expect(defaults.value.map((e: { subject: string }) => e.subject)).toContain('Quarterly review');
  });

  test('an event with attendees sends each tenant attendee a meeting request, as Exchange does', async () => {
    h.sandbox.addUser({ userPrincipalName: 'ray@contoso.onmicrosoft.com', licensed: true });
    const event = await h.graph.api(`/users/${UPN}/events`).post({
      subject: 'Migrated meeting',
      start: { dateTime: '2009-05-01T09:00:00', timeZone: 'UTC' },
      end: { dateTime: '2009-05-01T10:00:00', timeZone: 'UTC' },
      attendees: [
        { emailAddress: { address: 'ray@contoso.onmicrosoft.com' }, type: 'required' },
        { emailAddress: { address: 'someone@elsewhere.example' }, type: 'optional' },
      ],
    });
    expect(event.organizer).toEqual({ emailAddress: { name: 'nia', address: UPN } });
    const inbox = h.sandbox.listMailbox('ray@contoso.onmicrosoft.com').folders.find((f) => f.wellKnownName === 'inbox')!;
    expect(inbox.messages).toEqual([expect.objectContaining({ subject: 'Migrated meeting', from: UPN, isDraft: false })]);
  });

  test('an event that ends before it starts is refused', async () => {
    const error = await graphFailure(async () =>
      h.graph.api(`/users/${UPN}/events`).post({
        subject: 'backwards',
        start: { dateTime: '2009-04-01T10:00:00', timeZone: 'UTC' },
        end: { dateTime: '2009-04-01T09:00:00', timeZone: 'UTC' },
      }),
    );
    expect(error.statusCode).toBe(400);
  });

  test('the inspection lists contacts and events with their folder and calendar', () => {
    const snapshot = h.sandbox.listMailbox(UPN);
    expect(snapshot.contacts.map((c) => c.folder).sort()).toEqual(['Contacts', 'Suppliers']);
    expect(new Set(snapshot.events.map((e) => e.calendar))).toEqual(new Set(['Calendar', 'Holidays']));
  });
});
