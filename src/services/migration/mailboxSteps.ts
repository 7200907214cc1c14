import type { AppConfig } from '../../config';
import { withPageProgress, withSourceTotals } from '../../core/copy/mailboxProgress';
import { MigrationError, toErrorMessage } from '../../core/errors/migrationError';
import type { MailboxStatus } from '../../core/mailbox/mailboxStatus';
import type { MigrationMailbox } from '../../core/mailbox/migrationMailbox';
import type { MigrationBatch } from '../../core/batch/migrationBatch';
import type { Tenant } from '../ports/tenant';
import { cloudRoutingAddress } from './cloudRoutingAddress';
import type {
  CopyPageSummary,
  FlagSyncResult,
  FolderPlan,
  GroupwareSyncSummary,
  MailboxPassOutcome,
  MailboxRef,
  ProvisionOutcome,
  SyncMode,
} from '../../core/migration/stepResults';
import { randomUUID } from 'node:crypto';
import { GroupwareCopier } from '../groupware/groupwareCopier';
import { mapGroupwareItem } from '../groupware/mapGroupwareItem';
import { TargetPaused } from '../ports/copyTarget';
import { GroupwareErrorCode } from '../ports/itemSource';
import { type FolderRemap, MailboxCopier, RECREATED_FOLDER } from '../copy/mailboxCopier';
import { HeldCopyLease } from '../copy/heldCopyLease';
import { updateMailbox } from '../copy/mailboxStatistics';
import { ConnectionPool, type MailboxConnections } from './connectionPool';
import type { MigrationConnectors } from '../ports/migrationConnectors';
import type { MigrationStores } from './migrationStores';
import { MAILBOX_GUID_FIX } from './tenantPreflight';

/** The status detail a mailbox shows while its Exchange Online mailbox is being waited for. */
const WAITING_FOR_MAILBOX = 'Waiting for the Exchange Online mailbox';

