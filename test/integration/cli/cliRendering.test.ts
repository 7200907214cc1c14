import type { BatchView, MailboxView } from '../../../cli/apiTypes';
import { toInFlightJson } from '../../../cli/commands/batchesStatus';
import { formatMailboxTable } from '../../../cli/commands/formatMailboxTable';
import { formatProblem } from '../../../cli/formatProblem';
import { formatTable } from '../../../cli/formatTable';
import { messagesPerSecond, toBatchProgress } from '../../../cli/watch/readBatchProgress';
import { progressKey, renderBatchProgress } from '../../../cli/watch/renderBatchProgress';

/** What the CLI draws from API answers, without a server: the watch's figures and bars, problems, tables. */
function batch(status: string, mailboxCount: number): BatchView {
  return {
    id: 'wave-1',
    name: 'Wave 1',
    endpoint: 'legacy',
    kind: 'staged',
    status,
    mailboxCount,
    counts: {},
    notificationEmails: [],
    incrementalSyncIntervalHours: 24,
    autoStart: true,
    createdAt: '2026-11-25T09:00:00.000Z',
  };
}

function mailbox(emailAddress: string, status: string, percentageComplete: number, syncedItemCount = 0, totalItemsInSourceMailbox = 0): MailboxView {
  return { emailAddress, status, percentageComplete, syncedItemCount, totalItemsInSourceMailbox, skippedItemCount: 0, bytesTransferred: 0 };
}

/** A mailbox whose endpoint moves contacts and calendars too, with its figures by type (as the API answers). */
function groupwareMailbox(mailboxView: MailboxView, contacts: [number, number, number], events: [number, number, number]): MailboxView {
  const [contactsSynced, contactsSkipped, contactsTotal] = contacts;
  const [eventsSynced, eventsSkipped, eventsTotal] = events;
  return { ...mailboxView, contactsSynced, contactsSkipped, contactsTotal, eventsSynced, eventsSkipped, eventsTotal };
}

const AT = Date.parse('2026-11-25T09:00:10.000Z');

describe('batch progress', () => {
  it('averages the mailboxes while syncing, a settled one (synced or failed) counting as 100%', () => {
    const progress = toBatchProgress(
      batch('Syncing', 4),
      [
        mailbox('a@contoso.com', 'Synced', 100, 5, 5),
        mailbox('b@contoso.com', 'Syncing', 40, 2, 5),
        mailbox('c@contoso.com', 'Queued', 0),
        mailbox('d@contoso.com', 'Failed', 0),
      ],
      AT,
    );
    expect(progress).toMatchObject({ percent: 60, done: 2, syncedItems: 7 });
    expect(progress.inFlight.map((m) => m.emailAddress)).toEqual(['b@contoso.com']);
  });

  it('counts only cut-over mailboxes while completing', () => {
    const progress = toBatchProgress(
      batch('Completing', 3),
      [mailbox('a@contoso.com', 'Completed', 100), mailbox('b@contoso.com', 'Syncing', 100), mailbox('c@contoso.com', 'Completing', 100)],
      AT,
    );
    expect(progress.done).toBe(1);
    expect(progress.percent).toBeCloseTo(33.33, 1);
    expect(progress.inFlight).toHaveLength(2);
  });

  it.each([
    ['the first poll', undefined, 30, 0],
    ['20 items in 2 s', 10, 30, 10],
    ['counts that went down (a retry)', 30, 10, 0],
  ])('measures messages/s for %s', (_what, before, after, rate) => {
    const previous = before === undefined ? undefined : { ...toBatchProgress(batch('Syncing', 0), [], AT - 2000), syncedItems: before };
    expect(messagesPerSecond(previous, { ...toBatchProgress(batch('Syncing', 0), [], AT), syncedItems: after })).toBe(rate);
  });

  it('draws a bar for the batch and one per mailbox in flight on a terminal, plain lines elsewhere', () => {
    const progress = toBatchProgress(batch('Syncing', 2), [mailbox('a@contoso.com', 'Synced', 100, 5, 5), mailbox('b@contoso.com', 'Syncing', 50, 3, 6)], AT);
    expect(renderBatchProgress(progress, 12.34, false)).toEqual([
      '[###############-----]  75%  wave-1  Syncing  1/2 mailboxes  12.3 msg/s',
      '  [##########----------]  50%  b@contoso.com  Syncing  3/6 items',
    ]);
    expect(renderBatchProgress(progress, 12.34, true)).toEqual([
      '2026-11-25T09:00:10.000Z wave-1 Syncing 75% 1/2 mailboxes  12.3 msg/s',
      '  b@contoso.com Syncing 50% 3/6 items',
    ]);
  });
});

