import { actionRefusal, isActionAllowed } from '../../../src/core/batch/batchTransitions';
import type { MigrationBatch } from '../../../src/core/batch/migrationBatch';
import { emptyStatusCounts } from '../../../src/core/mailbox/mailboxStatus';
import { newQueuedMailbox } from '../../../src/core/mailbox/migrationMailbox';
import { summarise, toErrorsReportCsv, toStatisticsCsv, toStatusEmail } from '../../../src/core/reports/migrationReports';

describe('batch actions by status', () => {
  it.each([
    ['complete', 'Synced', true],
    ['complete', 'SyncedWithErrors', true],
    ['complete', 'Syncing', false],
    ['remove', 'Syncing', false],
    ['remove', 'Validating', false],
    ['remove', 'Completing', false],
    ['remove', 'Completed', true],
    ['stop', 'Syncing', true],
    ['stop', 'Completed', false],
    ['resume', 'Stopped', true],
    ['start', 'Created', true],
    ['start', 'Syncing', false],
    ['retry', 'SyncedWithErrors', true],
    ['retry', 'Syncing', false],
  ] as const)('%s when %s: %s', (action, status, allowed) => {
    expect(isActionAllowed(action, status)).toBe(allowed);
  });

  it('explains a refusal with the statuses that would allow it', () => {
    expect(actionRefusal('remove', 'Syncing', 'Wave 1')).toBe(
      'The batch "Wave 1" is Syncing; remove is possible only when it is Created, Stopped, Failed, Synced, SyncedWithErrors, Completed, CompletedWithErrors, Removing.',
    );
  });
});

