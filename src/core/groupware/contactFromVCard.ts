import ICAL from 'ical.js';
import type { GraphContact, GraphEmailAddress, GraphPhysicalAddress, GraphSingleValueExtendedProperty } from './graphShapes';
import { InvalidVCardError } from './groupwareErrors';
import { normalizeVCardText } from './vcardText';

/**
 * One vCard (3.0 or 4.0, parsed with ical.js; 2.1 converted first, see vcardText.ts) → the body of
 * `POST /users/{id}/contactFolders/{id}/contacts` (https://learn.microsoft.com/graph/api/contactfolder-post-contacts),
 * the photo for `PUT /users/{id}/contacts/{id}/photo/$value` (https://learn.microsoft.com/graph/api/profilephoto-update),
 * and the values Graph has no field for. Pure: no I/O.
 *
 * Field by field (Graph v1.0 `contact`, graph-v1.0-csdl.xml):
 *   N → surname; givenName; middleName; title (prefix, "Dr."); generation (suffix, "Jr."). FN → displayName.
 *   NICKNAME → nickName. ORG → companyName; department (the other units, comma-joined). TITLE → jobTitle.
 *   ROLE → profession. X-PHONETIC-FIRST-NAME/-LAST-NAME/-ORG → yomiGivenName/yomiSurname/yomiCompanyName.
 *   EMAIL → emailAddresses (preferred first; name = displayName). TEL → by TYPE, see PHONE_SLOTS. IMPP, X-AIM,
 *   X-JABBER, X-SKYPE… → imAddresses. URL → businessHomePage, then the personal home page (MAPI property).
 *   ADR → homeAddress / businessAddress / otherAddress by TYPE. BDAY → birthday. ANNIVERSARY (4.0), X-ANNIVERSARY,
 *   X-MS-ANNIVERSARY, Apple's X-ABDATE "Anniversary" → the MAPI wedding anniversary. NOTE → personalNotes.
 *   CATEGORIES → categories. Spouse, manager, assistant and children (RELATED in 4.0, Apple's X-ABRELATEDNAMES,
 *   Outlook's/Evolution's X-…-SPOUSE/-MANAGER/-ASSISTANT) → spouseName, manager, assistantName, children.
 *   PHOTO (inline base64 or a data: URI) → `photo`.
 *
 * Where values Graph cannot hold go — none is dropped silently:
 *   1. Graph v1.0 exposes only businessPhones, homePhones and mobilePhone, yet an Outlook contact has a
 *      slot for each of 19 phone kinds. Fax, pager, car, ISDN, TTY, assistant, company main, primary,
 *      radio, telex and "other" numbers go into their own slot as MAPI properties through
 *      `singleValueExtendedProperties` ("{type} {proptag}", e.g. "String 0x3A24" for the business fax;
 *      https://learn.microsoft.com/graph/api/resources/extended-properties-overview: extended properties
 *      are "a fallback mechanism for apps to access custom data for Outlook MAPI properties when these
 *      properties aren't already exposed in the Microsoft Graph API metadata"). So do the wedding
 *      anniversary (PidTagWeddingAnniversary, 0x3A41, PT_SYSTIME) and the personal home page
 *      (PidTagPersonalHomePage, 0x3A50), which Graph v1.0's contact lacks. Tags from MS-OXPROPS / mapitags.h.
 *   2. What still does not fit — a 4th email (Outlook has Email1–3), a 3rd business or home phone (Business/
 *      Business2, Home/Home2), a 2nd mobile, a 4th IM address (IMAddress1–3), extra URLs, addresses beyond
 *      the three kinds, extra nicknames, a photo given as a URL, and any other vCard property with user data
 *      (GEO, TZ, KEY, X-SOCIALPROFILE, RELATED of other kinds, unknown X- properties) — is appended to
 *      personalNotes under the line "Migrated values Graph has no field for:", one "- Label: value" line each,
 *      and returned in `overflow` with the same text, so the copy can count and report them.
 *   A phone whose own slot is taken goes to the "other" slot if that is free, before it overflows.
 *   Technical properties (VERSION, PRODID, REV, UID, X-ABUID, CLIENTPIDMAP, LABEL, SORT-STRING…) are not user
 *   data and are not carried.
 */