function formatMinutes(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60} hours` : `${minutes} minutes`;
}

/**
 * The steps of one mailbox's migration, each one a Durable activity: safe to run again, reading
 * what it needs by id and leaving its result in storage.
 */
export class MailboxSteps {
  private readonly pool = new ConnectionPool();

  constructor(
    private readonly config: AppConfig,
    private readonly stores: MigrationStores,
    private readonly connectors: MigrationConnectors,
  ) {}

  async start(ref: MailboxRef, mode: SyncMode, now: string): Promise<void> {
    await updateMailbox(this.stores.mailboxes, ref.batchId, ref.mailboxKey, (m) => ({
      ...withStatus(m, mode === 'initial' ? 'Provisioning' : 'Syncing', now),
      ...(mode === 'initial' ? { startTimestamp: now } : {}),
      // A new pass: skips the target caused are tried again, and BadItemLimit counts afresh.
      passStartedAt: now,
      error: undefined,
      errorCode: undefined,
    }));
  }

  /**
   * Makes the Exchange Online mailbox: a usage location when the user has none, the licence, the CSV
   * password (then erased). Then reports whether the mailbox answers yet: Exchange Online typically
   * provisions it within 30 minutes of the licence and may take up to 24 hours (Microsoft's page on
   * delays provisioning mailboxes), so the orchestration waits on a durable timer and asks again,
   * until `mailboxWaitLimitMinutes` have passed since the first time it waited.
   */
  async provision(ref: MailboxRef, now: string): Promise<ProvisionOutcome> {
    const tenant = this.connectors.tenant();
    if (!tenant) return { state: 'ready' }; // an IMAP target has nothing to provision
    const { mailbox, batch } = await this.read(ref);
    const user = await tenant.findUser(mailbox.emailAddress);
    if (!user) throw new MigrationError('TargetUserNotFound', `${mailbox.emailAddress} no longer exists in Microsoft 365.`);
    if (!user.hasLicense(this.config.licenseSkuId)) {
      if (!user.usageLocation) await tenant.setUsageLocation(user.id, await this.usageLocationFor(mailbox, batch, tenant));
      await tenant.assignLicense(user.id, this.config.licenseSkuId);
    }
    if (batch.kind === 'staged' && mailbox.hasPendingPassword) {
      const password = await this.stores.mailboxSecrets.read(ref.batchId, ref.mailboxKey);
      if (password) await tenant.setPassword(user.id, password, mailbox.forceChangePassword ?? false);
      await this.stores.mailboxSecrets.erase(ref.batchId, ref.mailboxKey);
      await updateMailbox(this.stores.mailboxes, ref.batchId, ref.mailboxKey, (m) => ({ ...m, hasPendingPassword: false }));
    }
    const state = await tenant.mailboxState(user.id);
    if (state.ready) {
      if (mailbox.mailboxWaitStartedAt) {
        await updateMailbox(this.stores.mailboxes, ref.batchId, ref.mailboxKey, (m) => ({
          ...m,
          mailboxWaitStartedAt: undefined,
          statusDetail: undefined,
          lastUpdatedTimestamp: now,
        }));
      }
      return { state: 'ready' };
    }
    return this.keepWaiting(ref, mailbox, state.reason, now);
  }

  /** Sets the on-premises targetAddress so new mail for the user is forwarded to the cloud. */
  async forward(ref: MailboxRef): Promise<void> {
    const directory = this.connectors.directory();
    const tenant = this.connectors.tenant();
    if (!directory || !tenant) return;
    const { mailbox } = await this.read(ref);
    const user = await tenant.findUser(mailbox.emailAddress);
    if (!user) throw new MigrationError('TargetUserNotFound', `${mailbox.emailAddress} no longer exists in Microsoft 365.`);
    const onPremises = await directory.findUserByPrimarySmtp(mailbox.emailAddress);
    if (!onPremises) throw new MigrationError('OnPremisesUserNotFound', `No on-premises user has the primary address ${mailbox.emailAddress}.`);
    const cloudAddress = cloudRoutingAddress(user);
    await directory.setTargetAddress(onPremises.dn, cloudAddress);
    await updateMailbox(this.stores.mailboxes, ref.batchId, ref.mailboxKey, (m) => ({ ...m, cloudAddress }));
  }

  async prepareFolders(ref: MailboxRef, now: string): Promise<FolderPlan[]> {
    return this.withCopier(ref, async (copier) => {
      const { folders, remaps, alreadySettled } = await copier.prepareFolders();
      const total = folders.reduce((n, f) => n + f.messages, 0);
      await updateMailbox(this.stores.mailboxes, ref.batchId, ref.mailboxKey, (m) => ({
        // A mailbox added again after its batch was removed goes on from its copies: they count as synced.
        ...withSourceTotals(withStatus(withSettled(m, alreadySettled), 'Syncing', now), total, now),
        folderRemapsJson: remapsJson([...remaps, ...recreatedFolders(m)]),
      }));
      return folders;
    });
  }

  /**
   * One page of a folder, while this run holds the mailbox's copy lease. When another run holds it (a
   * page run twice, or still running after Stop and Resume) nothing is done: the page answers when to
   * come back, and the orchestration waits for it on a durable timer.
   */
  async copyPage(ref: MailboxRef, sourcePath: string, now: string): Promise<CopyPageSummary> {
    return this.withLeasedCopier(
      ref,
      (busyUntil) => ({ sourcePath, done: false, copied: 0, matched: 0, skipped: 0, recovered: 0, bytes: 0, lastCopiedUid: 0, resumeAt: busyUntil }),
      async (copier) => {
        const { skippedItems: _details, ...result } = await copier.copyPage(sourcePath);
        await updateMailbox(this.stores.mailboxes, ref.batchId, ref.mailboxKey, (m) => withRemaps(withPageProgress(m, result, now), copier.remaps));
        await this.stores.throughput.record(ref.batchId, ref.mailboxKey, now, result.copied, result.bytes);
        return result;
      },
    );
  }

  async syncFlags(ref: MailboxRef, sourcePath: string): Promise<FlagSyncResult> {
    return this.withLeasedCopier(
      ref,
      (busyUntil) => ({ updated: 0, resumeAt: busyUntil }),
      (copier) => copier.syncFlags(sourcePath),
    );
  }

  /** Records how the sync ended: Synced with the time, or Failed with the reason. */
  async finish(ref: MailboxRef, outcome: MailboxPassOutcome, now: string): Promise<MailboxStatus> {
    const updated = await updateMailbox(this.stores.mailboxes, ref.batchId, ref.mailboxKey, (m) =>
      outcome.ok
        ? {
            ...withStatus(m, 'Synced', now),
            lastSuccessfulSyncTimestamp: now,
            percentageComplete: 100,
            error: undefined,
            errorCode: undefined,
            statusDetail: undefined,
          }
        : { ...withStatus(m, 'Failed', now), error: outcome.error, errorCode: outcome.code, statusDetail: 'FailedSync' },
    );
    return updated.status;
  }

  /** Converts the on-premises mailbox to a mail-enabled user pointing at the cloud mailbox. */
  async complete(ref: MailboxRef, now: string): Promise<MailboxStatus> {
    const { mailbox } = await this.read(ref);
    if (mailbox.status !== 'Synced' && mailbox.status !== 'Completing') return mailbox.status;
    try {
      const directory = this.connectors.directory();
      if (directory) {
        const onPremises = await directory.findUserByPrimarySmtp(mailbox.emailAddress);
        if (!onPremises) throw new MigrationError('OnPremisesUserNotFound', `No on-premises user has the primary address ${mailbox.emailAddress}.`);
        await directory.convertToMailEnabledUser(onPremises.dn, mailbox.cloudAddress ?? onPremises.targetAddress ?? mailbox.emailAddress);
      }
      await this.stores.mailboxSecrets.erase(ref.batchId, ref.mailboxKey);
      return (
        await updateMailbox(this.stores.mailboxes, ref.batchId, ref.mailboxKey, (m) => ({ ...withStatus(m, 'Completed', now), hasPendingPassword: false }))
      ).status;
    } catch (error) {
      if (error instanceof MigrationError && error.errorClass === 'transient') throw error;
      await updateMailbox(this.stores.mailboxes, ref.batchId, ref.mailboxKey, (m) => ({
        ...withStatus(m, 'Failed', now),
        statusDetail: 'FailedCompletion',
        error: toErrorMessage(error),
      }));
      return 'Failed';
    }
  }

  private async read(ref: MailboxRef): Promise<{ mailbox: MigrationMailbox; batch: MigrationBatch }> {
    const [stored, batch] = await Promise.all([this.stores.mailboxes.get(ref.batchId, ref.mailboxKey), this.stores.batches.get(ref.batchId)]);
    if (!stored || !batch) throw new MigrationError('MailboxNotFound', `The mailbox ${ref.mailboxKey} is not in batch ${ref.batchId}.`);
    return { mailbox: stored.mailbox, batch: batch.batch };
  }

  /** The CSV row's usage location, else the batch's, the endpoint's, the app's, and last the tenant's country. */
  private async usageLocationFor(mailbox: MigrationMailbox, batch: MigrationBatch, tenant: Tenant): Promise<string> {
    const endpoint = await this.stores.endpoints.get(batch.endpoint);
    const chosen =
      mailbox.usageLocation ?? batch.usageLocation ?? endpoint?.defaultUsageLocation ?? this.config.defaultUsageLocation ?? (await tenant.countryLetterCode());
    if (!chosen) {
      throw new MigrationError(
        'UsageLocationMissing',
        `${mailbox.emailAddress} has no usage location in Microsoft 365, and a licence needs one: add a UsageLocation column to the CSV, or set the batch's usageLocation, the endpoint's defaultUsageLocation or MIGRATION_DEFAULT_USAGE_LOCATION.`,
      );
    }
    return chosen;
  }

  /** Records that the mailbox is being waited for, or fails it once the wait limit is reached. */
  private async keepWaiting(ref: MailboxRef, mailbox: MigrationMailbox, reason: string, now: string): Promise<ProvisionOutcome> {
    const since = mailbox.mailboxWaitStartedAt ?? now;
    const waitedMs = Date.parse(now) - Date.parse(since);
    const limitMs = this.config.mailboxWaitLimitMinutes * 60_000;
    if (waitedMs >= limitMs) {
      throw new MigrationError(
        'MailboxNeverProvisioned',
        `The Exchange Online mailbox of ${mailbox.emailAddress} did not appear within ${formatMinutes(this.config.mailboxWaitLimitMinutes)} of its licence (Graph still answers ${reason}). ` +
          `If Entra Connect syncs the on-premises msExchMailboxGuid, Exchange Online never creates it: ${MAILBOX_GUID_FIX}. ` +
          'Otherwise open a Microsoft support case: provisioning can take up to 24 hours (https://learn.microsoft.com/exchange/troubleshoot/user-and-shared-mailboxes/delays-provision-mailbox-sync-changes).',
      );
    }
    if (mailbox.statusDetail !== WAITING_FOR_MAILBOX || !mailbox.mailboxWaitStartedAt) {
      await updateMailbox(this.stores.mailboxes, ref.batchId, ref.mailboxKey, (m) => ({
        ...m,
        statusDetail: WAITING_FOR_MAILBOX,
        mailboxWaitStartedAt: since,
        lastUpdatedTimestamp: now,
      }));
    }
    // Ask again soon at first (most mailboxes appear within minutes), then less often.
    const recheckAfterSeconds = Math.min(15 * 60, Math.max(30, Math.round(waitedMs / 1000 / 4)), Math.ceil((limitMs - waitedMs) / 1000));
    return { state: 'waiting', recheckAfterSeconds: Math.max(1, recheckAfterSeconds) };
  }

  /**
   * The mailbox's address books and calendars (when its endpoint names a DAV URL and the target is Microsoft
   * 365), while this run holds the mailbox's copy lease: every item once, changes and deletions followed, a
   * bad item skipped with its reason. Counted per type on the mailbox, as Get-MigrationUserStatistics does.
   */
  async syncGroupware(ref: MailboxRef, now: string): Promise<GroupwareSyncSummary> {
    const none = { synced: 0, skipped: 0, total: 0 };
    const { mailbox, batch } = await this.read(ref);
    const endpoint = await this.stores.endpoints.get(batch.endpoint);
    const target = endpoint?.davUrl ? this.connectors.groupwareTarget(mailbox) : undefined;
    if (!endpoint || !target) return { contacts: none, events: none, failedCollections: 0 };
    const lease = await HeldCopyLease.take(this.stores.copyLeases, ref.mailboxKey, this.config.copy.leaseSeconds);
    if ('busyUntil' in lease) return { contacts: none, events: none, failedCollections: 0, resumeAt: lease.busyUntil };
    try {
      const rowPassword = batch.kind === 'imap' ? await this.stores.mailboxSecrets.read(ref.batchId, ref.mailboxKey) : undefined;
      const endpointPassword = await this.stores.endpoints.password(endpoint);
      const source = this.connectors.openItemSource(endpoint, mailbox, {
        ...(rowPassword ? { rowPassword } : {}),
        ...(endpointPassword ? { endpointPassword } : {}),
      });
      try {
        const stores = { items: this.stores.groupwareItems, collections: this.stores.groupwareCollections };
        let synced: Awaited<ReturnType<GroupwareCopier['syncAll']>>;
        try {
          synced = await new GroupwareCopier(ref.mailboxKey, source, target, stores, mapGroupwareItem, randomUUID()).syncAll();
        } catch (error) {
          // Microsoft 365's budget for the mailbox (shared with its mail) is spent, or the source asked to slow
          // down: the orchestration waits on a durable timer and calls again; the item map keeps what is done.
          const resumeAt = pausedUntil(error, now);
          if (resumeAt) return { contacts: none, events: none, failedCollections: 0, resumeAt };
          throw error;
        }
        const { results, failed } = synced;
        const count = (kind: 'contact' | 'event') => {
          const of = results.filter((r) => r.kind === kind);
          const skipped = of.reduce((n, r) => n + r.skipped.length, 0);
          const total = of.reduce((n, r) => n + r.total, 0);
          return { synced: total - skipped, skipped, total };
        };
        const summary = { contacts: count('contact'), events: count('event'), failedCollections: failed.length };
        await updateMailbox(this.stores.mailboxes, ref.batchId, ref.mailboxKey, (m) => ({
          ...m,
          contactsSynced: summary.contacts.synced,
          contactsSkipped: summary.contacts.skipped,
          contactsTotal: summary.contacts.total,
          eventsSynced: summary.events.synced,
          eventsSkipped: summary.events.skipped,
          eventsTotal: summary.events.total,
          groupwareProblemsJson: failed.length > 0 ? JSON.stringify(failed) : undefined,
          lastUpdatedTimestamp: now,
        }));
        return summary;
      } finally {
        await source.close();
      }
    } finally {
      await lease.release();
    }
  }

  /** Runs work with a copier while holding the mailbox's copy lease; `busy` answers when another run holds it. */
  private async withLeasedCopier<T>(ref: MailboxRef, busy: (busyUntil: string) => T, work: (copier: MailboxCopier) => Promise<T>): Promise<T> {
    const lease = await HeldCopyLease.take(this.stores.copyLeases, ref.mailboxKey, this.config.copy.leaseSeconds);
    if ('busyUntil' in lease) return busy(lease.busyUntil);
    try {
      return await this.withCopier(ref, work, lease);
    } finally {
      await lease.release();
    }
  }

  /**
   * Runs work with a copier over the mailbox's pooled connections (opened with the endpoint's or
   * the row's credentials when none are open). A failure closes them: the next try starts clean.
   */
  private async withCopier<T>(ref: MailboxRef, work: (copier: MailboxCopier) => Promise<T>, lease?: HeldCopyLease): Promise<T> {
    const { mailbox } = await this.read(ref);
    const connection = await this.pool.acquire(`${ref.batchId}|${ref.mailboxKey}`, () => this.openConnections(ref));
    const limits = this.config.copy;
    const copier = new MailboxCopier(
      ref,
      connection.connections.source,
      connection.connections.target,
      this.stores,
      {
        largeItemLimitBytes: limits.largeItemLimitMb * 1024 * 1024,
        badItemLimit: mailbox.badItemLimit ?? limits.badItemLimit,
        pageMaxCount: limits.pageMaxCount,
        pageMaxBytes: limits.pageMaxMb * 1024 * 1024,
      },
      {
        pass: mailbox.passStartedAt ?? mailbox.startTimestamp ?? 'first',
        assertLeaseHeld: () => (lease ? lease.assertHeld() : Promise.resolve()),
      },
    );
    try {
      const result = await work(copier);
      connection.release(true);
      return result;
    } catch (error) {
      connection.release(false);
      throw error;
    }
  }

  private async openConnections(ref: MailboxRef): Promise<MailboxConnections> {
    const { mailbox, batch } = await this.read(ref);
    const endpoint = await this.stores.endpoints.get(batch.endpoint);
    if (!endpoint) throw new MigrationError('EndpointNotFound', `The migration endpoint "${batch.endpoint}" no longer exists.`);
    const rowPassword = batch.kind === 'imap' ? await this.stores.mailboxSecrets.read(ref.batchId, ref.mailboxKey) : undefined;
    const endpointPassword = await this.stores.endpoints.password(endpoint);
    const source = await this.connectors.openSource(endpoint, mailbox, {
      ...(rowPassword ? { rowPassword } : {}),
      ...(endpointPassword ? { endpointPassword } : {}),
    });
    try {
      return { source, target: await this.connectors.openTarget(mailbox) };
    } catch (error) {
      await source.close();
      throw error;
    }
  }
}

/** The remaps a mailbox row lists (its errors report shows them). */
function remapsOf(mailbox: MigrationMailbox): FolderRemap[] {
  return mailbox.folderRemapsJson ? (JSON.parse(mailbox.folderRemapsJson) as FolderRemap[]) : [];
}

function remapsJson(remaps: FolderRemap[]): string | undefined {
  return remaps.length > 0 ? JSON.stringify(remaps) : undefined;
}

/** Folders re-created in the target (the user deleted them) join the remaps the errors report lists. */
function withRemaps(mailbox: MigrationMailbox, remaps: FolderRemap[]): MigrationMailbox {
  return remaps.length === 0 ? mailbox : { ...mailbox, folderRemapsJson: remapsJson([...remapsOf(mailbox), ...remaps]) };
}

/** Folders re-created earlier stay reported: the remaps of a new listing replace only the name remaps. */
function recreatedFolders(mailbox: MigrationMailbox): FolderRemap[] {
  return remapsOf(mailbox).filter((r) => r.reason === RECREATED_FOLDER);
}

/** Counts from copies an earlier batch made, when the row has fewer (the mailbox was added again). */
function withSettled(mailbox: MigrationMailbox, settled: { copied: number; skipped: number; bytes: number }): MigrationMailbox {
  if (mailbox.syncedItemCount >= settled.copied) return mailbox;
  return {
    ...mailbox,
    syncedItemCount: settled.copied,
    skippedItemCount: Math.max(mailbox.skippedItemCount, settled.skipped),
    bytesTransferred: Math.max(mailbox.bytesTransferred, settled.bytes),
  };
}

function withStatus(mailbox: MigrationMailbox, status: MailboxStatus, now: string): MigrationMailbox {
  return { ...mailbox, status, lastUpdatedTimestamp: now };
}

/** When a paused groupware sync may go on: the target's budget (TargetPaused) or the source's Retry-After. */
function pausedUntil(error: unknown, now: string): string | undefined {
  if (error instanceof TargetPaused) return error.resumeAt.toISOString();
  if (error instanceof MigrationError && error.code === GroupwareErrorCode.Throttled && error.retryAfterSeconds !== undefined)
    return new Date(Date.parse(now) + error.retryAfterSeconds * 1000).toISOString();
  return undefined;
}
