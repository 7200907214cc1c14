import { appendedIds, expandUidSet } from '../../../src/connectors/imap/multiAppend';

describe('the ids a MULTIAPPEND answer names (RFC 4315 APPENDUID with a UID set)', () => {
  it.each([
    ['7', [7]],
    ['1:3', [1, 2, 3]],
    ['4:6,9,11:12', [4, 5, 6, 9, 11, 12]],
    ['3:1', [3, 2, 1]],
  ])('reads the UID set %s in order', (set, uids) => {
    expect(expandUidSet(set)).toEqual(uids);
  });

  it.each(['', '1:', 'a', '1,,2', '1:200000'])('refuses the malformed or outsized set %j', (set) => {
    expect(expandUidSet(set)).toBeUndefined();
  });

  it('names one id per message, UIDVALIDITY first', () => {
    const section = [
      { type: 'ATOM', value: 'APPENDUID' },
      { type: 'ATOM', value: '1796686233' },
      { type: 'SEQUENCE', value: '101:103' },
    ];
    expect(appendedIds(section, 3)).toEqual(['1796686233:101', '1796686233:102', '1796686233:103']);
  });

  it('names none when the server gave no APPENDUID, or not one UID per message', () => {
    expect(appendedIds(undefined, 2)).toEqual([null, null]);
    expect(appendedIds([{ type: 'ATOM', value: 'READ-WRITE' }], 1)).toEqual([null]);
    expect(
      appendedIds(
        [
          { type: 'ATOM', value: 'APPENDUID' },
          { type: 'ATOM', value: '5' },
          { type: 'SEQUENCE', value: '1:2' },
        ],
        3,
      ),
    ).toEqual([null, null, null]);
  });
});
