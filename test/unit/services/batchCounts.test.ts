import type { BatchStatus } from '../../../src/core/batch/batchStatus';
import type { MigrationBatch } from '../../../src/core/batch/migrationBatch';
import { emptyStatusCounts, type MailboxStatusCounts } from '../../../src/core/mailbox/mailboxStatus';
import { BatchCounts, batchCountsOf, type StatusCountSource } from '../../../src/services/batchCounts';

function batch(id: string, status: BatchStatus, counts: Partial<MailboxStatusCounts> = { Queued: 10 }): MigrationBatch {
  return {
    id,
    name: id,
    endpoint: 'e',
    kind: 'staged',
    status,
    mailboxCount: 10,
    counts: { ...emptyStatusCounts(), ...counts },
    notificationEmails: [],
    incrementalSyncIntervalHours: 24,
    autoStart: true,
    source: 'http',
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

/** A source whose counts are answered by hand, so a test decides when each count ends. */
class ManualSource implements StatusCountSource {
  readonly calls: string[] = [];
  private readonly waiting: { batchId: string; resolve: (c: MailboxStatusCounts) => void; reject: (e: Error) => void }[] = [];
  inFlight = 0;
  maxInFlight = 0;

  countStatuses(batchId: string): Promise<MailboxStatusCounts> {
    this.calls.push(batchId);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise((resolve, reject) =>
      this.waiting.push({
        batchId,
        resolve: (c) => {
          this.inFlight -= 1;
          resolve(c);
        },
        reject: (e) => {
          this.inFlight -= 1;
          reject(e);
        },
      }),
    );
  }

  answer(counts: Partial<MailboxStatusCounts>): void {
    this.waiting.shift()!.resolve({ ...emptyStatusCounts(), ...counts });
  }

  fail(error: Error): void {
    this.waiting.shift()!.reject(error);
  }

  get pending(): number {
    return this.waiting.length;
  }
}

const settle = () => new Promise((r) => setImmediate(r));

describe('BatchCounts', () => {
  it('shows a running batch with the counts of its mailbox rows, not the stored snapshot', async () => {
    const source = new ManualSource();
    const counts = new BatchCounts(source);
    const shown = counts.current(batch('b1', 'Syncing', { Queued: 500 }));
    await settle();
    source.answer({ Queued: 124, Synced: 376 });
    expect((await shown).counts).toMatchObject({ Queued: 124, Synced: 376, Failed: 0 });
    expect(source.calls).toEqual(['b1']);
  });

  it.each<BatchStatus>(['Created', 'Validating', 'Syncing', 'Synced', 'SyncedWithErrors', 'Completing', 'Stopped', 'Failed', 'Removing'])(
    'counts a %s batch',
    async (status) => {
      const source = new ManualSource();
      const shown = new BatchCounts(source).current(batch('b', status));
      await settle();
      source.answer({ Stopped: 10 });
      expect((await shown).counts.Stopped).toBe(10);
    },
  );

  it.each<BatchStatus>(['Completed', 'CompletedWithErrors'])('keeps the final counts of a %s batch without a query', async (status) => {
    const source = new ManualSource();
    const stored = batch('done', status, { Completed: 9, Failed: 1 });
    expect(await new BatchCounts(source).current(stored)).toBe(stored);
    expect(source.calls).toEqual([]);
  });

  it('lets requests that arrive during a count share it, and counts again afterwards', async () => {
    const source = new ManualSource();
    const counts = new BatchCounts(source);
    const first = Array.from({ length: 5 }, () => counts.count('b1'));
    const other = counts.count('b2');
    await settle();
    expect(source.calls).toEqual(['b1', 'b2']);
    source.answer({ Synced: 1 });
    source.answer({ Synced: 2 });
    expect((await Promise.all(first)).map((c) => c.Synced)).toEqual([1, 1, 1, 1, 1]);
    expect((await other).Synced).toBe(2);
    const later = counts.count('b1');
    await settle();
    expect(source.calls).toEqual(['b1', 'b2', 'b1']);
    source.answer({ Synced: 3 });
    expect((await later).Synced).toBe(3);
  });

  it('does not keep a failed count: the waiting requests get the error, the next one counts again', async () => {
    const source = new ManualSource();
    const counts = new BatchCounts(source);
    const a = counts.count('b1');
    const b = counts.count('b1');
    await settle();
    source.fail(new Error('storage unavailable'));
    await expect(a).rejects.toThrow('storage unavailable');
    await expect(b).rejects.toThrow('storage unavailable');
    const again = counts.count('b1');
    await settle();
    source.answer({ Queued: 10 });
    expect((await again).Queued).toBe(10);
    expect(source.calls).toEqual(['b1', 'b1']);
  });

  it('counts a list at most 8 batches at a time and keeps its order', async () => {
    const source = new ManualSource();
    const list = [...Array.from({ length: 20 }, (_, i) => batch(`run${i}`, 'Syncing')), batch('done', 'Completed', { Completed: 10 })];
    const shown = new BatchCounts(source).currentAll(list);
    for (let answered = 0; answered < 20; answered += 1) {
      await settle();
      expect(source.pending).toBeLessThanOrEqual(8);
      source.answer({ Synced: Number(source.calls[answered]!.slice(3)) });
    }
    const result = await shown;
    expect(source.maxInFlight).toBe(8);
    expect(result.map((b) => b.id)).toEqual(list.map((b) => b.id));
    expect(result.slice(0, 20).map((b) => b.counts.Synced)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(result[20]!.counts.Completed).toBe(10);
    expect(source.calls).not.toContain('done');
  });

  it('answers an empty list without counting', async () => {
    const source = new ManualSource();
    expect(await new BatchCounts(source).currentAll([])).toEqual([]);
    expect(source.calls).toEqual([]);
  });

  it("is one per mailbox store, so the app's requests share counts under way", () => {
    const a = new ManualSource();
    const b = new ManualSource();
    expect(batchCountsOf(a)).toBe(batchCountsOf(a));
    expect(batchCountsOf(a)).not.toBe(batchCountsOf(b));
  });
});