describe('items by type (mail, contacts, events)', () => {
  it('adds contacts and events to a mailbox line only when the mailbox has them, with the skipped ones', () => {
    const progress = toBatchProgress(
      batch('Syncing', 3),
      [
        groupwareMailbox({ ...mailbox('a@contoso.com', 'Syncing', 50, 3, 6), skippedItemCount: 1 }, [2, 0, 2], [0, 1, 1]),
        mailbox('b@contoso.com', 'Syncing', 20, 1, 5),
        groupwareMailbox(mailbox('c@contoso.com', 'Synced', 100, 4, 4), [1, 0, 1], [0, 0, 0]),
      ],
      AT,
    );
    expect(renderBatchProgress(progress, 0, false).slice(1)).toEqual([
      '  [##########----------]  50%  a@contoso.com  Syncing  3/6 mail items (1 skipped), 2/2 contacts, 0/1 events (1 skipped)',
      '  [####----------------]  20%  b@contoso.com  Syncing  1/5 items',
    ]);
    expect(renderBatchProgress(progress, 0, true).slice(1)).toEqual([
      '  a@contoso.com Syncing 50% 3/6 mail items (1 skipped), 2/2 contacts, 0/1 events (1 skipped)',
      '  b@contoso.com Syncing 20% 1/5 items',
    ]);
  });

  it('prints a new plain line when contacts or events are counted, and puts them in the --json line', () => {
    const before = mailbox('a@contoso.com', 'Syncing', 90, 6, 6);
    const after = groupwareMailbox(before, [2, 0, 2], [1, 0, 1]);
    const key = (m: MailboxView) => progressKey(toBatchProgress(batch('Syncing', 1), [m], AT));
    expect(key(after)).not.toBe(key(before));
    expect(toInFlightJson(before)).toEqual({
      emailAddress: 'a@contoso.com',
      status: 'Syncing',
      percentageComplete: 90,
      syncedItemCount: 6,
      totalItemsInSourceMailbox: 6,
      bytesTransferred: 0,
    });
    expect(toInFlightJson(after)).toMatchObject({
      syncedItemCount: 6,
      totalItemsInSourceMailbox: 6,
      contactsSynced: 2,
      contactsSkipped: 0,
      contactsTotal: 2,
      eventsSynced: 1,
      eventsSkipped: 0,
      eventsTotal: 1,
    });
  });

  it("keeps batches show's ITEMS column for a batch that moves mail only", () => {
    expect(formatMailboxTable([{ ...mailbox('a@contoso.com', 'Synced', 100, 5, 5), bytesTransferred: 1536 }, mailbox('bo@contoso.com', 'Queued', 0)])).toEqual([
      'MAILBOX         STATUS  PERCENT  ITEMS   BYTES  ERROR',
      'a@contoso.com   Synced     100%  5/5    1.5 KB',
      'bo@contoso.com  Queued       0%  0/0       0 B',
    ]);
  });

  it('splits batches show\'s items into MAIL, CONTACTS and EVENTS when a mailbox has groupware figures, "-" for one not counted yet', () => {
    expect(
      formatMailboxTable([
        groupwareMailbox({ ...mailbox('a@contoso.com', 'Synced', 100, 11, 12), skippedItemCount: 1 }, [2, 0, 2], [1, 1, 2]),
        { ...mailbox('bo@contoso.com', 'Failed', 0), error: 'No such user.' },
      ]),
    ).toEqual([
      'MAILBOX         STATUS  PERCENT  MAIL               CONTACTS  EVENTS           BYTES  ERROR',
      'a@contoso.com   Synced     100%  11/12 (1 skipped)  2/2       1/2 (1 skipped)    0 B',
      'bo@contoso.com  Failed       0%  0/0                -         -                  0 B  No such user.',
    ]);
  });
});

describe('problems and tables', () => {
  it("prints a problem's title and each error with its line and column, without saying the line twice", () => {
    expect(
      formatProblem({
        title: 'The batch CSV has errors; nothing was created.',
        status: 400,
        detail: '2 errors were found.',
        errors: [
          { line: 3, column: 'EmailAddress', code: 'InvalidEmailAddress', message: 'Line 3: "x" in column EmailAddress is not a valid email address.' },
          { line: 1, column: 'Pasword', code: 'UnknownColumn', message: 'Column "Pasword" is not a column of a batch CSV.' },
        ],
      }),
    ).toEqual([
      'Error: The batch CSV has errors; nothing was created. (HTTP 400)',
      '  line 3, column EmailAddress: "x" in column EmailAddress is not a valid email address. (InvalidEmailAddress)',
      '  line 1, column Pasword: Column "Pasword" is not a column of a batch CSV. (UnknownColumn)',
    ]);
  });

  it('prints the detail of a problem without errors, and names a field once', () => {
    expect(formatProblem({ title: 'Bad Gateway', status: 502, detail: '<html>upstream</html>' })).toEqual([
      'Error: Bad Gateway (HTTP 502)',
      '  <html>upstream</html>',
    ]);
    expect(
      formatProblem({
        title: 'The endpoint is not valid.',
        status: 400,
        detail: 'port: Too big',
        errors: [{ code: 'InvalidField', field: 'port', message: 'port: Too big' }],
      }),
    ).toEqual(['Error: The endpoint is not valid. (HTTP 400)', '  port: Too big (InvalidField)']);
  });

  it('aligns columns, numbers (with units) to the right, addresses to the left', () => {
    expect(
      formatTable(
        ['HOST', 'PORT', 'BYTES'],
        [
          ['127.0.0.1', '993', '1.5 KB'],
          ['imap.contoso.com', '143', '512 B'],
        ],
      ),
    ).toEqual(['HOST              PORT   BYTES', '127.0.0.1          993  1.5 KB', 'imap.contoso.com   143   512 B']);
  });
});
