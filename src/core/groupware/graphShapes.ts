/**
 * The parts of Microsoft Graph v1.0's `contact` and `event` the groupware mappers write, named and
 * typed as the CSDL declares them (graph-v1.0-csdl.xml, msgraph-metadata; see
 * test/unit/groupware/graphShapes.test.ts, which checks every property name the mappers emit against
 * it). Core may not import @microsoft/microsoft-graph-types (eslint.layers.cjs: no `@microsoft/*` in
 * core), so these are declared here; they are assignable to that package's `Contact` and `Event`.
 */

/** graph.emailAddress */
export interface GraphEmailAddress {
  address: string;
  name?: string;
}

/** graph.physicalAddress */
export interface GraphPhysicalAddress {
  street?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  countryOrRegion?: string;
}

/** graph.singleValueLegacyExtendedProperty: `id` is "{type} {proptag}" for a MAPI property tag. */
export interface GraphSingleValueExtendedProperty {
  id: string;
  value: string;
}

/** graph.contact (the writable properties a migrated vCard fills). */
export interface GraphContact {
  displayName?: string;
  givenName?: string;
  middleName?: string;
  surname?: string;
  title?: string;
  generation?: string;
  nickName?: string;
  yomiGivenName?: string;
  yomiSurname?: string;
  yomiCompanyName?: string;
  companyName?: string;
  department?: string;
  jobTitle?: string;
  profession?: string;
  officeLocation?: string;
  manager?: string;
  assistantName?: string;
  spouseName?: string;
  children?: string[];
  emailAddresses?: GraphEmailAddress[];
  businessPhones?: string[];
  homePhones?: string[];
  mobilePhone?: string;
  imAddresses?: string[];
  businessHomePage?: string;
  homeAddress?: GraphPhysicalAddress;
  businessAddress?: GraphPhysicalAddress;
  otherAddress?: GraphPhysicalAddress;
  /** Edm.DateTimeOffset. */
  birthday?: string;
  personalNotes?: string;
  categories?: string[];
  singleValueExtendedProperties?: GraphSingleValueExtendedProperty[];
}

/** graph.dateTimeTimeZone: a wall-clock time and the time zone it is read in. */
export interface GraphDateTimeTimeZone {
  /** `YYYY-MM-DDTHH:MM:SS`, no offset: the time as read in `timeZone`. */
  dateTime: string;
  /** A Windows time zone ID ("W. Europe Standard Time") or "UTC". */
  timeZone: string;
}

/** graph.itemBody */
export interface GraphItemBody {
  contentType: 'text' | 'html';
  content: string;
}

/** graph.location */
export interface GraphLocation {
  displayName: string;
}

/** graph.dayOfWeek */
export type GraphDayOfWeek = 'sunday' | 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday';

/** graph.weekIndex */
export type GraphWeekIndex = 'first' | 'second' | 'third' | 'fourth' | 'last';

/** graph.recurrencePattern */
export interface GraphRecurrencePattern {
  type: 'daily' | 'weekly' | 'absoluteMonthly' | 'relativeMonthly' | 'absoluteYearly' | 'relativeYearly';
  interval: number;
  daysOfWeek?: GraphDayOfWeek[];
  dayOfMonth?: number;
  month?: number;
  firstDayOfWeek?: GraphDayOfWeek;
  index?: GraphWeekIndex;
}

/** graph.recurrenceRange: dates are Edm.Date, `YYYY-MM-DD`. */
export interface GraphRecurrenceRange {
  type: 'endDate' | 'noEnd' | 'numbered';
  startDate: string;
  endDate?: string;
  numberOfOccurrences?: number;
  recurrenceTimeZone?: string;
}

/** graph.patternedRecurrence */
export interface GraphPatternedRecurrence {
  pattern: GraphRecurrencePattern;
  range: GraphRecurrenceRange;
}

/** graph.freeBusyStatus */
export type GraphFreeBusyStatus = 'unknown' | 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere';

/** graph.sensitivity */
export type GraphSensitivity = 'normal' | 'personal' | 'private' | 'confidential';

/** graph.importance */
export type GraphImportance = 'low' | 'normal' | 'high';

/**
 * graph.event (the writable properties a migrated VEVENT fills). Deliberately without `attendees`
 * and `organizer`: see eventFromICalendar.ts, "No invitations".
 */
export interface GraphEvent {
  subject?: string;
  body?: GraphItemBody;
  location?: GraphLocation;
  start: GraphDateTimeTimeZone;
  end: GraphDateTimeTimeZone;
  isAllDay: boolean;
  showAs?: GraphFreeBusyStatus;
  sensitivity?: GraphSensitivity;
  importance?: GraphImportance;
  isReminderOn: boolean;
  reminderMinutesBeforeStart?: number;
  categories?: string[];
  recurrence?: GraphPatternedRecurrence;
}
