import { expectGraphErrorBody, graphFailure, type SandboxHarness, startSandboxHarness } from './sandboxGraphClient';

interface GraphErrorJson {
  error: { code: string; message: string };
}
const errorOf = async (response: Response): Promise<GraphErrorJson['error']> => ((await response.json()) as GraphErrorJson).error;

const UPN = 'evan@contoso.onmicrosoft.com';
const BERLIN = 'W. Europe Standard Time';

interface EventJson {
  id: string;
  subject: string;
  type: string;
  seriesMasterId: string | null;
  originalStart?: string;
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
}

describe('m365-sandbox calendars and events', () => {
  let h: SandboxHarness;
  const base = `/users/${UPN}`;
  beforeAll(async () => {
    h = await startSandboxHarness();
    h.sandbox.addUser({ userPrincipalName: UPN, licensed: true });
  });
  afterAll(async () => h.sandbox.stop());

  const send = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    h.rawFetch(`${h.sandbox.graphBaseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${await h.token()}`, 'content-type': 'application/json', ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  const at = (dateTime: string, timeZone = BERLIN): { dateTime: string; timeZone: string } => ({ dateTime, timeZone });

  test('calendars: the default one, one created with a name and a colour, an unknown colour refused', async () => {
    const team = await h.graph.api(`${base}/calendars`).post({ name: 'Team', color: 'lightBlue' });
    expect(team).toMatchObject({ name: 'Team', color: 'lightBlue', isDefaultCalendar: false, owner: { address: UPN } });
    const calendars = await h.graph.api(`${base}/calendars`).get();
    expect(calendars.value.map((c: { name: string }) => c.name)).toEqual(['Calendar', 'Team']);
    expect((await h.graph.api(`${base}/calendar`).get()).isDefaultCalendar).toBe(true);
    const badColour = await send('POST', `${base}/calendars`, { name: 'Other', color: 'blue' });
    expect(badColour.status).toBe(400);
    expect(await errorOf(badColour)).toMatchObject({ code: 'RequestBodyRead', message: "Requested value 'blue' was not found." });
  });

  test('times: Windows and listed IANA zone names are taken, others refused with TimeZoneNotSupportedException; responses are in UTC unless Prefer: outlook.timezone', async () => {
    const event = await h.graph
      .api(`${base}/events`)
      .post({ subject: 'Call', start: at('2024-07-01T09:00:00', 'Pacific Standard Time'), end: at('2024-07-01T09:30:00', 'Pacific Standard Time') });
    expect(event).toMatchObject({
      start: { dateTime: '2024-07-01T16:00:00.0000000', timeZone: 'UTC' },
      end: { dateTime: '2024-07-01T16:30:00.0000000', timeZone: 'UTC' },
      originalStartTimeZone: 'Pacific Standard Time',
      type: 'singleInstance',
      isOrganizer: true,
    });
    const inTokyo = await h.graph.api(`${base}/events/${event.id}`).header('Prefer', 'outlook.timezone="Tokyo Standard Time"').get();
    expect(inTokyo.start).toEqual({ dateTime: '2024-07-02T01:00:00.0000000', timeZone: 'Tokyo Standard Time' });
    const iana = await h.graph
      .api(`${base}/events`)
      .post({ subject: 'IANA', start: at('2024-07-01T09:00:00', 'Europe/Berlin'), end: at('2024-07-01T10:00:00', 'Europe/Berlin') });
    expect(iana.start.dateTime).toBe('2024-07-01T07:00:00.0000000');

    const unlisted = await send('POST', `${base}/events`, {
      subject: 'x',
      start: at('2024-07-01T09:00:00', 'Europe/Zurich'),
      end: at('2024-07-01T10:00:00', 'Europe/Zurich'),
    });
    expect(unlisted.status).toBe(400);
    const body = (await unlisted.json()) as GraphErrorJson;
    expectGraphErrorBody(body, 'TimeZoneNotSupportedException');
    expect(body.error.message).toBe("A valid TimeZone value must be specified. The following TimeZone value is not supported: 'Europe/Zurich'.");
    const badPrefer = await send('GET', `${base}/events/${event.id}`, undefined, { prefer: 'outlook.timezone="Moon Standard Time"' });
    expect(badPrefer.status).toBe(400);
    expect((await errorOf(badPrefer)).code).toBe('TimeZoneNotSupportedException');
    const backwards = await graphFailure(async () =>
      h.graph.api(`${base}/events`).post({ subject: 'x', start: at('2024-07-01T10:00:00'), end: at('2024-07-01T09:00:00') }),
    );
    expect(backwards).toMatchObject({ statusCode: 400, code: 'ErrorPropertyValidationFailure' });
  });

  test('all-day events need midnight starts and ends in one zone, and come back midnight to midnight whatever the zone asked for', async () => {
    const holiday = await h.graph
      .api(`${base}/events`)
      .header('Prefer', 'outlook.timezone="Pacific Standard Time"')
      .post({ subject: 'Christmas', isAllDay: true, start: at('2024-12-24T00:00:00'), end: at('2024-12-26T00:00:00') });
    expect(holiday.start).toEqual({ dateTime: '2024-12-24T00:00:00.0000000', timeZone: 'Pacific Standard Time' });
    expect((await h.graph.api(`${base}/events/${holiday.id}`).get()).end).toEqual({ dateTime: '2024-12-26T00:00:00.0000000', timeZone: 'UTC' });
    for (const [start, end] of [
      [at('2024-12-24T08:00:00'), at('2024-12-25T08:00:00')],
      [at('2024-12-24T00:00:00'), at('2024-12-25T00:00:00', 'UTC')],
      [at('2024-12-24T00:00:00'), at('2024-12-24T00:00:00')],
    ]) {
      const refused = await graphFailure(async () => h.graph.api(`${base}/events`).post({ subject: 'x', isAllDay: true, start, end }));
      expect(refused).toMatchObject({ statusCode: 400, code: 'ErrorPropertyValidationFailure' });
    }
  });

  test('get, list, PATCH and DELETE an event; a property graph.event does not define is refused', async () => {
    const team = (await h.graph.api(`${base}/calendars`).get()).value.find((c: { name: string }) => c.name === 'Team');
    const event = await h.graph
      .api(`${base}/calendars/${team.id}/events`)
      .post({ subject: 'Planning', start: at('2024-05-02T10:00:00'), end: at('2024-05-02T11:00:00'), categories: ['Blue'] });
    const patched = await h.graph
      .api(`${base}/calendars/${team.id}/events/${event.id}`)
      .patch({ subject: 'Planning (moved)', start: at('2024-05-03T10:00:00'), end: at('2024-05-03T11:00:00') });
    expect(patched).toMatchObject({ subject: 'Planning (moved)', categories: ['Blue'], start: { dateTime: '2024-05-03T08:00:00.0000000' } });
    const listed = await h.graph.api(`${base}/calendars/${team.id}/events`).get();
    expect(listed.value.map((e: EventJson) => e.subject)).toEqual(['Planning (moved)']);
    const unknown = await graphFailure(async () => h.graph.api(`${base}/events/${event.id}`).patch({ sendUpdates: false }));
    expect(unknown).toMatchObject({ statusCode: 400, code: 'RequestBodyRead' });
    expect((await send('DELETE', `${base}/events/${event.id}`)).status).toBe(204);
    expect(await graphFailure(async () => h.graph.api(`${base}/events/${event.id}`).get())).toMatchObject({ statusCode: 404, code: 'ErrorItemNotFound' });
  });

  test('recurrence is checked as documented: weekly needs daysOfWeek, the range starts on the start date, numbered needs a count', async () => {
    const start = at('2024-03-12T09:00:00');
    const end = at('2024-03-12T10:00:00');
    const cases = [
      { pattern: { type: 'weekly', interval: 1 }, range: { type: 'numbered', startDate: '2024-03-12', numberOfOccurrences: 3 } },
      { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['tuesday'] }, range: { type: 'numbered', startDate: '2024-03-11', numberOfOccurrences: 3 } },
      { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['tuesday'] }, range: { type: 'numbered', startDate: '2024-03-12' } },
    ];
    for (const recurrence of cases) {
      const refused = await graphFailure(async () => h.graph.api(`${base}/events`).post({ subject: 'x', start, end, recurrence }));
      expect(refused).toMatchObject({ statusCode: 400, code: 'ErrorPropertyValidationFailure' });
    }
    const badDay = await send('POST', `${base}/events`, {
      subject: 'x',
      start,
      end,
      recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['tuesdai'] }, range: { type: 'noEnd', startDate: '2024-03-12' } },
    });
    expect(badDay.status).toBe(400);
    expect((await errorOf(badDay)).code).toBe('RequestBodyRead');
  });

  test('a weekly series in a zone with daylight saving: instances, a moved occurrence (exception), a deleted and a cancelled one', async () => {
    const series = await h.graph.api(`${base}/events`).post({
      subject: 'Standup',
      start: at('2024-03-12T09:00:00'),
      end: at('2024-03-12T09:30:00'),
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['Tuesday'] },
        range: { type: 'numbered', startDate: '2024-03-12', numberOfOccurrences: 6 },
      },
    });
    expect(series.type).toBe('seriesMaster');
    expect(series.recurrence).toEqual({
      pattern: { type: 'weekly', interval: 1, month: 0, dayOfMonth: 0, daysOfWeek: ['tuesday'], firstDayOfWeek: 'sunday', index: 'first' },
      range: { type: 'numbered', startDate: '2024-03-12', endDate: '0001-01-01', recurrenceTimeZone: BERLIN, numberOfOccurrences: 6 },
    });
    const window = `startDateTime=2024-03-01T00:00:00.0000000&endDateTime=2024-05-01T00:00:00.0000000`;
    const instances = async (prefer?: string): Promise<EventJson[]> => {
      const request = h.graph.api(`${base}/events/${series.id}/instances?${window}`);
      if (prefer) request.header('Prefer', `outlook.timezone="${prefer}"`);
      return (await request.get()).value as EventJson[];
    };
    const all = await instances();
    expect(all.map((e) => e.start.dateTime)).toEqual([
      '2024-03-12T08:00:00.0000000',
      '2024-03-19T08:00:00.0000000',
      '2024-03-26T08:00:00.0000000',
      '2024-04-02T07:00:00.0000000',
      '2024-04-09T07:00:00.0000000',
      '2024-04-16T07:00:00.0000000',
    ]);
    expect(all.every((e) => e.type === 'occurrence' && e.seriesMasterId === series.id)).toBe(true);
    expect((await instances(BERLIN)).map((e) => e.start.dateTime.slice(11, 16))).toEqual(['09:00', '09:00', '09:00', '09:00', '09:00', '09:00']);

    const [, second, third, fourth, fifth] = all;
    const moved = await h.graph
      .api(`${base}/events/${third!.id}`)
      .patch({ subject: 'Standup (Wednesday)', start: at('2024-03-27T11:00:00'), end: at('2024-03-27T11:30:00') });
    expect(moved).toMatchObject({
      type: 'exception',
      seriesMasterId: series.id,
      originalStart: '2024-03-26T08:00:00Z',
      start: { dateTime: '2024-03-27T10:00:00.0000000' },
    });
    const crossing = await graphFailure(async () =>
      h.graph.api(`${base}/events/${second!.id}`).patch({ start: at('2024-03-12T15:00:00'), end: at('2024-03-12T15:30:00') }),
    );
    expect(crossing).toMatchObject({
      statusCode: 400,
      code: 'ErrorOccurrenceCrossingBoundary',
      message: 'Modified occurrence is crossing or overlapping adjacent occurrence.',
    });
    expect((await send('DELETE', `${base}/events/${fourth!.id}`)).status).toBe(204);
    expect((await send('POST', `${base}/events/${fifth!.id}/cancel`, { Comment: 'Holiday' })).status).toBe(202);

    const after = await instances(BERLIN);
    expect(after.map((e) => [e.type, e.start.dateTime.slice(0, 16), e.subject])).toEqual([
      ['occurrence', '2024-03-12T09:00', 'Standup'],
      ['occurrence', '2024-03-19T09:00', 'Standup'],
      ['exception', '2024-03-27T11:00', 'Standup (Wednesday)'],
      ['occurrence', '2024-04-16T09:00', 'Standup'],
    ]);
    expect(await graphFailure(async () => h.graph.api(`${base}/events/${fourth!.id}`).get())).toMatchObject({ statusCode: 404 });
    const master = await h.graph.api(`${base}/events/${series.id}`).select('subject,cancelledOccurrences').get();
    expect(master.cancelledOccurrences).toHaveLength(2);
    const narrow = await h.graph.api(`${base}/events/${series.id}/instances?startDateTime=2024-03-19T00:00:00Z&endDateTime=2024-03-20T00:00:00Z`).get();
    expect(narrow.value.map((e: EventJson) => e.start.dateTime)).toEqual(['2024-03-19T08:00:00.0000000']);
    const noWindow = await send('GET', `${base}/events/${series.id}/instances`);
    expect(noWindow.status).toBe(400);
    expect((await errorOf(noWindow)).code).toBe('ErrorInvalidParameter');
    expect((await h.graph.api(`${base}/events`).get()).value.every((e: EventJson) => e.type === 'singleInstance' || e.type === 'seriesMaster')).toBe(true);
    expect(h.sandbox.sentMeetingMessages(UPN)).toEqual([]);
  });

  test('file attachments on an event: POST, list, $value, hasAttachments', async () => {
    const event = await h.graph.api(`${base}/events`).post({ subject: 'With agenda', start: at('2024-06-03T10:00:00'), end: at('2024-06-03T11:00:00') });
    const added = await h.graph.api(`${base}/events/${event.id}/attachments`).post({
      '@odata.type': '#microsoft.graph.fileAttachment',
      name: 'agenda.txt',
      contentType: 'text/plain',
      contentBytes: Buffer.from('1. Budget').toString('base64'),
    });
    expect(added).toMatchObject({ name: 'agenda.txt', size: 9 });
    expect((await h.graph.api(`${base}/events/${event.id}`).get()).hasAttachments).toBe(true);
    expect((await h.graph.api(`${base}/events/${event.id}/attachments`).get()).value.map((a: { name: string }) => a.name)).toEqual(['agenda.txt']);
    const value = await send('GET', `${base}/events/${event.id}/attachments/${added.id}/$value`);
    expect(await value.text()).toBe('1. Budget');
    const expanded = await h.graph.api(`${base}/events/${event.id}`).expand('attachments').get();
    expect(expanded.attachments).toHaveLength(1);
  });

  test('transactionId: a retried create (its first answer lost) is refused with ErrorDuplicateTransactionId and makes no second event or invitation', async () => {
    const body = {
      subject: 'Migrated 1:1',
      start: at('2024-09-02T10:00:00'),
      end: at('2024-09-02T10:30:00'),
      attendees: [{ emailAddress: { address: 'partner@fabrikam.example' }, type: 'required' }],
      transactionId: '7E163156-7762-4BEB-A1C6-729EA81755A7',
    };
    const rule = h.sandbox.addFault({ kind: 'gatewayTimeout', afterHandling: true, method: 'POST', pathPattern: '/events$', times: 1 });
    const lost = await send('POST', `${base}/events`, body);
    expect(lost.status).toBe(504);
    h.sandbox.clearFaults();
    void rule;
    const retried = await send('POST', `${base}/events`, body);
    expect(retried.status).toBe(400);
    const error = (await retried.json()) as GraphErrorJson;
    expectGraphErrorBody(error, 'ErrorDuplicateTransactionId');
    expect(error.error.message).toBe(
      "Your request can't be completed. The TransactionId specified in the request has already been used to create a different event.",
    );
    const created = h.sandbox.listMailbox(UPN).events.filter((e) => e.properties.transactionId === body.transactionId);
    expect(created).toHaveLength(1);
    expect(created[0]!.properties.subject).toBe('Migrated 1:1');
    expect(h.sandbox.sentMeetingMessages(UPN).filter((m) => m.subject === 'Migrated 1:1')).toHaveLength(1);
    const changed = await graphFailure(async () => h.graph.api(`${base}/events/${created[0]!.id}`).patch({ transactionId: 'other' }));
    expect(changed).toMatchObject({ statusCode: 400, code: 'ErrorPropertyValidationFailure' });
  });
});
