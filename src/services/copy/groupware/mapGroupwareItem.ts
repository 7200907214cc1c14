import { contactFromVCard } from '../../../core/groupware/contactFromVCard';
import { eventFromICalendar } from '../../../core/groupware/eventFromICalendar';
import type { GroupwareKind } from '../../../core/groupware/groupwareKind';
import { windowsZoneOfTzid } from '../../../core/groupware/timeZones';
import type { GroupwarePayload } from '../../ports/groupwareTarget';
import type { ItemCollection } from '../../ports/itemSource';

/**
 * A source item's text as the target payload (core/groupware does the mapping), with a title for reports.
 * Graph takes only JPEG contact photos ("Content-Type: image/jpeg. Required.",
 * https://learn.microsoft.com/graph/api/profilephoto-update): another format is left out and noted in the
 * contact's notes rather than refused by the target. An event's all-day dates and floating times are read
 * in its calendar's own time zone (CalDAV calendar-timezone), else in UTC: an all-day event is a day of
 * the zone the source calendar meant.
 */
export function mapGroupwareItem(
  kind: GroupwareKind,
  data: string,
  collection: Pick<ItemCollection, 'timeZone'> = {},
): { payload: GroupwarePayload; title: string } {
  if (kind === 'contact') {
    const mapped = contactFromVCard(data);
    const photo =
      mapped.photo && mapped.photo.contentType === 'image/jpeg'
        ? { name: 'photo.jpg', contentType: 'image/jpeg', bytes: Buffer.from(mapped.photo.bytes) }
        : undefined;
    const contact =
      mapped.photo && !photo
        ? {
            ...mapped.contact,
            personalNotes: [
              mapped.contact.personalNotes,
              `The contact's photo (${mapped.photo.contentType}) was not migrated: Microsoft 365 takes JPEG photos only.`,
            ]
              .filter(Boolean)
              .join('\n\n'),
          }
        : mapped.contact;
    return { payload: { kind: 'contact', contact, ...(photo ? { photo } : {}) }, title: mapped.contact.displayName ?? '(no name)' };
  }
  const floatingTimeZone = windowsZoneOfTzid(collection.timeZone);
  const mapped = eventFromICalendar(data, floatingTimeZone ? { floatingTimeZone } : {});
  return {
    payload: {
      kind: 'event',
      master: mapped.master,
      exceptions: mapped.exceptions.map((e) => ({ originalStart: e.originalStart.utc, event: e.body })),
      cancelled: mapped.cancelled.map((c) => c.utc),
      attachments: mapped.attachments.map((a) => ({ name: a.name, contentType: a.contentType, bytes: Buffer.from(a.bytes) })),
    },
    title: mapped.master.subject ?? '(no subject)',
  };
}
