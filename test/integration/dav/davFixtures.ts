/** Small, valid vCards and iCalendar objects for the DAV source tests (CRLF line ends, as RFC 6350 and RFC 5545 ask). */

export function vcard(uid: string, name: string): string {
  const [given = name, family = ''] = name.split(' ');
  return lines([
    'BEGIN:VCARD',
    'VERSION:3.0',
    `UID:${uid}`,
    `FN:${name}`,
    `N:${family};${given};;;`,
    `EMAIL;TYPE=INTERNET:${given.toLowerCase()}@example.com`,
    'END:VCARD',
  ]);
}

export function vevent(uid: string, summary: string, start = '20240610T090000'): string {
  return lines([
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//staged-migration//dav tests//EN',
    'BEGIN:VTIMEZONE',
    'TZID:Europe/Berlin',
    'BEGIN:STANDARD',
    'DTSTART:19701025T030000',
    'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
    'TZOFFSETFROM:+0200',
    'TZOFFSETTO:+0100',
    'END:STANDARD',
    'BEGIN:DAYLIGHT',
    'DTSTART:19700329T020000',
    'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
    'TZOFFSETFROM:+0100',
    'TZOFFSETTO:+0200',
    'END:DAYLIGHT',
    'END:VTIMEZONE',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20240601T120000Z',
    `DTSTART;TZID=Europe/Berlin:${start}`,
    'DURATION:PT1H',
    `SUMMARY:${summary}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ]);
}

export function vtodo(uid: string, summary: string): string {
  return lines([
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//staged-migration//dav tests//EN',
    'BEGIN:VTODO',
    `UID:${uid}`,
    'DTSTAMP:20240601T120000Z',
    `SUMMARY:${summary}`,
    'END:VTODO',
    'END:VCALENDAR',
  ]);
}

function lines(list: string[]): string {
  return `${list.join('\r\n')}\r\n`;
}
