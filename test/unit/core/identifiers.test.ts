import { tryBatchIdFromName } from '../../../src/core/batch/batchId';
import { isActiveBatchStatus } from '../../../src/core/batch/batchStatus';
import { toMailboxKey } from '../../../src/core/mailbox/mailboxKey';
import { countStatuses } from '../../../src/core/mailbox/mailboxStatus';

describe('batch ids from names', () => {
  it.each([
    ['Wave 1', 'wave-1'],
    ['  Sales  Wave_2.final ', 'sales-wave_2.final'],
    ['HR', 'hr'],
  ])('turns "%s" into "%s"', (name, id) => {
    expect(tryBatchIdFromName(name)).toBe(id);
  });

  it.each(['', ' ', '-starts-with-dash', 'has/slash', 'x'.repeat(65), 'naïve'])('refuses "%s"', (name) => {
    expect(tryBatchIdFromName(name)).toBeUndefined();
  });
});

describe('mailbox keys', () => {
  it('lower-cases the address and encodes characters Table Storage forbids in keys', () => {
    expect(toMailboxKey(' Ann.Lee@Contoso.COM ')).toBe('ann.lee@contoso.com');
    expect(toMailboxKey('a/b#c?d\\e%f@x.com')).toBe('a%2fb%23c%3fd%5ce%25f@x.com');
    expect(decodeURIComponent(toMailboxKey('a/b#c?d\\e%f@x.com'))).toBe('a/b#c?d\\e%f@x.com');
  });
});

describe('statuses', () => {
  it('counts mailboxes by status', () => {
    expect(countStatuses(['Queued', 'Queued', 'Failed'])).toMatchObject({ Queued: 2, Failed: 1, Synced: 0 });
  });

  it('treats finished batches as no longer holding their mailboxes', () => {
    expect(isActiveBatchStatus('Syncing')).toBe(true);
    expect(isActiveBatchStatus('Stopped')).toBe(true);
    expect(isActiveBatchStatus('Completed')).toBe(false);
    expect(isActiveBatchStatus('Failed')).toBe(false);
  });
});