export interface ContactPhoto {
  /** `image/jpeg`, `image/png` or `image/gif`, from the bytes' signature (else the TYPE/MEDIATYPE the vCard gives). */
  contentType: string;
  bytes: Uint8Array;
}

export interface ContactMapping {
  contact: GraphContact;
  photo?: ContactPhoto;
  /** The values written to the notes block, one line each ("Email: ann@example.com (home)"). */
  overflow: string[];
}

/** The heading of the block appended to personalNotes. */
export const OVERFLOW_HEADING = 'Migrated values Graph has no field for:';

/**
 * MAPI phone and web slots Graph v1.0 does not expose, as `singleValueExtendedProperties` ids
 * ("String {proptag}", https://learn.microsoft.com/graph/api/resources/singlevaluelegacyextendedproperty).
 */
export const MAPI_CONTACT_PROPERTIES = {
  primaryPhone: 'String 0x3A1A', // PidTagPrimaryTelephoneNumber
  radioPhone: 'String 0x3A1D', // PidTagRadioTelephoneNumber
  carPhone: 'String 0x3A1E', // PidTagCarTelephoneNumber
  otherPhone: 'String 0x3A1F', // PidTagOtherTelephoneNumber
  pager: 'String 0x3A21', // PidTagPagerTelephoneNumber
  otherFax: 'String 0x3A23', // PidTagPrimaryFaxNumber ("Other Fax" in Outlook)
  businessFax: 'String 0x3A24', // PidTagBusinessFaxNumber
  homeFax: 'String 0x3A25', // PidTagHomeFaxNumber
  telex: 'String 0x3A2C', // PidTagTelexNumber
  isdn: 'String 0x3A2D', // PidTagIsdnNumber
  assistantPhone: 'String 0x3A2E', // PidTagAssistantTelephoneNumber
  ttyTddPhone: 'String 0x3A4B', // PidTagTtyTddPhoneNumber
  personalHomePage: 'String 0x3A50', // PidTagPersonalHomePage
  companyMainPhone: 'String 0x3A57', // PidTagCompanyMainTelephoneNumber
  weddingAnniversary: 'SystemTime 0x3A41', // PidTagWeddingAnniversary
} as const;

type ExtendedSlot = keyof typeof MAPI_CONTACT_PROPERTIES;
type PhoneSlot = 'business' | 'home' | 'mobile' | Exclude<ExtendedSlot, 'personalHomePage' | 'weddingAnniversary'>;

/** How many numbers each Graph phone property holds (Outlook's Business/Business2, Home/Home2, Mobile). */
const GRAPH_PHONE_CAPACITY = { business: 2, home: 2, mobile: 1 } as const;
const MAX_EMAILS = 3;
const MAX_IM_ADDRESSES = 3;

/**
 * Birthdays and anniversaries are dates; Graph stores a DateTimeOffset. 11:59 UTC keeps the same date
 * in every zone from UTC−11 to UTC+12, which is what Exchange ActiveSync does ("The time portion of the
 * dateTime value might be 11:59 and SHOULD be ignored, so that synchronizing between different time
 * zones does not change the date", MS-ASCNTC 2.2.2.7 Birthday,
 * https://learn.microsoft.com/openspecs/exchange_server_protocols/ms-ascntc/c157c605-8f4b-4214-8213-5cd2b035d6b4).
 * A date without a year (vCard 4.0 `--0415`, Apple's X-APPLE-OMIT-YEAR) takes year 1604, Apple's convention.
 */
const DATE_TIME_OF_DAY = 'T11:59:00Z';
const NO_YEAR = 1604;

/** Properties that carry no user data. */
const TECHNICAL = new Set([
  'version',
  'prodid',
  'rev',
  'uid',
  'kind',
  'x-ablabel',
  'x-abuid',
  'x-abshowas',
  'x-abadr',
  'clientpidmap',
  'source',
  'name',
  'profile',
  'mailer',
  'label',
  'sort-string',
  'x-ms-ol-default-postal-address',
  'x-ms-ol-design',
  'x-ms-cardpicture',
  'x-evolution-file-as',
  'x-evolution-blog-url-type',
  'x-mozilla-html',
  'x-mozilla-property',
]);

