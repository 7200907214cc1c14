import type { MeetingMessageRecord } from '../../../tools/m365-sandbox';
import { graphFailure, type SandboxHarness, startSandboxHarness } from './sandboxGraphClient';

interface GraphErrorJson {
  error: { code: string; message: string };
}
const errorOf = async (response: Response): Promise<GraphErrorJson['error']> => ((await response.json()) as GraphErrorJson).error;

const OLGA = 'olga@contoso.onmicrosoft.com';
const TED = 'ted@contoso.onmicrosoft.com';
const OUTSIDE = 'partner@fabrikam.example';
const ZONE = 'GMT Standard Time';

/**
 * The trap of issue 14: Create event says "When an event is sent, the server sends invitations to all the
 * attendees", delete and cancel send cancellations, updates send updates. The sandbox records each one.
 */
describe('m365-sandbox records every meeting message Exchange would send', () => {
  let h: SandboxHarness;
  const at = (dateTime: string): { dateTime: string; timeZone: string } => ({ dateTime, timeZone: ZONE });
  const attendee = (address: string): Record<string, unknown> => ({ emailAddress: { address }, type: 'required' });
  const sent = (): MeetingMessageRecord[] => h.sandbox.sentMeetingMessages(OLGA);
  const send = async (method: string, path: string, body?: unknown): Promise<Response> =>
    h.rawFetch(`${h.sandbox.graphBaseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${await h.token()}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  beforeAll(async () => {
    h = await startSandboxHarness();
    h.sandbox.addUser({ userPrincipalName: OLGA, displayName: 'Olga', licensed: true });
    h.sandbox.addUser({ userPrincipalName: TED, displayName: 'Ted', licensed: true });
  });
  afterAll(async () => h.sandbox.stop());

  test('an event without attendees sends nothing, whatever is done to it', async () => {
    const event = await h.graph.api(`/users/${OLGA}/events`).post({ subject: 'Dentist', start: at('2024-02-01T09:00:00'), end: at('2024-02-01T10:00:00') });
    await h.graph
      .api(`/users/${OLGA}/events/${event.id}`)
      .patch({ subject: 'Dentist (moved)', start: at('2024-02-02T09:00:00'), end: at('2024-02-02T10:00:00') });
    await h.graph
      .api(`/users/${OLGA}/events/${event.id}/attachments`)
      .post({ '@odata.type': '#microsoft.graph.fileAttachment', name: 'a.txt', contentBytes: Buffer.from('x').toString('base64') });
    expect((await send('POST', `/users/${OLGA}/events/${event.id}/cancel`, {})).status).toBe(202);
    expect(sent()).toEqual([]);
    expect(h.sandbox.sentMeetingMessages()).toEqual([]);
  });

  test('creating an event with attendees sends each of them a meeting request; a tenant attendee gets it in the Inbox and, tentative, in the calendar', async () => {
    const event = await h.graph.api(`/users/${OLGA}/events`).post({
      subject: 'Kick-off',
      start: at('2024-02-05T09:00:00'),
      end: at('2024-02-05T10:00:00'),
      attendees: [attendee(TED), attendee(OUTSIDE)],
    });
    expect(sent()).toEqual([
      expect.objectContaining({
        from: OLGA,
        to: [TED, OUTSIDE],
        meetingMessageType: 'meetingRequest',
        trigger: 'createEvent',
        subject: 'Kick-off',
        eventId: event.id,
        iCalUId: event.iCalUId,
      }),
    ]);
    const inbox = h.sandbox.listMailbox(TED).folders.find((f) => f.wellKnownName === 'inbox')!;
    expect(inbox.messages).toEqual([expect.objectContaining({ subject: 'Kick-off', from: OLGA, isDraft: false })]);
    const copy = h.sandbox.listMailbox(TED).events.find((e) => e.properties.iCalUId === event.iCalUId)!;
    expect(copy.properties).toMatchObject({
      isOrganizer: false,
      organizer: { emailAddress: { address: OLGA } },
      responseStatus: { response: 'notResponded' },
      showAs: 'tentative',
    });
  });

  test('no documented property silences it: isDraft, responseRequested, hideAttendees, isOrganizer and organizer change nothing; an invented flag is refused', async () => {
    const before = sent().length;
    const event = await h.graph.api(`/users/${OLGA}/events`).post({
      subject: 'Imported meeting',
      start: at('2019-03-04T09:00:00'),
      end: at('2019-03-04T10:00:00'),
      attendees: [attendee(OUTSIDE)],
      isDraft: true,
      responseRequested: false,
      hideAttendees: true,
      isOrganizer: false,
      organizer: { emailAddress: { address: OUTSIDE } },
    });
    expect(event).toMatchObject({ isOrganizer: true, isDraft: false, organizer: { emailAddress: { address: OLGA } } });
    expect(sent().slice(before)).toEqual([expect.objectContaining({ trigger: 'createEvent', to: [OUTSIDE], subject: 'Imported meeting' })]);
    const invented = await send('POST', `/users/${OLGA}/events`, {
      subject: 'x',
      start: at('2019-03-04T09:00:00'),
      end: at('2019-03-04T10:00:00'),
      attendees: [attendee(OUTSIDE)],
      sendInvitations: false,
    });
    expect(invented.status).toBe(400);
    expect((await errorOf(invented)).code).toBe('RequestBodyRead');
    expect(sent()).toHaveLength(before + 1);
  });

  test('updates: attendees alone go to the changed attendees only (a request to the added, a cancellation to the removed); any other change to every attendee', async () => {
    const event = await h.graph
      .api(`/users/${OLGA}/events`)
      .post({ subject: 'Review', start: at('2024-02-06T09:00:00'), end: at('2024-02-06T10:00:00'), attendees: [attendee(TED), attendee(OUTSIDE)] });
    const before = sent().length;
    const newcomer = 'newcomer@fabrikam.example';
    await h.graph.api(`/users/${OLGA}/events/${event.id}`).patch({ attendees: [attendee(TED), attendee(newcomer)] });
    expect(sent().slice(before)).toEqual([
      expect.objectContaining({ meetingMessageType: 'meetingCancelled', trigger: 'updateEvent', to: [OUTSIDE] }),
      expect.objectContaining({ meetingMessageType: 'meetingRequest', trigger: 'updateEvent', to: [newcomer] }),
    ]);
    await h.graph.api(`/users/${OLGA}/events/${event.id}`).patch({ start: at('2024-02-06T11:00:00'), end: at('2024-02-06T12:00:00') });
    expect(sent().at(-1)).toMatchObject({ meetingMessageType: 'meetingRequest', trigger: 'updateEvent', to: [TED, newcomer] });
  });

  test("delete and cancel send cancellations (cancel with its comment); an attendee cannot cancel; the attendee's copy is marked cancelled", async () => {
    const deleted = await h.graph
      .api(`/users/${OLGA}/events`)
      .post({ subject: 'Old sync', start: at('2024-02-07T09:00:00'), end: at('2024-02-07T10:00:00'), attendees: [attendee(OUTSIDE)] });
    expect((await send('DELETE', `/users/${OLGA}/events/${deleted.id}`)).status).toBe(204);
    expect(sent().at(-1)).toMatchObject({ meetingMessageType: 'meetingCancelled', trigger: 'deleteEvent', to: [OUTSIDE], eventId: deleted.id });

    const cancelled = await h.graph
      .api(`/users/${OLGA}/events`)
      .post({ subject: 'Offsite', start: at('2024-02-08T09:00:00'), end: at('2024-02-08T17:00:00'), attendees: [attendee(TED)] });
    const tedCopy = h.sandbox.listMailbox(TED).events.find((e) => e.properties.iCalUId === cancelled.iCalUId)!;
    const byAttendee = await graphFailure(async () => h.graph.api(`/users/${TED}/events/${tedCopy.id}/cancel`).post({ comment: 'no' }));
    expect(byAttendee).toMatchObject({ statusCode: 400, message: "Your request can't be completed. You need to be an organizer to cancel a meeting." });
    expect((await send('POST', `/users/${OLGA}/events/${cancelled.id}/cancel`, { comment: 'Budget cut' })).status).toBe(202);
    expect(sent().at(-1)).toMatchObject({ meetingMessageType: 'meetingCancelled', trigger: 'cancelEvent', to: [TED], comment: 'Budget cut' });
    expect(h.sandbox.listMailbox(TED).events.find((e) => e.id === tedCopy.id)?.properties.isCancelled).toBe(true);
    expect(await graphFailure(async () => h.graph.api(`/users/${OLGA}/events/${cancelled.id}`).get())).toMatchObject({ statusCode: 404 });
  });

  test("responses: sendResponse false sends nothing; otherwise the organizer gets the response and sees the attendee's status", async () => {
    const meeting = await h.graph
      .api(`/users/${OLGA}/events`)
      .post({ subject: 'Lunch', start: at('2024-02-09T12:00:00'), end: at('2024-02-09T13:00:00'), attendees: [attendee(TED)] });
    const copy = h.sandbox.listMailbox(TED).events.find((e) => e.properties.iCalUId === meeting.iCalUId)!;
    const before = h.sandbox.sentMeetingMessages(TED).length;
    expect((await send('POST', `/users/${TED}/events/${copy.id}/accept`, { sendResponse: false })).status).toBe(202);
    expect(h.sandbox.sentMeetingMessages(TED)).toHaveLength(before);
    expect((await send('POST', `/users/${TED}/events/${copy.id}/tentativelyAccept`, { comment: 'Maybe' })).status).toBe(202);
    expect(h.sandbox.sentMeetingMessages(TED).at(-1)).toMatchObject({
      from: TED,
      to: [OLGA],
      meetingMessageType: 'meetingTenativelyAccepted',
      trigger: 'tentativelyAccept',
      comment: 'Maybe',
    });
    const organizerView = await h.graph.api(`/users/${OLGA}/events/${meeting.id}`).get();
    expect(organizerView.attendees[0].status.response).toBe('tentativelyAccepted');
    const proposal = await send('POST', `/users/${TED}/events/${copy.id}/decline`, {
      sendResponse: false,
      proposedNewTime: { start: at('2024-02-10T12:00:00'), end: at('2024-02-10T13:00:00') },
    });
    expect(proposal.status).toBe(400);
    const ownMeeting = await send('POST', `/users/${OLGA}/events/${meeting.id}/accept`, {});
    expect(ownMeeting.status).toBe(400);
    expect((await send('POST', `/users/${TED}/events/${copy.id}/decline`, { comment: 'Sorry' })).status).toBe(202);
    expect(h.sandbox.sentMeetingMessages(TED).at(-1)).toMatchObject({ meetingMessageType: 'meetingDeclined', to: [OLGA] });
    expect(h.sandbox.listMailbox(TED).events.some((e) => e.id === copy.id)).toBe(false);
  });

  test('a series: one request for the series, one per changed or removed occurrence, and an update of the master resends every exception', async () => {
    const series = await h.graph.api(`/users/${OLGA}/events`).post({
      subject: 'Weekly',
      start: at('2024-03-05T09:00:00'),
      end: at('2024-03-05T09:30:00'),
      attendees: [attendee(TED), attendee(OUTSIDE)],
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['tuesday'] },
        range: { type: 'numbered', startDate: '2024-03-05', numberOfOccurrences: 4 },
      },
    });
    const before = sent().length;
    const instances = (
      await h.graph.api(`/users/${OLGA}/events/${series.id}/instances?startDateTime=2024-03-01T00:00:00Z&endDateTime=2024-04-01T00:00:00Z`).get()
    ).value;
    await h.graph.api(`/users/${OLGA}/events/${instances[1].id}`).patch({ subject: 'Weekly (longer)', end: at('2024-03-12T10:00:00') });
    expect((await send('DELETE', `/users/${OLGA}/events/${instances[2].id}`)).status).toBe(204);
    expect(sent().slice(before)).toEqual([
      expect.objectContaining({
        meetingMessageType: 'meetingRequest',
        trigger: 'updateOccurrence',
        occurrenceOriginalStart: '2024-03-12T09:00:00Z',
        to: [TED, OUTSIDE],
      }),
      expect.objectContaining({
        meetingMessageType: 'meetingCancelled',
        trigger: 'deleteOccurrence',
        occurrenceOriginalStart: '2024-03-19T09:00:00Z',
        to: [TED, OUTSIDE],
      }),
    ]);
    const copy = h.sandbox.listMailbox(TED).events.find((e) => e.properties.iCalUId === series.iCalUId)!;
    expect(copy.cancelledOccurrences).toEqual(['2024-03-19T09:00:00Z']);
    await h.graph.api(`/users/${OLGA}/events/${series.id}`).patch({ location: { displayName: 'Room 4' } });
    expect(
      sent()
        .slice(before + 2)
        .map((m) => [m.trigger, m.occurrenceOriginalStart ?? 'series']),
    ).toEqual([
      ['updateEvent', 'series'],
      ['updateEvent', '2024-03-12T09:00:00Z'],
    ]);
  });

  test('the log is also served to other processes at GET /_sandbox/meeting-messages', async () => {
    const response = await h.rawFetch(`${h.sandbox.origin}/_sandbox/meeting-messages?from=${encodeURIComponent(OLGA)}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { value: MeetingMessageRecord[] };
    expect(body.value).toEqual(sent());
    expect(body.value.length).toBeGreaterThan(5);
  });
});
