import { reportLinkWindow } from '../../../src/storage/reportStore';

describe('the validity of a report link', () => {
  it('starts before now and ends short of the 7 days a user delegation key may last, so clock skew does not get it refused', () => {
    const now = new Date('2026-12-02T10:00:00Z');
    const { startsOn, expiresOn } = reportLinkWindow(now);
    const sevenDays = 7 * 24 * 3600 * 1000;
    expect(startsOn.getTime()).toBeLessThan(now.getTime());
    expect(now.getTime() - startsOn.getTime()).toBeLessThanOrEqual(15 * 60 * 1000);
    expect(expiresOn.getTime() - now.getTime()).toBeLessThan(sevenDays);
    expect(expiresOn.getTime() - now.getTime()).toBeGreaterThanOrEqual(sevenDays - 2 * 3600 * 1000);
  });
});
