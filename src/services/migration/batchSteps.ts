import type { AppConfig } from '../../config';
import type { Tenant, TenantUser } from '../ports/tenant';
import type { BatchStatus } from '../../core/batch/batchStatus';
import { COMPLETED_BATCH_STATUSES, SYNCED_BATCH_STATUSES } from '../../core/batch/batchStatusGroups';
import type { MigrationMailbox } from '../../core/mailbox/migrationMailbox';
import type { MigrationBatch } from '../../core/batch/migrationBatch';
import { MigrationError, toErrorMessage } from '../../core/errors/migrationError';
import type { MailboxStatus } from '../../core/mailbox/mailboxStatus';
import {
  type ReportPhase,
  type SkippedGroupwareRow,
  type SkippedItemRow,
  summarise,
  toErrorsReportCsv,
  toStatisticsCsv,
  toStatusEmail,
} from '../../core/reports/migrationReports';
import { SKIP_PREFIX } from '../../core/ledger/ledgerKeys';
import type { SkipRow } from '../../core/ledger/ledgerRows';
import { ConcurrencyError } from '../../core/errors/concurrencyError';
import { updateMailbox } from '../copy/mailboxStatistics';
import type { MigrationConnectors } from '../ports/migrationConnectors';
import type { MigrationStores } from './migrationStores';
import { describeMissingPermissions, permissionsFor, syncedMailboxGuidProblem } from './tenantPreflight';
import type { BatchPlan, PreflightResult, ReportSummary } from '../../contract/stepResults';

/**
 * A staged migration without the on-premises directory sets no targetAddress (new mail keeps arriving
 * on-premises) and converts no mailbox at completion: that is allowed only as a stated choice.
 */
export const NO_DIRECTORY_CHOSEN =
  'No on-premises directory is configured. A staged migration uses it to forward new mail to Microsoft 365 ' +
  '(targetAddress) and to turn each on-premises mailbox into a mail-enabled user at completion. Set ONPREM_LDAP_URL, ONPREM_LDAP_BIND_DN, ' +
  'ONPREM_LDAP_BIND_PASSWORD and ONPREM_LDAP_BASE_DN; or set ONPREM_DIRECTORY=none to migrate without both (you then change MX records or ' +
  'targetAddress yourself).';

/**
 * Batch-level steps, each one a Durable activity: preflight, status, reports and the status
 * email. They read by batch id and are safe to run again.
 */
export class BatchSteps {
  constructor(
    private readonly config: AppConfig,
    private readonly stores: MigrationStores,
    private readonly connectors: MigrationConnectors,
  ) {}