const IM_PROPERTIES = new Set([
  'impp',
  'x-aim',
  'x-jabber',
  'x-icq',
  'x-msn',
  'x-yahoo',
  'x-skype',
  'x-skype-username',
  'x-gtalk',
  'x-google-talk',
  'x-qq',
  'x-gadugadu',
  'x-groupwise',
  'x-ms-imaddress',
  'x-sip',
]);

const RELATION_PROPERTIES: Record<string, Relation> = {
  'x-ms-spouse': 'spouse',
  'x-evolution-spouse': 'spouse',
  'x-spouse': 'spouse',
  'x-kaddressbook-x-spousename': 'spouse',
  'x-ms-manager': 'manager',
  'x-evolution-manager': 'manager',
  'x-manager': 'manager',
  'x-kaddressbook-x-managersname': 'manager',
  'x-ms-assistant': 'assistant',
  'x-evolution-assistant': 'assistant',
  'x-assistant': 'assistant',
  'x-kaddressbook-x-assistantsname': 'assistant',
  'x-ms-child': 'child',
  'x-child': 'child',
};

const ANNIVERSARY_PROPERTIES = new Set(['anniversary', 'x-anniversary', 'x-ms-anniversary', 'x-evolution-anniversary', 'x-kaddressbook-x-anniversary']);

type Relation = 'spouse' | 'manager' | 'assistant' | 'child';

/** A jCard property: [name, parameters, value type, ...values]. */
type JCardProperty = [string, Record<string, string | string[]>, string, ...unknown[]];

interface Prop {
  name: string;
  group?: string;
  /** TYPE values, lower case, comma lists split; Apple's X-ABLabel of the same group folded in. */
  types: string[];
  /** The free-text label Apple gives a grouped property (X-ABLabel), when it is not one of its `_$!<…>!$_` names. */
  label?: string;
  /** 1 (most preferred) … 100; vCard 3.0 `TYPE=pref` counts as 1. */
  pref: number;
  params: Record<string, string | string[]>;
  valueType: string;
  values: unknown[];
  order: number;
}

export function contactFromVCard(vcardText: string): ContactMapping {
  const props = readProperties(vcardText);
  const builder = new ContactBuilder();
  for (const prop of [...props].sort((a, b) => a.pref - b.pref || a.order - b.order)) builder.add(prop);
  return builder.finish();
}

function readProperties(vcardText: string): Prop[] {
  let parsed: unknown;
  try {
    parsed = ICAL.parse(normalizeVCardText(vcardText));
  } catch (error) {
    throw new InvalidVCardError(error instanceof Error ? error.message : String(error));
  }
  const cards = isJCard(parsed) ? [parsed] : Array.isArray(parsed) ? parsed.filter(isJCard) : [];
  if (cards.length === 0) throw new InvalidVCardError('the text holds no BEGIN:VCARD … END:VCARD.');
  if (cards.length > 1) throw new InvalidVCardError(`the text holds ${cards.length} vCards; one contact is one vCard.`);
  const jcardProps = cards[0]![1] as JCardProperty[];

  const labels = new Map<string, string>();
  for (const [name, params, , value] of jcardProps) {
    if (name === 'x-ablabel' && typeof params.group === 'string') labels.set(params.group, String(value));
  }
  return jcardProps.map(([name, params, valueType, ...values], order) => {
    const group = typeof params.group === 'string' ? params.group : undefined;
    const types = [params.type ?? []]
      .flat()
      .flatMap((type) => String(type).split(','))
      .map((type) => type.trim().toLowerCase())
      .filter((type) => type !== '');
    const label = group === undefined ? undefined : labels.get(group);
    const appleName = label === undefined ? undefined : /^_\$!<(.+)>!\$_$/.exec(label)?.[1]?.toLowerCase();
    if (appleName) types.push(appleName);
    const prefParam = Number(Array.isArray(params.pref) ? params.pref[0] : params.pref);
    const pref = Number.isFinite(prefParam) && prefParam > 0 ? prefParam : types.includes('pref') ? 1 : 100;
    return {
      name,
      group,
      types,
      label: appleName === undefined ? label : undefined,
      pref,
      params,
      valueType,
      values,
      order,
    };
  });
}

function isJCard(value: unknown): value is [string, unknown[], unknown[]] {
  return Array.isArray(value) && value[0] === 'vcard' && Array.isArray(value[1]);
}

