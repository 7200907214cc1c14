import { invalidAddresses, parseAddressList, parseSyncIntervalHours } from '../../../src/core/batch/batchSettings';

describe('batch settings read one way over HTTP and blob intake', () => {
  it('splits address lists on commas, semicolons and spaces, dropping empties', () => {
    expect(parseAddressList('a@x.com, b@x.com;c@x.com  d@x.com,,')).toEqual(['a@x.com', 'b@x.com', 'c@x.com', 'd@x.com']);
    expect(parseAddressList(undefined)).toEqual([]);
    expect(parseAddressList(null)).toEqual([]);
    expect(parseAddressList('   ')).toEqual([]);
  });

  it('names the entries that are not email addresses, cut to 20 characters', () => {
    expect(invalidAddresses(['a@x.com', 'not-an-address', `${'y'.repeat(30)}@`])).toEqual(['not-an-address', 'y'.repeat(20)]);
    expect(invalidAddresses([])).toEqual([]);
  });

  it('reads the sync interval from 1 to 720 hours; absent means the default', () => {
    expect(parseSyncIntervalHours(undefined)).toEqual({ ok: true });
    expect(parseSyncIntervalHours('')).toEqual({ ok: true });
    expect(parseSyncIntervalHours('1')).toEqual({ ok: true, hours: 1 });
    expect(parseSyncIntervalHours(' 720 ')).toEqual({ ok: true, hours: 720 });
    expect(parseSyncIntervalHours('1.5')).toEqual({ ok: true, hours: 1.5 });
    for (const bad of ['0', '721', '-3', 'abc', '12h', 'Infinity']) {
      expect(parseSyncIntervalHours(bad)).toEqual({ ok: false, message: expect.stringContaining('from 1 to 720') });
    }
  });
});