  /**
   * Exchange Online's checks before a staged batch starts, and this service's own: the app has the
   * permissions the batch needs (or the whole batch fails, naming them), directory synchronisation is
   * on (or the whole batch fails), every row has a mail-enabled user in the tenant, the tenant will
   * be able to create its mailbox, and the source accepts a login. A row that fails a check fails
   * alone, with its reason, before anything is changed for it.
   */
  async preflight(batchId: string, now: string): Promise<PreflightResult> {
    const batch = await this.requireBatch(batchId);
    const mailboxes = (await this.stores.mailboxes.listAll(batchId)).map((s) => s.mailbox).filter((m) => m.status === 'Queued' || m.status === 'Stopped');
    const tenant = this.connectors.tenant();
    const problems = new Map<string, string>();
    if (tenant) {
      const needs = permissionsFor(batch, {
        setsPasswords: mailboxes.some((m) => m.hasPendingPassword),
        sendsEmail: batch.notificationEmails.length > 0,
        movesGroupware: Boolean((await this.stores.endpoints.get(batch.endpoint))?.davUrl),
      });
      const missing = describeMissingPermissions(await tenant.grantedRoles(), needs);
      if (missing) return { ok: false, reason: missing, eligible: [], failed: 0 };
      if (batch.kind === 'staged' && !this.connectors.directory() && !this.config.withoutOnPremisesDirectory) {
        return { ok: false, reason: NO_DIRECTORY_CHOSEN, eligible: [], failed: 0 };
      }
      if (batch.kind === 'staged' && !(await tenant.isDirectorySyncEnabled())) {
        return {
          ok: false,
          reason: 'Directory synchronisation is not enabled in the Microsoft 365 tenant; a staged migration needs it.',
          eligible: [],
          failed: 0,
        };
      }
      const users = await tenant.findUsers(mailboxes.map((m) => m.emailAddress));
      const found: { mailbox: MigrationMailbox; user: TenantUser }[] = [];
      for (const mailbox of mailboxes) {
        const user = users.get(mailbox.emailAddress.toLowerCase());
        if (!user)
          problems.set(
            mailbox.mailboxKey,
            `No user ${mailbox.emailAddress} exists in Microsoft 365: directory synchronisation creates it as a mail-enabled user.`,
          );
        else if (!user.mail) problems.set(mailbox.mailboxKey, `${mailbox.emailAddress} exists in Microsoft 365 but is not mail-enabled.`);
        else found.push({ mailbox, user });
      }
      await this.checkMailboxGuids(found, tenant, problems);
      for (const { mailbox, user } of found.filter((f) => !problems.has(f.mailbox.mailboxKey))) {
        await updateMailbox(this.stores.mailboxes, batchId, mailbox.mailboxKey, (m) => ({ ...m, targetUserId: user.id }));
      }
    }
    await this.checkSourceLogins(
      batch,
      mailboxes.filter((m) => !problems.has(m.mailboxKey)).map((m) => m.mailboxKey),
      problems,
    );
    for (const [mailboxKey, error] of problems) {
      await updateMailbox(this.stores.mailboxes, batchId, mailboxKey, (m) => ({
        ...m,
        status: 'Failed',
        statusDetail: 'FailedPreflight',
        error,
        lastUpdatedTimestamp: now,
      }));
    }
    return { ok: true, eligible: mailboxes.map((m) => m.mailboxKey).filter((k) => !problems.has(k)), failed: problems.size };
  }