describe('reports', () => {
  const base = (address: string) =>
    newQueuedMailbox({ batchId: 'b', mailboxKey: address, emailAddress: address, csvLine: 2, now: 't', hasPendingPassword: false });
  const mailboxes = [
    {
      ...base('bob@x.com'),
      status: 'Synced' as const,
      syncedItemCount: 12,
      skippedItemCount: 1,
      totalItemsInSourceMailbox: 13,
      bytesTransferred: 9000,
      percentageComplete: 100,
      lastSuccessfulSyncTimestamp: '2026-11-25T10:00:00.000Z',
      contactsSynced: 40,
      contactsSkipped: 1,
      contactsTotal: 41,
      eventsSynced: 7,
      eventsSkipped: 0,
      eventsTotal: 7,
    },
    { ...base('ann@x.com'), status: 'Failed' as const, statusDetail: 'FailedPreflight', error: 'No user ann@x.com exists in Microsoft 365, "really".' },
  ];

  it('lists every mailbox with its statistics, sorted, quoting what needs quoting', () => {
    expect(toStatisticsCsv(mailboxes).split('\r\n')).toEqual([
      'EmailAddress,Status,StatusDetail,ItemsSynced,ItemsSkipped,TotalItemsInSourceMailbox,ContactsSynced,ContactsSkipped,ContactsTotal,EventsSynced,EventsSkipped,EventsTotal,BytesTransferred,PercentComplete,LastSuccessfulSync,Error',
      'ann@x.com,Failed,FailedPreflight,0,0,0,,,,,,,0,0,,"No user ann@x.com exists in Microsoft 365, ""really""."',
      'bob@x.com,Synced,,12,1,13,40,1,41,7,0,7,9000,100,2026-11-25T10:00:00.000Z,',
      '',
    ]);
  });

  it('lists failed mailboxes and skipped items in the errors report', () => {
    const csv = toErrorsReportCsv(mailboxes, [
      { emailAddress: 'bob@x.com', sourcePath: 'INBOX', subject: 'Huge', size: 200_000_000, reason: 'TooLarge', detail: 'over the limit' },
    ]);
    expect(csv).toContain('ann@x.com,Mailbox,,,,FailedPreflight,');
    expect(csv).toContain('bob@x.com,Item,INBOX,Huge,200000000,TooLarge,over the limit');
  });

  it('lists each skipped contact and event with its address book or calendar, title and reason', () => {
    const csv = toErrorsReportCsv(
      mailboxes,
      [],
      [
        { emailAddress: 'bob@x.com', kind: 'event', collection: 'Calendar', title: 'Medication', reason: 'UnsupportedRecurrence', detail: 'BYHOUR' },
        { emailAddress: 'bob@x.com', kind: 'contact', collection: 'Partners', title: '=cmd()', reason: 'InvalidVCard', detail: 'no END:VCARD' },
      ],
    );
    expect(csv).toContain('bob@x.com,Event,Calendar,Medication,,UnsupportedRecurrence,BYHOUR');
    // A title from outside is not a spreadsheet formula.
    expect(csv).toContain('bob@x.com,Contact,Partners,"\'=cmd()",,InvalidVCard,no END:VCARD');
  });

  it('splits the status email by item type when contacts or events moved, and not otherwise', () => {
    const batch = { id: 'w', name: 'Wave', notificationEmails: [] } as unknown as MigrationBatch;
    const links = { statistics: 'https://s/a', errors: 'https://s/b' };
    const summary = summarise(mailboxes);
    expect(summary).toMatchObject({
      mail: { synced: 12, skipped: 1 },
      contacts: { synced: 40, skipped: 1 },
      events: { synced: 7, skipped: 0 },
      skippedItems: 2,
    });
    const html = toStatusEmail(batch, 'initialSync', summary, links).html;
    expect(html).toContain('data-count="contactsSynced">40<');
    expect(html).toContain('data-count="contactsSkipped">1<');
    expect(html).toContain('data-count="eventsSynced">7<');
    expect(html).toContain('data-count="mailSynced">12<');
    const mailOnly = mailboxes.map((m) => ({
      ...m,
      contactsSynced: undefined,
      contactsSkipped: undefined,
      contactsTotal: undefined,
      eventsSynced: undefined,
      eventsSkipped: undefined,
      eventsTotal: undefined,
    }));
    expect(summarise(mailOnly)).not.toHaveProperty('contacts');
    expect(toStatusEmail(batch, 'initialSync', summarise(mailOnly), links).html).not.toContain('contactsSynced');
  });

  it('lists the folders that were renamed for the target, and the virtual ones not copied', () => {
    const renamed = {
      ...mailboxes[1]!,
      status: 'Synced' as const,
      error: undefined,
      statusDetail: undefined,
      folderRemapsJson: JSON.stringify([
        { sourcePath: 'Notes/Q1: plan', targetPath: 'Notes/Q1_ plan', reason: 'invalidCharacter' },
        { sourcePath: 'All Mail', targetPath: '', reason: 'virtualFolder' },
      ]),
    };
    const csv = toErrorsReportCsv([renamed], []);
    expect(csv).toContain('ann@x.com,Folder,Notes/Q1: plan,,,FolderRenamed,"Copied as ""Notes/Q1_ plan"" (invalidCharacter)."');
    expect(csv).toContain('ann@x.com,Folder,All Mail,,,NotCopied,');
  });

  it('writes the status email with the counts and both links', () => {
    const batch: MigrationBatch = {
      id: 'w',
      name: 'Wave <1>',
      endpoint: 'e',
      kind: 'staged',
      status: 'Syncing',
      mailboxCount: 2,
      counts: emptyStatusCounts(),
      notificationEmails: [],
      incrementalSyncIntervalHours: 24,
      autoStart: true,
      source: 'http',
      createdAt: 't',
    };
    const email = toStatusEmail(batch, 'initialSync', summarise(mailboxes), { statistics: 'https://s/a?x=1&y=2', errors: 'https://s/b' });
    expect(email.subject).toBe('Migration batch "Wave <1>" initial synchronisation finished: 1 of 2 mailboxes migrated, 1 failed');
    expect(email.html).toContain('<b>Wave &lt;1&gt;</b>');
    expect(email.html).toContain('data-count="failed">1<');
    expect(email.html).toContain('href="https://s/a?x=1&amp;y=2"');
  });
});
