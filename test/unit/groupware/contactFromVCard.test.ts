import { readFileSync } from 'node:fs';
import path from 'node:path';
import { contactFromVCard, MAPI_CONTACT_PROPERTIES, OVERFLOW_HEADING } from '../../../src/core/groupware/contactFromVCard';
import { InvalidVCardError } from '../../../src/core/groupware/groupwareErrors';

/** Issue 14: vCards as Apple, Google, Outlook, Zimbra and a CardDAV server (Nextcloud/SOGo, vCard 4.0) write them. */
const sample = (name: string): string => readFileSync(path.join(__dirname, 'samples', name), 'utf8');
const extended = (contact: { singleValueExtendedProperties?: { id: string; value: string }[] }, id: string): string | undefined =>
  contact.singleValueExtendedProperties?.find((property) => property.id === id)?.value;

describe('contactFromVCard', () => {
  test('Apple Contacts (vCard 3.0 with item groups and X-ABLabel): names, company, phones by label, spouse, anniversary, photo', () => {
    const { contact, photo, overflow } = contactFromVCard(sample('apple-johnny.vcf'));
    expect(contact).toMatchObject({
      displayName: 'Dr. Johnny Quentin Appleseed Jr.',
      surname: 'Appleseed',
      givenName: 'Johnny',
      middleName: 'Quentin',
      title: 'Dr.',
      generation: 'Jr.',
      nickName: 'Johnny Apples',
      yomiGivenName: 'Jonii',
      yomiSurname: 'Appurushiido',
      companyName: 'Example Orchards Inc.',
      department: 'Research & Development, Lab 4',
      jobTitle: 'Chief Grower',
      businessPhones: ['+1 (408) 555-0100'],
      mobilePhone: '+1 (408) 555-0123',
      imAddresses: ['xmpp:johnny@jabber.example'],
      businessHomePage: 'https://orchards.example',
      spouseName: 'Jane Appleseed',
      birthday: '1974-07-22T11:59:00Z',
      categories: ['Family', 'VIP'],
      homeAddress: { street: '1 Infinite Loop\nBuilding 2', city: 'Cupertino', state: 'CA', postalCode: '95014', countryOrRegion: 'United States' },
    });
    // The preferred address (type=pref) is Email1; every address carries the display name.
    expect(contact.emailAddresses).toEqual([
      { address: 'johnny@orchards.example', name: 'Dr. Johnny Quentin Appleseed Jr.' },
      { address: 'johnny.appleseed@icloud.example', name: 'Dr. Johnny Quentin Appleseed Jr.' },
    ]);
    // A second mobile (iPhone) takes the free "Other" slot; home fax and pager (Apple's label) get their MAPI slots.
    expect(extended(contact, MAPI_CONTACT_PROPERTIES.otherPhone)).toBe('+1 (408) 555-0199');
    expect(extended(contact, MAPI_CONTACT_PROPERTIES.homeFax)).toBe('+1 (408) 555-0150');
    expect(extended(contact, MAPI_CONTACT_PROPERTIES.pager)).toBe('+1 (408) 555-0177');
    expect(extended(contact, 'SystemTime 0x3A41')).toBe('2010-06-12T11:59:00Z');
    // Folded base64 (two-space continuation lines) decodes to the JPEG, recognised by its signature.
    expect(photo?.contentType).toBe('image/jpeg');
    expect(Array.from(photo!.bytes.slice(0, 3))).toEqual([0xff, 0xd8, 0xff]);
    expect(photo!.bytes).toHaveLength(134);
    expect(overflow).toEqual(['X-SOCIALPROFILE: https://twitter.com/johnnyapples']);
    expect(contact.personalNotes).toBe(`Prefers email.\nAllergic to pears, oddly.\n\n${OVERFLOW_HEADING}\n- X-SOCIALPROFILE: https://twitter.com/johnnyapples`);
  });

  test('Google Contacts with five emails: three in Graph, two in the notes block, and the rest of what does not fit', () => {
    const { contact, overflow } = contactFromVCard(sample('google-priya.vcf'));
    expect(contact.emailAddresses?.map((email) => email.address)).toEqual(['priya.raman@contoso.example', 'priya@gmail.example', 'praman@university.example']);
    expect(contact.mobilePhone).toBe('+91 98450 12345');
    expect(contact.businessPhones).toEqual(['+91 80 4012 3456']);
    expect(contact.homePhones).toEqual(['+91 80 2345 6789']);
    expect(extended(contact, MAPI_CONTACT_PROPERTIES.otherPhone)).toBe('+91 80 2345 0000');
    expect(contact.homeAddress?.city).toBe('Bengaluru');
    expect(contact.businessAddress?.street).toBe('Tower B, Embassy Tech Village');
    // A second home address takes the free "other" address; a fourth address has nowhere to go.
    expect(contact.otherAddress).toEqual({ street: '7 Beach Road', city: 'Chennai', state: 'TN', postalCode: '600001', countryOrRegion: 'India' });
    // Google's year-less birthday (--04-15) keeps its day under Apple's year 1604.
    expect(contact.birthday).toBe('1604-04-15T11:59:00Z');
    expect(contact.businessHomePage).toBe('https://contoso.example/priya');
    expect(extended(contact, MAPI_CONTACT_PROPERTIES.personalHomePage)).toBe('https://priya.blog.example');
    expect(overflow).toEqual([
      'Email: priya.r@oldjob.example',
      'Email (home): priya.family@gmail.example',
      'Address: 42 Hill View, Ooty, TN, 643001, India',
      'Website (profile): https://github.example/praman',
    ]);
    expect(contact.personalNotes).toBe(
      [
        'Met at the Bengaluru summit.',
        '',
        OVERFLOW_HEADING,
        '- Email: priya.r@oldjob.example',
        '- Email (home): priya.family@gmail.example',
        '- Address: 42 Hill View, Ooty, TN, 643001, India',
        '- Website (profile): https://github.example/praman',
      ].join('\n'),
    );
  });

  test("Outlook's vCard 2.1 (bare TYPE parameters, QUOTED-PRINTABLE with soft breaks): two business phones, fax, pager, car, spouse, manager, anniversary", () => {
    const { contact, photo, overflow } = contactFromVCard(sample('outlook-john.vcf'));
    expect(contact).toMatchObject({
      displayName: 'Mr. John Doe',
      surname: 'Doe',
      givenName: 'John',
      title: 'Mr.',
      companyName: 'Contoso Ltd',
      department: 'Sales',
      jobTitle: 'Account Manager',
      businessPhones: ['+1 (425) 555-0100', '+1 (425) 555-0101'],
      homePhones: ['+1 (425) 555-0150'],
      mobilePhone: '+1 (425) 555-0199',
      emailAddresses: [{ address: 'john.doe@contoso.example', name: 'Mr. John Doe' }],
      imAddresses: ['john.doe@contoso.example'],
      businessHomePage: 'http://www.contoso.example',
      businessAddress: { street: 'One Microsoft Way', city: 'Redmond', state: 'WA', postalCode: '98052', countryOrRegion: 'United States of America' },
      spouseName: 'Jane Doe',
      manager: 'Alex Wilber',
      birthday: '1975-03-22T11:59:00Z',
      personalNotes: 'Met at the trade fair in Köln.\nPrefers calls in the morning.',
    });
    expect(contact.singleValueExtendedProperties).toEqual([
      { id: 'String 0x3A24', value: '+1 (425) 555-0109' },
      { id: 'String 0x3A21', value: '+1 (425) 555-0177' },
      { id: 'String 0x3A1E', value: '+1 (425) 555-0166' },
      { id: 'SystemTime 0x3A41', value: '2002-06-15T11:59:00Z' },
    ]);
    expect(photo).toBeUndefined();
    // LABEL (a formatted copy of ADR) and X-MS-OL-DESIGN (Outlook's card layout) are not user data.
    expect(overflow).toEqual([]);
  });

  test('Zimbra (vCard 3.0, TYPE lists): work fax, assistant and company main numbers in their MAPI slots, home and work URLs', () => {
    const { contact, overflow } = contactFromVCard(sample('zimbra-erika.vcf'));
    expect(contact).toMatchObject({
      displayName: 'Erika Mustermann',
      nickName: 'Eri',
      birthday: '1984-08-12T11:59:00Z',
      homeAddress: { street: 'Heidestraße 17', city: 'Köln', postalCode: '51147', countryOrRegion: 'Deutschland' },
      businessAddress: { street: 'Friedrichstraße 123', city: 'Berlin', postalCode: '10117', countryOrRegion: 'Deutschland' },
      businessPhones: ['+49 30 9876543'],
      homePhones: ['+49 221 1234567'],
      mobilePhone: '+49 171 1234567',
      businessHomePage: 'https://musterfirma.example',
      companyName: 'Musterfirma GmbH',
      department: 'Entwicklung',
      jobTitle: 'Entwicklerin',
    });
    expect(extended(contact, MAPI_CONTACT_PROPERTIES.businessFax)).toBe('+49 30 9876549');
    expect(extended(contact, MAPI_CONTACT_PROPERTIES.assistantPhone)).toBe('+49 30 9876540');
    expect(extended(contact, MAPI_CONTACT_PROPERTIES.companyMainPhone)).toBe('+49 30 9876500');
    expect(extended(contact, MAPI_CONTACT_PROPERTIES.personalHomePage)).toBe('https://erika.example.de');
    expect(overflow).toEqual(['X-ZIMBRA-MAIDENNAME: Gabler']);
    expect(contact.personalNotes).toBe(`Ansprechpartnerin für das Projekt Nordlicht.\n\n${OVERFLOW_HEADING}\n- X-ZIMBRA-MAIDENNAME: Gabler`);
  });

  test('vCard 4.0 from a CardDAV server: PREF order, tel: URIs, IMPP, RELATED, ANNIVERSARY, a data: URI photo, five emails', () => {
    const { contact, photo, overflow } = contactFromVCard(sample('nextcloud-ann.vcf'));
    // PREF=1 first, then PREF=2, then the unranked in their order; the 4th and 5th overflow.
    expect(contact.emailAddresses?.map((email) => email.address)).toEqual(['ann@home.example', 'ann@work.example', 'ann.example@old.example']);
    expect(contact.mobilePhone).toBe('+1-555-555-0101');
    expect(contact.businessPhones).toEqual(['+1-555-555-0102']);
    expect(contact.imAddresses).toEqual(['xmpp:ann@jabber.example', 'sip:ann@work.example', 'skype:ann.example']);
    expect(contact.spouseName).toBe('Sam Example');
    expect(contact.children).toEqual(['Kim Example']);
    expect(contact.birthday).toBe('1604-04-15T11:59:00Z');
    expect(extended(contact, 'SystemTime 0x3A41')).toBe('2010-06-12T11:59:00Z');
    expect(photo?.contentType).toBe('image/png');
    expect(Array.from(photo!.bytes.slice(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(overflow).toEqual([
      'Email (work): a.example@subsidiary.example',
      'Email: annie@club.example',
      'IM: irc://irc.example/ann',
      'Related (friend): urn:uuid:03a0e51f-d1aa-4385-8a53-e29025acd8af',
      'GENDER: F',
      'GEO: geo:37.386013,-122.082932',
    ]);
    expect(contact.personalNotes?.startsWith(`${OVERFLOW_HEADING}\n- Email (work): a.example@subsidiary.example\n`)).toBe(true);
  });

  test('phones beyond their slots: a third business number goes to "other", a fourth overflows; a second fax overflows', () => {
    const { contact, overflow } = contactFromVCard(
      [
        'BEGIN:VCARD',
        'VERSION:3.0',
        'FN:Busy Person',
        'TEL;TYPE=WORK:+1 555 0001',
        'TEL;TYPE=WORK:+1 555 0002',
        'TEL;TYPE=WORK:+1 555 0003',
        'TEL;TYPE=WORK:+1 555 0004',
        'TEL;TYPE=WORK,FAX:+1 555 0009',
        'TEL;TYPE=WORK,FAX:+1 555 0008',
        'END:VCARD',
      ].join('\r\n'),
    );
    expect(contact.businessPhones).toEqual(['+1 555 0001', '+1 555 0002']);
    expect(extended(contact, MAPI_CONTACT_PROPERTIES.otherPhone)).toBe('+1 555 0003');
    expect(extended(contact, MAPI_CONTACT_PROPERTIES.businessFax)).toBe('+1 555 0009');
    expect(overflow).toEqual(['Phone (work): +1 555 0004', 'Phone (work, fax): +1 555 0008']);
  });

  test('a byte order mark and bare LF line ends (files saved on other systems) are accepted', () => {
    expect(contactFromVCard('\uFEFFBEGIN:VCARD\nVERSION:3.0\nFN:Ann\nEND:VCARD\n').contact.displayName).toBe('Ann');
  });

  test('no FN: the display name is composed from N', () => {
    const { contact } = contactFromVCard('BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lovelace;Ada;;Lady;\r\nEND:VCARD\r\n');
    expect(contact.displayName).toBe('Lady Ada Lovelace');
  });

  test('a photo given by URL is not fetched (the mapper does no I/O): it is reported in the notes', () => {
    const { photo, overflow } = contactFromVCard('BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ann\r\nPHOTO:https://photos.example/ann.jpg\r\nEND:VCARD\r\n');
    expect(photo).toBeUndefined();
    expect(overflow).toEqual(['Photo: https://photos.example/ann.jpg (not downloaded)']);
  });

  test.each([
    ['not a vCard at all', 'hello world', /cannot be read: invalid line/],
    ['an unterminated vCard', 'BEGIN:VCARD\r\nFN:x\r\n', /cannot be read: invalid ical body/],
    ['an iCalendar object', 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n', /holds no BEGIN:VCARD/],
    ['two vCards', 'BEGIN:VCARD\r\nFN:a\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:b\r\nEND:VCARD\r\n', /holds 2 vCards/],
  ])('%s → InvalidVCardError with the reason', (_case, text, reason) => {
    expect(() => contactFromVCard(text)).toThrow(InvalidVCardError);
    expect(() => contactFromVCard(text)).toThrow(reason);
    try {
      contactFromVCard(text);
    } catch (error) {
      expect(error).toMatchObject({ code: 'InvalidVCard', errorClass: 'permanent' });
    }
  });
});