/** A value as text: structured values joined, multi-valued components comma-joined. */
function textOf(value: unknown, separator = ' '): string {
  if (Array.isArray(value)) {
    return value
      .map((part) => textOf(part, ', '))
      .filter((part) => part !== '')
      .join(separator);
  }
  if (typeof value === 'string') return value.trim();
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

/** A property's values with multi-valued ones (NICKNAME:a,b; CATEGORIES) flattened. */
function flatValues(prop: Prop): unknown[] {
  return prop.values.flatMap((value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : [value]));
}

/** The components of a structured value (N, ADR, ORG), each as text. */
function componentsOf(prop: Prop): string[] {
  const value = prop.values.length === 1 ? prop.values[0] : prop.values;
  if (!Array.isArray(value)) return [textOf(value)];
  return value.map((part) => textOf(part, ', '));
}

class ContactBuilder {
  private readonly contact: GraphContact = {};
  private readonly overflow: string[] = [];
  private readonly extended = new Map<ExtendedSlot, string>();
  private readonly phones = { business: [] as string[], home: [] as string[], mobile: [] as string[] };
  private readonly emails: GraphEmailAddress[] = [];
  private readonly imAddresses: string[] = [];
  private readonly categories: string[] = [];
  private readonly children: string[] = [];
  private readonly notes: string[] = [];
  private photo?: ContactPhoto;
  private formattedName?: string;

  add(prop: Prop): void {
    const name = prop.name;
    if (TECHNICAL.has(name)) return;
    if (IM_PROPERTIES.has(name)) return this.addIm(prop);
    if (name in RELATION_PROPERTIES) return this.addRelation(RELATION_PROPERTIES[name]!, textOf(prop.values));
    if (ANNIVERSARY_PROPERTIES.has(name)) return this.addAnniversary(prop);
    switch (name) {
      case 'fn':
        this.formattedName = textOf(prop.values);
        return;
      case 'n':
        return this.addName(prop);
      case 'nickname':
        return this.addNicknames(prop);
      case 'org':
        return this.addOrganization(prop);
      case 'title':
        return this.setOrOverflow('jobTitle', textOf(prop.values), 'Job title');
      case 'role':
      case 'x-kaddressbook-x-profession':
        return this.setOrOverflow('profession', textOf(prop.values), 'Role');
      case 'x-kaddressbook-x-office':
      case 'x-ms-office':
        return this.setOrOverflow('officeLocation', textOf(prop.values), 'Office');
      case 'x-phonetic-first-name':
        return this.setOrOverflow('yomiGivenName', textOf(prop.values), 'Phonetic first name');
      case 'x-phonetic-last-name':
        return this.setOrOverflow('yomiSurname', textOf(prop.values), 'Phonetic last name');
      case 'x-phonetic-org':
        return this.setOrOverflow('yomiCompanyName', textOf(prop.values), 'Phonetic company');
      case 'email':
        return this.addEmail(prop);
      case 'tel':
        return this.addPhone(prop);
      case 'adr':
        return this.addAddress(prop);
      case 'url':
        return this.addUrl(prop);
      case 'bday':
        return this.addBirthday(prop);
      case 'note':
        if (textOf(prop.values) !== '') this.notes.push(textOf(prop.values));
        return;
      case 'categories':
        for (const value of flatValues(prop)) {
          const category = textOf(value);
          if (category !== '' && !this.categories.includes(category)) this.categories.push(category);
        }
        return;
      case 'photo':
        return this.addPhoto(prop);
      case 'related':
        return this.addRelated(prop);
      case 'x-abrelatednames':
        return this.addAppleRelated(prop);
      case 'x-abdate':
        if (prop.types.includes('anniversary')) return this.addAnniversary(prop);
        return this.overflowValue(`Date${this.labelOf(prop)}`, textOf(prop.values));
      default:
        return this.addOther(prop);
    }
  }

  finish(): ContactMapping {
    const contact = this.contact;
    if (this.formattedName) contact.displayName = this.formattedName;
    else contact.displayName = this.composedDisplayName();
    if (this.emails.length > 0) contact.emailAddresses = this.emails.map((email) => (contact.displayName ? { ...email, name: contact.displayName } : email));
    if (this.phones.business.length > 0) contact.businessPhones = this.phones.business;
    if (this.phones.home.length > 0) contact.homePhones = this.phones.home;
    if (this.phones.mobile.length > 0) contact.mobilePhone = this.phones.mobile[0];
    if (this.imAddresses.length > 0) contact.imAddresses = this.imAddresses;
    if (this.categories.length > 0) contact.categories = this.categories;
    if (this.children.length > 0) contact.children = this.children;
    if (this.extended.size > 0) {
      contact.singleValueExtendedProperties = [...this.extended].map(([slot, value]): GraphSingleValueExtendedProperty => ({
        id: MAPI_CONTACT_PROPERTIES[slot],
        value,
      }));
    }
    const notes = [...this.notes];
    if (this.overflow.length > 0) notes.push([OVERFLOW_HEADING, ...this.overflow.map((line) => `- ${line}`)].join('\n'));
    if (notes.length > 0) contact.personalNotes = notes.join('\n\n');
    if (contact.displayName === undefined || contact.displayName === '') delete contact.displayName;
    return { contact, ...(this.photo ? { photo: this.photo } : {}), overflow: this.overflow };
  }

  private composedDisplayName(): string | undefined {
    const c = this.contact;
    const parts = [c.title, c.givenName, c.middleName, c.surname, c.generation].filter((part) => part);
    if (parts.length > 0) return parts.join(' ');
    return c.companyName ?? this.emails[0]?.address;
  }

  private setOrOverflow(field: keyof GraphContact, value: string, label: string): void {
    if (value === '') return;
    const record = this.contact as Record<string, unknown>;
    if (record[field] === undefined) record[field] = value;
    else this.overflowValue(label, value);
  }

  private overflowValue(label: string, value: string): void {
    if (value !== '') this.overflow.push(`${label}: ${value}`);
  }

  private labelOf(prop: Prop): string {
    const kinds = prop.types.filter((type) => !['pref', 'internet', 'voice', 'x400'].includes(type));
    const label = prop.label ?? kinds.join(', ');
    return label === '' ? '' : ` (${label})`;
  }

  private addName(prop: Prop): void {
    const [surname, givenName, middleName, prefix, suffix] = componentsOf(prop);
    const names: [keyof GraphContact, string | undefined, string][] = [
      ['surname', surname, 'Surname'],
      ['givenName', givenName, 'Given name'],
      ['middleName', middleName, 'Middle name'],
      ['title', prefix, 'Name prefix'],
      ['generation', suffix, 'Name suffix'],
    ];
    for (const [field, value, label] of names) this.setOrOverflow(field, value ?? '', label);
  }

  private addNicknames(prop: Prop): void {
    for (const value of flatValues(prop)) this.setOrOverflow('nickName', textOf(value), 'Nickname');
  }

  private addOrganization(prop: Prop): void {
    const [company, ...units] = componentsOf(prop);
    this.setOrOverflow('companyName', company ?? '', 'Company');
    this.setOrOverflow('department', units.filter((unit) => unit !== '').join(', '), 'Department');
  }

  private addEmail(prop: Prop): void {
    const address = textOf(prop.values).replace(/^mailto:/i, '');
    if (address === '') return;
    if (this.emails.some((email) => email.address.toLowerCase() === address.toLowerCase())) return;
    if (this.emails.length < MAX_EMAILS) this.emails.push({ address });
    else this.overflowValue(`Email${this.labelOf(prop)}`, address);
  }

  private addIm(prop: Prop): void {
    const address = textOf(prop.values);
    if (address === '' || this.imAddresses.includes(address)) return;
    if (this.imAddresses.length < MAX_IM_ADDRESSES) this.imAddresses.push(address);
    else this.overflowValue(`IM${prop.name === 'impp' ? '' : ` (${prop.name.replace(/^x-(ms-)?/, '')})`}`, address);
  }

  private addPhone(prop: Prop): void {
    const number = textOf(prop.values).replace(/^tel:/i, '');
    if (number === '') return;
    const slot = phoneSlotOf(prop.types);
    if (this.placePhone(slot, number)) return;
    const general = slot === 'business' || slot === 'home' || slot === 'mobile' || slot === 'primaryPhone';
    if (general && this.placePhone('otherPhone', number)) return;
    this.overflowValue(`Phone${this.labelOf(prop)}`, number);
  }

  private placePhone(slot: PhoneSlot, number: string): boolean {
    if (slot === 'business' || slot === 'home' || slot === 'mobile') {
      const list = this.phones[slot];
      if (list.includes(number)) return true;
      if (list.length >= GRAPH_PHONE_CAPACITY[slot]) return false;
      list.push(number);
      return true;
    }
    if (this.extended.get(slot) === number) return true;
    if (this.extended.has(slot)) return false;
    this.extended.set(slot, number);
    return true;
  }

  private addAddress(prop: Prop): void {
    const [poBox, extended, street, city, state, postalCode, country] = componentsOf(prop);
    const address: GraphPhysicalAddress = {};
    const streetLines = [poBox, extended, street].filter((line): line is string => line !== undefined && line !== '');
    if (streetLines.length > 0) address.street = streetLines.join('\n');
    if (city) address.city = city;
    if (state) address.state = state;
    if (postalCode) address.postalCode = postalCode;
    if (country) address.countryOrRegion = country;
    if (Object.keys(address).length === 0) return;
    const kind = prop.types.includes('work') ? 'businessAddress' : prop.types.includes('home') ? 'homeAddress' : 'otherAddress';
    for (const field of [kind, 'otherAddress'] as const) {
      if (this.contact[field] === undefined) {
        this.contact[field] = address;
        return;
      }
    }
    const text = [address.street?.replace(/\n/g, ', '), address.city, address.state, address.postalCode, address.countryOrRegion]
      .filter((part) => part)
      .join(', ');
    this.overflowValue(`Address${this.labelOf(prop)}`, text);
  }

  private addUrl(prop: Prop): void {
    const url = textOf(prop.values);
    if (url === '') return;
    const personal = prop.types.includes('home') || prop.types.includes('personal');
    if (!personal && this.contact.businessHomePage === undefined) {
      this.contact.businessHomePage = url;
      return;
    }
    if (!this.extended.has('personalHomePage')) {
      this.extended.set('personalHomePage', url);
      return;
    }
    if (this.contact.businessHomePage === undefined) {
      this.contact.businessHomePage = url;
      return;
    }
    this.overflowValue(`Website${this.labelOf(prop)}`, url);
  }

  private addBirthday(prop: Prop): void {
    const date = dateOf(prop);
    if (date === undefined) return this.overflowValue('Birthday', textOf(prop.values));
    if (this.contact.birthday === undefined) this.contact.birthday = `${date}${DATE_TIME_OF_DAY}`;
    else this.overflowValue('Birthday', date);
  }

  private addAnniversary(prop: Prop): void {
    const date = dateOf(prop);
    if (date === undefined) return this.overflowValue('Anniversary', textOf(prop.values));
    if (!this.extended.has('weddingAnniversary')) this.extended.set('weddingAnniversary', `${date}${DATE_TIME_OF_DAY}`);
    else if (this.extended.get('weddingAnniversary') !== `${date}${DATE_TIME_OF_DAY}`) this.overflowValue('Anniversary', date);
  }

  private addRelation(relation: Relation, name: string): void {
    if (name === '') return;
    switch (relation) {
      case 'spouse':
        return this.setOrOverflow('spouseName', name, 'Spouse');
      case 'manager':
        return this.setOrOverflow('manager', name, 'Manager');
      case 'assistant':
        return this.setOrOverflow('assistantName', name, 'Assistant');
      case 'child':
        if (!this.children.includes(name)) this.children.push(name);
        return;
    }
  }

  /** vCard 4.0 RELATED (RFC 6350 6.6.6): TYPE spouse/child map; a URI value (urn:uuid:…) or another TYPE is kept in the notes. */
  private addRelated(prop: Prop): void {
    const value = textOf(prop.values);
    const isUri = prop.valueType === 'uri' || /^[a-z][a-z0-9+.-]*:/i.test(value);
    const relation = prop.types.includes('spouse') ? 'spouse' : prop.types.includes('child') ? 'child' : undefined;
    if (relation && !isUri) return this.addRelation(relation, value);
    this.overflowValue(`Related${this.labelOf(prop)}`, value);
  }

  /** Apple's X-ABRELATEDNAMES with its X-ABLabel (_$!<Spouse>!$_, _$!<Child>!$_, _$!<Manager>!$_, _$!<Assistant>!$_, …). */
  private addAppleRelated(prop: Prop): void {
    const value = textOf(prop.values);
    const relation = (['spouse', 'partner', 'child', 'manager', 'assistant'] as const).find((kind) => prop.types.includes(kind));
    if (relation === undefined) return this.overflowValue(`Related${this.labelOf(prop)}`, value);
    this.addRelation(relation === 'partner' ? 'spouse' : relation, value);
  }

  private addPhoto(prop: Prop): void {
    const value = textOf(prop.values);
    const dataUri = /^data:([^;,]*)(;[^,]*)?,(.*)$/s.exec(value);
    let bytes: Uint8Array | undefined;
    let declared = [prop.params.type, prop.params.mediatype].flat().find((type) => typeof type === 'string');
    if (dataUri) {
      declared = dataUri[1] || declared;
      bytes = /;base64/i.test(dataUri[2] ?? '') ? decodeBase64(dataUri[3]!) : new TextEncoder().encode(decodeURIComponent(dataUri[3]!));
    } else if (prop.valueType === 'binary' || /^b(ase64)?$/i.test(String(prop.params.encoding ?? ''))) {
      bytes = decodeBase64(value);
    }
    if (bytes === undefined || bytes.length === 0) return this.overflowValue('Photo', `${value} (not downloaded)`);
    if (this.photo) return this.overflowValue('Photo', `another picture of ${bytes.length} bytes (Graph keeps one)`);
    this.photo = { contentType: imageType(bytes, declared), bytes };
  }

  /** Anything else with a value: kept in the notes as "NAME: value" (binary values by size only). */
  private addOther(prop: Prop): void {
    const binary = prop.valueType === 'binary' || /^b(ase64)?$/i.test(String(prop.params.encoding ?? ''));
    const value = binary ? `${decodeBase64(textOf(prop.values)).length} bytes of binary data, not migrated` : textOf(prop.values, '; ');
    const label = prop.label ?? prop.name.toUpperCase();
    this.overflowValue(label, value);
  }
}

/** The slot a TEL goes to, from its TYPEs (vCard 3.0/4.0 names, Apple's labels, Evolution's X- types). */
function phoneSlotOf(types: string[]): PhoneSlot {
  const has = (...names: string[]): boolean => names.some((name) => types.includes(name));
  if (has('fax', 'homefax', 'workfax', 'otherfax')) {
    if (has('home', 'homefax')) return 'homeFax';
    if (has('work', 'workfax')) return 'businessFax';
    if (has('other', 'otherfax')) return 'otherFax';
    return 'businessFax';
  }
  if (has('pager')) return 'pager';
  if (has('cell', 'mobile', 'iphone')) return 'mobile';
  if (has('car')) return 'carPhone';
  if (has('isdn')) return 'isdn';
  if (has('textphone', 'tty', 'x-evolution-ttytdd')) return 'ttyTddPhone';
  if (has('x-assistant', 'assistant', 'x-evolution-assistant')) return 'assistantPhone';
  if (has('x-evolution-company', 'company', 'x-company')) return 'companyMainPhone';
  if (has('x-evolution-radio', 'radio')) return 'radioPhone';
  if (has('x-evolution-telex', 'telex')) return 'telex';
  if (has('work')) return 'business';
  if (has('home')) return 'home';
  if (has('main')) return 'primaryPhone';
  return 'otherPhone';
}

/** A DATE (or DATE-AND-OR-TIME) value as `YYYY-MM-DD`; a year-less date gets year 1604. */
function dateOf(prop: Prop): string | undefined {
  const value = textOf(prop.values);
  const full = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(value);
  if (full) {
    const omitted = prop.params['x-apple-omit-year'];
    const year = omitted !== undefined && String(omitted) === full[1] ? NO_YEAR : Number(full[1]);
    return `${String(year).padStart(4, '0')}-${full[2]}-${full[3]}`;
  }
  const yearless = /^--(\d{2})-?(\d{2})$/.exec(value);
  return yearless ? `${NO_YEAR}-${yearless[1]}-${yearless[2]}` : undefined;
}

function decodeBase64(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'base64'));
}

function imageType(bytes: Uint8Array, declared: string | undefined): string {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  if (bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46) return 'image/gif';
  const type = (declared ?? '').toLowerCase();
  if (type.includes('/')) return type;
  if (type === 'jpg' || type === 'jpeg') return 'image/jpeg';
  return type === '' ? 'application/octet-stream' : `image/${type}`;
}
