import { getServices } from '../../../src/compositionRoot';
import { emptyStatusCounts } from '../../../src/core/mailbox/mailboxStatus';
import { newQueuedMailbox } from '../../../src/core/mailbox/migrationMailbox';
import { Maintenance } from '../../../src/services/maintenance';
import { useAppTestEnvironment } from '../../support/appTestEnvironment';

useAppTestEnvironment();
const now = new Date('2026-11-25T12:00:00.000Z');

async function addBatch(id: string, status: 'Syncing' | 'Completed', completedAt?: string) {
  const services = getServices();
  await services.batches.create({
    id,
    name: id,
    endpoint: 'e',
    kind: 'staged',
    status,
    mailboxCount: 2,
    counts: emptyStatusCounts(),
    notificationEmails: [],
    incrementalSyncIntervalHours: 24,
    autoStart: false,
    source: 'http',
    createdAt: '2026-10-01T00:00:00.000Z',
    ...(completedAt ? { completedAt } : {}),
  });
}

describe('maintenance', () => {
  it('marks syncing mailboxes without progress for the stall time as Stalled, and only those', async () => {
    await addBatch('busy', 'Syncing');
    const mailbox = (address: string, lastUpdated: string) => ({
      ...newQueuedMailbox({ batchId: 'busy', mailboxKey: address, emailAddress: address, csvLine: 2, now: lastUpdated, hasPendingPassword: false }),
      status: 'Syncing' as const,
    });
    await getServices().mailboxes.insertAll([mailbox('slow@x.com', '2026-11-25T10:00:00.000Z'), mailbox('fine@x.com', '2026-11-25T11:50:00.000Z')]);
    const stalled = await new Maintenance(getServices().stores).markStalled(now, 60);
    expect(stalled).toEqual([{ batchId: 'busy', emailAddress: 'slow@x.com' }]);
    expect((await getServices().mailboxes.get('busy', 'slow@x.com'))!.mailbox.statusDetail).toBe('Stalled');
    expect((await getServices().mailboxes.get('busy', 'fine@x.com'))!.mailbox.statusDetail).toBeUndefined();
    expect(await new Maintenance(getServices().stores).markStalled(now, 60)).toEqual([]);
  });

  it('finds the batches completed longer ago than the retention', async () => {
    await addBatch('old', 'Completed', '2026-10-01T00:00:00.000Z');
    await addBatch('recent', 'Completed', '2026-11-20T00:00:00.000Z');
    expect(await new Maintenance(getServices().stores).expiredBatches(now, 30)).toEqual(['old']);
  });
});
