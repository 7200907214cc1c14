import { MigrationError } from '../errors/migrationError';
import type { GroupwareItemErrorCode } from '../errors/migrationErrorCode';

/**
 * Why one contact or calendar item cannot be mapped. Each is permanent (the same bytes fail the same
 * way), so the copy skips the item, reports `code` and the message as the reason, and goes on with
 * the mailbox (issue 14: "a bad item (unparseable iCalendar, an invalid time zone) is skipped and
 * reported with its reason").
 */
export class GroupwareItemError extends MigrationError {
  constructor(
    override readonly code: GroupwareItemErrorCode,
    message: string,
  ) {
    super(code, message, 'permanent');
    this.name = 'GroupwareItemError';
  }
}

/** The vCard text cannot be parsed, or holds no vCard. */
export class InvalidVCardError extends GroupwareItemError {
  constructor(reason: string) {
    super('InvalidVCard', `The vCard cannot be read: ${reason}`);
    this.name = 'InvalidVCardError';
  }
}

/** The iCalendar text cannot be parsed, or holds no event Graph could take. */
export class InvalidICalendarError extends GroupwareItemError {
  constructor(reason: string) {
    super('InvalidICalendar', `The iCalendar object cannot be read: ${reason}`);
    this.name = 'InvalidICalendarError';
  }
}

/** A TZID that names no time zone this mapper can resolve to one Graph accepts. */
export class UnknownTimeZoneError extends GroupwareItemError {
  constructor(
    readonly tzid: string,
    reason: string,
  ) {
    super('UnknownTimeZone', `The time zone "${tzid}" cannot be resolved: ${reason}`);
    this.name = 'UnknownTimeZoneError';
  }
}

/** An RRULE (or RDATE, or a THISANDFUTURE override) Graph's patternedRecurrence cannot express with the same occurrences. */
export class UnsupportedRecurrenceError extends GroupwareItemError {
  constructor(
    readonly rule: string,
    reason: string,
  ) {
    super('UnsupportedRecurrence', `The recurrence "${rule}" has no Graph equivalent: ${reason}`);
    this.name = 'UnsupportedRecurrenceError';
  }
}
