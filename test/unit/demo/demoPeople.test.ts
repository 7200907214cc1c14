import { isValidEmailAddress } from '../../../src/core/csv/batchCsvRules';
import { demoPeople, MAX_DEMO_PEOPLE } from '../../../tools/demo/demoOrganisation';

/** Issue 10: DEMO_MAILBOXES works up to 2,000, so every person must be a distinct LDAP entry, mailbox and user. */
describe('the demo organisation', () => {
  const people = demoPeople(2_000);

  it('names 2,000 people with 2,000 different display names, addresses and sAMAccountNames', () => {
    expect(people).toHaveLength(2_000);
    expect(new Set(people.map((p) => p.displayName)).size).toBe(2_000);
    expect(new Set(people.map((p) => p.address.toLowerCase())).size).toBe(2_000);
    expect(new Set(people.map((p) => p.samAccountName.toLowerCase())).size).toBe(2_000);
  });

  it('gives every sAMAccountName at most 20 characters, all allowed in a pre-Windows 2000 logon name', () => {
    const tooLong = people.filter((p) => p.samAccountName.length > 20);
    expect(tooLong).toEqual([]);
    // Not allowed: " / \ [ ] : ; | = , + * ? < > @ and a trailing dot.
    expect(people.filter((p) => /["/\\[\]:;|=,+*?<>@]|\.$/.test(p.samAccountName))).toEqual([]);
  });

  it('gives every person an ASCII address at contoso.com that a batch CSV accepts', () => {
    expect(people.filter((p) => !/^[a-z]+\.[a-z]+@contoso\.com$/.test(p.address) || !isValidEmailAddress(p.address))).toEqual([]);
  });

  it('keeps the first people the same whatever the count, and names up to its documented maximum', () => {
    expect(demoPeople(3)).toEqual(people.slice(0, 3));
    expect(demoPeople(3)[2]).toEqual({ displayName: 'Chloé Dubois', samAccountName: 'chloe.dubois', address: 'chloe.dubois@contoso.com' });
    expect(MAX_DEMO_PEOPLE).toBeGreaterThanOrEqual(2_000);
    expect(() => demoPeople(MAX_DEMO_PEOPLE + 1)).toThrow(RangeError);
  });
});