  /**
   * Rows whose mailbox Exchange Online will never create: a directory-synced user without a cloud
   * mailbox yet whose on-premises object carries msExchMailboxGuid, while Entra Connect syncs that
   * attribute (its default; the setting ENTRA_CONNECT_MAILBOX_GUID says otherwise once a sync rule
   * nulls it). Graph does not show the synced value, so the on-premises directory is read instead.
   */
  private async checkMailboxGuids(found: { mailbox: MigrationMailbox; user: TenantUser }[], tenant: Tenant, problems: Map<string, string>): Promise<void> {
    const directory = this.connectors.directory();
    if (!directory || this.config.entraConnectMailboxGuid !== 'synced') return;
    const queue = found.filter((f) => f.user.onPremisesSyncEnabled);
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const onPremises = await directory.findUserByPrimarySmtp(next.mailbox.emailAddress);
        if (!onPremises?.hasMailboxGuid) continue;
        if ((await tenant.mailboxState(next.user.id)).ready) continue; // the mailbox exists already
        problems.set(next.mailbox.mailboxKey, syncedMailboxGuidProblem(next.mailbox.emailAddress));
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker));
  }

  /**
   * Sets the batch's status and recounts its mailboxes by status; stamps the matching time. The
   * stored counts are a snapshot of that moment: the API counts the mailboxes again when asked
   * (services/batchCounts.ts), and shows the snapshot only once the batch is completed.
   */
  async setStatus(batchId: string, status: BatchStatus, now: string, detail?: string): Promise<MigrationBatch> {
    return (await this.setStatusIf(batchId, undefined, status, now, detail))!;
  }

  /**
   * Like setStatus, but only while the batch is still in one of `from` (undefined: any status).
   * Returns undefined when it was not: someone (the orchestration) moved it on meanwhile.
   */
  async setStatusIf(
    batchId: string,
    from: readonly BatchStatus[] | undefined,
    status: BatchStatus,
    now: string,
    detail?: string,
  ): Promise<MigrationBatch | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      const stored = await this.stores.batches.get(batchId);
      if (!stored) throw new MigrationError('BatchNotFound', `The batch ${batchId} does not exist.`);
      if (from && !from.includes(stored.batch.status)) return undefined;
      const batch: MigrationBatch = {
        ...stored.batch,
        status,
        counts: await this.stores.mailboxes.countStatuses(batchId),
        ...(detail !== undefined ? { statusDetail: detail } : { statusDetail: undefined }),
        ...(status === 'Syncing' && !stored.batch.startedAt ? { startedAt: now } : {}),
        ...(SYNCED_BATCH_STATUSES.includes(status) ? { syncedAt: now } : {}),
        ...(COMPLETED_BATCH_STATUSES.includes(status) ? { completedAt: now } : {}),
      };
      try {
        await this.stores.batches.update(batch, stored.etag);
        return batch;
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= 8) throw error;
      }
    }
  }

  /** What the orchestration needs to know of the batch and its endpoint to pace its passes. */
  async plan(batchId: string, incrementalMinutesOverride?: number): Promise<BatchPlan> {
    const batch = await this.requireBatch(batchId);
    const endpoint = await this.stores.endpoints.get(batch.endpoint);
    if (!endpoint) throw new MigrationError('EndpointNotFound', `The migration endpoint "${batch.endpoint}" no longer exists.`);
    return {
      maxConcurrentMigrations: endpoint.maxConcurrentMigrations,
      maxConcurrentIncrementalSyncs: endpoint.maxConcurrentIncrementalSyncs,
      incrementalIntervalMs: (incrementalMinutesOverride ?? batch.incrementalSyncIntervalHours * 60) * 60_000,
    };
  }

  /** Puts mailboxes in these statuses back in the queue (retry failed ones, resume stopped ones). */
  async requeue(batchId: string, statuses: MailboxStatus[], now: string): Promise<number> {
    const keys = await this.mailboxKeys(batchId, statuses);
    for (const key of keys) {
      await updateMailbox(this.stores.mailboxes, batchId, key, (m) => ({
        ...m,
        status: 'Queued',
        statusDetail: undefined,
        error: undefined,
        lastUpdatedTimestamp: now,
      }));
    }
    return keys.length;
  }

  /** Mailbox keys of the batch in the given statuses, in key order. */
  async mailboxKeys(batchId: string, statuses: MailboxStatus[]): Promise<string[]> {
    const wanted = new Set(statuses);
    return (await this.stores.mailboxes.listAll(batchId))
      .map((s) => s.mailbox)
      .filter((m) => wanted.has(m.status))
      .map((m) => m.mailboxKey);
  }

  /** Writes both reports, links them from the batch, and queues the status email. */
  async report(batchId: string, phase: ReportPhase, now: string): Promise<ReportSummary> {
    const batch = await this.requireBatch(batchId);
    const mailboxes = (await this.stores.mailboxes.listAll(batchId)).map((s) => s.mailbox);
    const skipped = await this.skippedItems(mailboxes);
    await this.stores.reports.write(batchId, 'statistics', toStatisticsCsv(mailboxes));
    await this.stores.reports.write(batchId, 'errors', toErrorsReportCsv(mailboxes, skipped.mail, skipped.groupware));
    const links = {
      statistics: await this.stores.reports.link(batchId, 'statistics', new Date(now)),
      errors: await this.stores.reports.link(batchId, 'errors', new Date(now)),
    };
    await this.saveReportLinks(batchId);
    const summary = summarise(mailboxes);
    if (batch.notificationEmails.length > 0) {
      const email = toStatusEmail(batch, phase, summary, links);
      await this.stores.outbox.enqueue({ batchId, to: batch.notificationEmails, subject: email.subject, html: email.html });
    }
    return { migrated: summary.migrated, failed: summary.failed };
  }

  /**
   * What the copy skipped: the folders it could not copy (on the mailbox's row), and the items, read from
   * the errors-report rows of each mailbox's ledger that counted some (a skip later copied after all is
   * marked cleared and left out).
   */
  private async skippedItems(mailboxes: MigrationMailbox[]): Promise<{ mail: SkippedItemRow[]; groupware: SkippedGroupwareRow[] }> {
    const mail: SkippedItemRow[] = [];
    const groupware: SkippedGroupwareRow[] = [];
    for (const mailbox of mailboxes) {
      const emailAddress = mailbox.emailAddress;
      for (const failed of problemsOf(mailbox.folderProblemsJson)) {
        mail.push({ emailAddress, sourcePath: failed.displayName, subject: '', size: 0, reason: 'FolderFailed', detail: failed.error });
      }
      if (mailbox.skippedItemCount + (mailbox.contactsSkipped ?? 0) + (mailbox.eventsSkipped ?? 0) === 0) continue;
      const rows = await this.stores.ledger.readPrefixes<SkipRow>(mailbox.mailboxKey, [SKIP_PREFIX]);
      for (const { row } of rows.values()) {
        if (row.cleared) continue;
        if (row.type === 'mail') mail.push({ emailAddress, sourcePath: row.where, subject: row.title, size: row.size, reason: row.reason, detail: row.detail });
        else groupware.push({ emailAddress, kind: row.type, collection: row.where, title: row.title, reason: row.reason, detail: row.detail });
      }
    }
    return { mail, groupware };
  }

  private async saveReportLinks(batchId: string): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const stored = await this.requireStored(batchId);
      const reports = { statistics: `/api/batches/${batchId}/reports/statistics`, errors: `/api/batches/${batchId}/reports/errors` };
      try {
        await this.stores.batches.update({ ...stored.batch, reports }, stored.etag);
        return;
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= 8) throw error;
      }
    }
  }

  /**
   * Logs in to the source once per mailbox (8 at a time), so a row whose account is missing or
   * locked fails alone with the server's reason.
   */
  private async checkSourceLogins(batch: MigrationBatch, keys: string[], problems: Map<string, string>): Promise<void> {
    const endpoint = await this.stores.endpoints.get(batch.endpoint);
    if (!endpoint) {
      for (const key of keys) problems.set(key, `The migration endpoint "${batch.endpoint}" no longer exists.`);
      return;
    }
    const endpointPassword = await this.stores.endpoints.password(endpoint);
    const queue = [...keys];
    const worker = async (): Promise<void> => {
      for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
        const mailbox = (await this.stores.mailboxes.get(batch.id, key))!.mailbox;
        const rowPassword = batch.kind === 'imap' ? await this.stores.mailboxSecrets.read(batch.id, key) : undefined;
        try {
          const source = await this.connectors.openSource(endpoint, mailbox, {
            ...(rowPassword ? { rowPassword } : {}),
            ...(endpointPassword ? { endpointPassword } : {}),
          });
          await source.close();
        } catch (error) {
          problems.set(key, `The source server refused the login for ${mailbox.emailAddress}: ${toErrorMessage(error)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, keys.length) }, worker));
  }

  private async requireStored(batchId: string) {
    const stored = await this.stores.batches.get(batchId);
    if (!stored) throw new MigrationError('BatchNotFound', `The batch ${batchId} does not exist.`);
    return stored;
  }

  private async requireBatch(batchId: string): Promise<MigrationBatch> {
    return (await this.requireStored(batchId)).batch;
  }
}

function problemsOf(json: string | undefined): { displayName: string; error: string }[] {
  if (!json) return [];
  try {
    return JSON.parse(json) as { displayName: string; error: string }[];
  } catch {
    return [];
  }
}
