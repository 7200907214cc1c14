import { createHash } from 'node:crypto';
import {
  collectionIdentity,
  collectionKey,
  containerRowKey,
  contentKey,
  contentOf,
  copyScope,
  davCollectionPrefix,
  davItemKey,
  davMarker,
  folderKey,
  hrefKey,
  mailContentPrefix,
  mailItemKey,
  mailMarker,
  mailPlaceKey,
  occurrenceOf,
  positionKey,
  positionPrefix,
  prefixEnd,
  SKIP_PREFIX,
  skipKey,
  uidOf,
} from '../../../src/core/ledger/ledgerKeys';

/**
 * The ledger's keys and the markers stamped on copies. Keys must sort as the ledger reads them (range
 * queries over a prefix); markers must never change, or copies made before an upgrade are not found and
 * are made twice.
 */

const MESSAGE = Buffer.from('Subject: hello\r\n\r\nbody');
const CONTENT = contentKey(MESSAGE);
const CONTACTS = 'https://dav.contoso.com/ann@contoso.com/contacts/';

describe('ledger keys', () => {
  it("keep a whole mailbox's copy state in one partition, named by the mailbox, not its batch", () => {
    expect(copyScope('ann@contoso.com')).toBe('m|ann@contoso.com');
  });

  it('give the same content key for the same bytes only, in base64url (table-key safe)', () => {
    expect(contentKey(Buffer.from('Subject: hello\r\n\r\nbody'))).toBe(CONTENT);
    expect(contentKey(Buffer.from('Subject: hello\r\n\r\nbody!'))).not.toBe(CONTENT);
    expect(CONTENT).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('name a folder by a short hash of its path, for any script, apart from every other folder', () => {
    const paths = ['INBOX', 'Entwürfe & Notizen', 'Клиенты', '顧客', 'Archive/2024', 'Archive/2025'];
    const keys = paths.map(folderKey);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{24}$/);
    expect(new Set(keys).size).toBe(paths.length);
    expect(folderKey('Клиенты')).toBe(folderKey('Клиенты'));
  });

  it('key a mail item by content and a zero-padded occurrence, so occurrences sort in number order under one prefix', () => {
    expect(mailItemKey(CONTENT, 7)).toBe(`mail|${CONTENT}|0007`);
    expect(mailItemKey(CONTENT, 9) < mailItemKey(CONTENT, 10)).toBe(true);
    expect(mailItemKey(CONTENT, 99) < mailItemKey(CONTENT, 100)).toBe(true);
    for (const occurrence of [0, 1, 10, 999]) {
      const key = mailItemKey(CONTENT, occurrence);
      expect(key.startsWith(mailContentPrefix(CONTENT))).toBe(true);
      expect(key < prefixEnd(mailContentPrefix(CONTENT))).toBe(true);
    }
    // Another content's rows are outside the range.
    expect(mailItemKey(contentKey(Buffer.from('other')), 0).startsWith(mailContentPrefix(CONTENT))).toBe(false);
  });

  it.each([0, 1, 42, 1_000])('reads occurrence %i and the content back from a mail item key', (occurrence) => {
    const key = mailItemKey(CONTENT, occurrence);
    expect(occurrenceOf(key)).toBe(occurrence);
    expect(contentOf(key)).toBe(CONTENT);
  });

  it('reads back content keys with every base64url character', () => {
    const content = 'A-b_9'.repeat(8) + 'xyz';
    expect(contentOf(mailItemKey(content, 3))).toBe(content);
    expect(occurrenceOf(mailItemKey(content, 3))).toBe(3);
  });

  it('key a mail position by folder, UIDVALIDITY and a zero-padded UID, so key order is UID order', () => {
    const folder = folderKey('INBOX');
    expect(positionKey(folder, '7', 42)).toBe(`pos|${folder}|7|0000000042`);
    expect(positionKey(folder, '7', 9) < positionKey(folder, '7', 10)).toBe(true);
    // The largest UID there is (2^32 - 1) still sorts after every smaller one.
    expect(positionKey(folder, '7', 999_999_999) < positionKey(folder, '7', 4_294_967_295)).toBe(true);
    expect(positionKey(folder, '7', 42).startsWith(positionPrefix(folder, '7'))).toBe(true);
    // A renumbered folder's positions are another range.
    expect(positionKey(folder, '8', 42).startsWith(positionPrefix(folder, '7'))).toBe(false);
  });

  it.each([1, 42, 4_294_967_295])('reads UID %i back from a position key', (uid) => {
    expect(uidOf(positionKey(folderKey('INBOX'), '7', uid))).toBe(uid);
  });

  it('key a message skipped before its bytes were read by its place, after every content key of the mailbox', () => {
    const folder = folderKey('INBOX');
    const place = mailPlaceKey(folder, '7', 42);
    expect(place).toBe(`mail|~|${folder}|7|0000000042`);
    expect(mailPlaceKey(folder, '7', 9) < mailPlaceKey(folder, '7', 10)).toBe(true);
    expect(place.startsWith('mail|')).toBe(true);
    for (const content of [CONTENT, '_'.repeat(43), 'z'.repeat(43), '-'.repeat(43)]) expect(mailItemKey(content, 9999) < place).toBe(true);
  });

  it('key a contact or event by type, collection and a hash of its href, under its collection prefix', () => {
    const key = davItemKey('contact', CONTACTS, '/ann@contoso.com/contacts/1.vcf');
    expect(key).toBe(`contact|${collectionKey(CONTACTS)}|${hrefKey('/ann@contoso.com/contacts/1.vcf')}`);
    expect(key.startsWith(davCollectionPrefix('contact', CONTACTS))).toBe(true);
    expect(hrefKey('/a/1.vcf?x=1#y')).toMatch(/^[0-9a-f]{64}$/);
    // The same href in a calendar, or in another address book, is another item.
    expect(davItemKey('event', CONTACTS, '/ann@contoso.com/contacts/1.vcf')).not.toBe(key);
    expect(davItemKey('contact', 'https://dav.contoso.com/ann@contoso.com/partners/', '/ann@contoso.com/contacts/1.vcf')).not.toBe(key);
    // The same address book reached under another host name is the same item.
    expect(davItemKey('contact', 'http://127.0.0.1:5232/ann%40contoso.com/contacts', '/ann@contoso.com/contacts/1.vcf')).toBe(key);
  });

  it("key an item's errors-report row and a container's row apart from the item rows", () => {
    const item = mailItemKey(CONTENT, 0);
    expect(skipKey(item)).toBe(`${SKIP_PREFIX}${item}`);
    expect(skipKey(item).startsWith('mail|')).toBe(false);
    expect(containerRowKey('mail', folderKey('INBOX'))).toBe(`mail|${folderKey('INBOX')}`);
    expect(containerRowKey('event', collectionKey(CONTACTS))).not.toBe(containerRowKey('contact', collectionKey(CONTACTS)));
  });

  it('end a prefix range after every key that starts with the prefix and before the next prefix', () => {
    const prefix = positionPrefix(folderKey('INBOX'), '7');
    expect(positionKey(folderKey('INBOX'), '7', 4_294_967_295) < prefixEnd(prefix)).toBe(true);
    expect(prefixEnd(prefix) > prefix).toBe(true);
    expect(prefixEnd('mail|') < 'mail}').toBe(true);
  });
});

describe('markers stamped on copies', () => {
  it('a mail marker is sha256 of mailbox, content and occurrence in base64url, as copies made before the ledger carry it', () => {
    const formula = createHash('sha256').update(`ann@contoso.com\n${CONTENT}\n1`).digest('base64url');
    expect(mailMarker('ann@contoso.com', CONTENT, 1)).toBe(formula);
    // The values the engine before the ledger stamped (its itemMarker): copies made by it are still found.
    expect(mailMarker('ann@contoso.com', CONTENT, 0)).toBe('LlyTRQX6BkRRqPlN847yYXwmJprYC1DLv88Vgm-wrwQ');
    expect(mailMarker('ann@contoso.com', CONTENT, 1)).toBe('5kXQJdrbK6CGiMsVpqAXLe3P-GehykXKpxWFsjgATgM');
  });

  it('marks each occurrence of each mailbox differently, and the same item the same way whatever its batch or folder', () => {
    const other = contentKey(Buffer.from('other'));
    const markers = new Set([mailMarker('ann', CONTENT, 0), mailMarker('ann', CONTENT, 1), mailMarker('bob', CONTENT, 0), mailMarker('ann', other, 0)]);
    expect(markers.size).toBe(4);
    expect(mailMarker('ann', CONTENT, 0)).toBe(mailMarker('ann', CONTENT, 0));
  });

  it('a contact or event marker names the mailbox, the type, the collection by its path and the href, as before the ledger', () => {
    const href = '/ann@contoso.com/contacts/1.vcf';
    const formula = createHash('sha256').update(`ann@contoso.com\ncontact\n/ann@contoso.com/contacts/\n${href}`).digest('base64url');
    expect(davMarker('ann@contoso.com', 'contact', CONTACTS, href)).toBe(formula);
    // The value groupwareMarker stamped before the ledger.
    expect(davMarker('ann@contoso.com', 'contact', CONTACTS, href)).toBe('L8FjnvXrGQwtTjcQUx34AyURx1qEBCm-4WDz15mWf-E');
    expect(collectionKey(CONTACTS)).toBe('c149946d21bacd31813323be');
    expect(davMarker('ann@contoso.com', 'event', CONTACTS, href)).not.toBe(formula);
    expect(davMarker('bob@contoso.com', 'contact', CONTACTS, href)).not.toBe(formula);
  });

  it('name a DAV collection by its decoded path, whatever host, port or scheme reached it', () => {
    const urls = [
      'http://127.0.0.1:5232/ann%40contoso.com/contacts/',
      'https://dav.contoso.com/ann@contoso.com/contacts/',
      'https://dav.contoso.com/ann@contoso.com/contacts',
    ];
    expect(new Set(urls.map(collectionIdentity))).toEqual(new Set(['/ann@contoso.com/contacts/']));
    expect(new Set(urls.map(collectionKey)).size).toBe(1);
    expect(new Set(urls.map((url) => davMarker('ann@contoso.com', 'contact', url, '/ann@contoso.com/contacts/1.vcf'))).size).toBe(1);
  });

  it('keep other collections apart, and an id that is not a URL as it is', () => {
    expect(collectionKey('https://dav/ann/contacts/')).not.toBe(collectionKey('https://dav/ann/partners/'));
    expect(collectionIdentity('AAMkADk0Zj=')).toBe('AAMkADk0Zj=');
    expect(collectionIdentity('https://dav/a%zz/')).toBe('/a%zz/');
  });
});
