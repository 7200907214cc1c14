import { isInSelection, toUidRange } from '../../../src/connectors/imap/toUidRange';

describe('the UID set the IMAP source asks for (toUidRange)', () => {
  describe('for a list of UIDs', () => {
    it('is nothing for an empty list', () => {
      expect(toUidRange({ uids: [] })).toBeNull();
    });

    it('is the UID itself for one UID', () => {
      expect(toUidRange({ uids: [42] })).toBe('42');
    });

    it('is the UIDs sorted, without repeats, comma-separated, gaps and all', () => {
      expect(toUidRange({ uids: [9, 3, 3, 120, 4] })).toBe('3,4,9,120');
    });

    it('drops what is not a UID (zero, negative, fractional, NaN) and is nothing when none is left', () => {
      expect(toUidRange({ uids: [0, -1, 2.5, Number.NaN, 5] })).toBe('5');
      expect(toUidRange({ uids: [0, -3, 1.5] })).toBeNull();
    });
  });

  describe('for a range', () => {
    it('is open-ended (n:*) without an upper bound', () => {
      expect(toUidRange({ uidFrom: 41 })).toBe('41:*');
    });

    it('is from:to with one', () => {
      expect(toUidRange({ uidFrom: 10, uidTo: 20 })).toBe('10:20');
    });

    it('is a single UID range when both ends meet', () => {
      expect(toUidRange({ uidFrom: 7, uidTo: 7 })).toBe('7:7');
    });

    it('is nothing when the upper bound is below the lower one', () => {
      expect(toUidRange({ uidFrom: 8, uidTo: 7 })).toBeNull();
    });

    it('starts at 1 at the least (UIDs are non-zero) and rounds fractional bounds down', () => {
      expect(toUidRange({ uidFrom: 0 })).toBe('1:*');
      expect(toUidRange({ uidFrom: -5, uidTo: 3 })).toBe('1:3');
      expect(toUidRange({ uidFrom: 2.7, uidTo: 9.9 })).toBe('2:9');
    });
  });
});

describe('whether a UID the server returned is in the selection (isInSelection)', () => {
  it('for a list: only the listed UIDs', () => {
    expect([1, 3, 4, 9].map((uid) => isInSelection(uid, { uids: [3, 9] }))).toEqual([false, true, false, true]);
    expect(isInSelection(1, { uids: [] })).toBe(false);
  });

  it('for a range: both ends included', () => {
    expect([9, 10, 15, 20, 21].map((uid) => isInSelection(uid, { uidFrom: 10, uidTo: 20 }))).toEqual([false, true, true, true, false]);
  });

  it('for an open range: drops the highest UID that `n:*` matches when it is below n (RFC 3501 section 6.4.8)', () => {
    // A folder whose highest UID is 30, asked for 41:*, answers 30: it is not in the selection.
    expect(isInSelection(30, { uidFrom: 41 })).toBe(false);
    expect(isInSelection(41, { uidFrom: 41 })).toBe(true);
    expect(isInSelection(1_000_000, { uidFrom: 41 })).toBe(true);
  });
});
