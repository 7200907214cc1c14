import type { AppConfig } from '../../config';
import { MigrationError, toErrorMessage } from '../../core/errors/migrationError';
import type { MailboxStatus } from '../../core/mailbox/mailboxStatus';
import type { MigrationMailbox } from '../../core/mailbox/migrationMailbox';
import type { MigrationBatch } from '../../core/batch/migrationBatch';
import type { Tenant } from '../ports/tenant';
import { cloudRoutingAddress } from './cloudRoutingAddress';
import type { MailboxPassOutcome, MailboxRef, ProvisionOutcome, SyncMode } from '../../contract/stepResults';
import { updateMailbox } from '../copy/mailboxStatistics';
import type { MigrationConnectors } from '../ports/migrationConnectors';
import type { MigrationStores } from './migrationStores';
import { MAILBOX_GUID_FIX } from './tenantPreflight';

/** The status detail a mailbox shows while its Exchange Online mailbox is being waited for. */
const WAITING_FOR_MAILBOX = 'Waiting for the Exchange Online mailbox';

function formatMinutes(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60} hours` : `${minutes} minutes`;
}

/**
 * The steps of a mailbox's migration around its copy (copySteps.ts does the copy), each one a Durable
 * activity: the mailbox's status at the start and end of a pass, the Exchange Online mailbox and its
 * licence, forwarding, and at completion the on-premises mailbox made a mail-enabled user. Each is safe
 * to run again, reading what it needs by id and leaving its result in storage.
 */
export class ProvisioningSteps {
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
}

function withStatus(mailbox: MigrationMailbox, status: MailboxStatus, now: string): MigrationMailbox {
  return { ...mailbox, status, lastUpdatedTimestamp: now };
}
