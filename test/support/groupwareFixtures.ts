import { BERLIN_VTIMEZONE } from '../../tools/corpus/vtimezones';

/**
 * A weekly meeting in Berlin time, six occurrences from 10:00 on March `startDay` 2007: its third occurrence
 * cancelled (EXDATE) and its fourth moved a day later to 15:00 (RECURRENCE-ID), as one iCalendar object. With
 * an organizer, it has an attendee too (a meeting Graph must not send invitations for).
 */
export function berlinWeeklySeries(options: { uid: string; summary: string; startDay: number; organizer?: string }): string {
  const on = (offset: number) => String(options.startDay + offset).padStart(2, '0');
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Test//Migration//EN',
    ...BERLIN_VTIMEZONE,
    'BEGIN:VEVENT',
    `UID:${options.uid}`,
    'DTSTAMP:20070101T000000Z',
    `DTSTART;TZID=Europe/Berlin:200703${on(0)}T100000`,
    `DTEND;TZID=Europe/Berlin:200703${on(0)}T110000`,
    `SUMMARY:${options.summary}`,
    'RRULE:FREQ=WEEKLY;COUNT=6',
    `EXDATE;TZID=Europe/Berlin:200703${on(14)}T100000`,
    ...(options.organizer ? [`ORGANIZER:mailto:${options.organizer}`, 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:carol@fabrikam.com'] : []),
    'END:VEVENT',
    'BEGIN:VEVENT',
    `UID:${options.uid}`,
    'DTSTAMP:20070101T000000Z',
    `RECURRENCE-ID;TZID=Europe/Berlin:200703${on(21)}T100000`,
    `DTSTART;TZID=Europe/Berlin:200703${on(22)}T150000`,
    `DTEND;TZID=Europe/Berlin:200703${on(22)}T160000`,
    `SUMMARY:${options.summary} (moved)`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}
