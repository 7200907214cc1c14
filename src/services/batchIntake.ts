import { BATCH_NAME_RULE, tryBatchIdFromName } from '../core/batch/batchId';
import { isActiveBatchStatus } from '../core/batch/batchStatus';
import { invalidAddresses, parseAddressList, parseSyncIntervalHours } from '../core/batch/batchSettings';
import { DEFAULT_INCREMENTAL_SYNC_INTERVAL_HOURS, type MigrationBatch } from '../core/batch/migrationBatch';
import { parseBatchCsv } from '../core/csv/parseBatchCsv';
import type { BatchCsvRow } from '../core/csv/batchCsvSchema';
import { toMailboxKey } from '../core/mailbox/mailboxKey';
import { USAGE_LOCATION_PATTERN, USAGE_LOCATION_RULE } from '../core/mailbox/usageLocation';
import { countStatuses } from '../core/mailbox/mailboxStatus';
import { newQueuedMailbox, type MigrationMailbox } from '../core/mailbox/migrationMailbox';
import type { ActiveAddressStore } from './ports/batchStores';
import type { BatchStore } from './ports/batchStores';
import type { EndpointStore } from './ports/batchStores';
import type { MailboxStore } from './ports/batchStores';
import type { MailboxSecretStore } from './ports/batchStores';
import { type IntakeError, type IntakeRejection, rejection } from './intakeProblem';

export interface IntakeRequest {
  name: string;
  endpointName: string;
  csv: Uint8Array;
  /** `http`, or the intake blob's name and ETag: the same source taken in twice gives the same batch. */
  source: string;
  /** Addresses for the status emails, as given (comma, semicolon or space separated). */
  notify?: string;
  /** The incremental sync interval in hours, as given (1 to 720; default 24). */
  incrementalSyncIntervalHours?: string;
  /** Usage location for the batch's users who have none and no UsageLocation in the CSV. */
  usageLocation?: string;
  autoStart: boolean;
  now: string;
}

export type IntakeResult = { ok: true; batch: MigrationBatch; created: boolean } | IntakeRejection;

export interface BatchIntakeStores {
  endpoints: EndpointStore;
  batches: BatchStore;
  mailboxes: MailboxStore;
  mailboxSecrets: MailboxSecretStore;
  activeAddresses: ActiveAddressStore;
}

/**
 * Turns a batch CSV into a batch: validates everything first (a bad row never starts half a
 * batch), claims the addresses so no other active batch holds them, then writes the mailbox rows,
 * the sealed passwords and last the batch row. A failure while writing undoes what was written.
 */
export class BatchIntake {
  constructor(private readonly stores: BatchIntakeStores) {}

  async takeIn(request: IntakeRequest): Promise<IntakeResult> {
    const batchId = tryBatchIdFromName(request.name);
    if (!batchId)
      return rejection(400, 'The batch name is not valid.', [
        { code: 'InvalidBatchName', field: 'name', message: `"${request.name}" is not a valid batch name. ${BATCH_NAME_RULE}` },
      ]);
    if (request.usageLocation !== undefined && !USAGE_LOCATION_PATTERN.test(request.usageLocation)) {
      return rejection(400, 'A batch setting is not valid.', [
        {
          code: 'InvalidUsageLocation',
          field: 'usageLocation',
          message: `"${request.usageLocation.slice(0, 20)}" is not a usage location: give ${USAGE_LOCATION_RULE}.`,
        },
      ]);
    }
    const settings = readSettings(request);
    if ('errors' in settings) return rejection(400, 'A batch setting is not valid.', settings.errors);
    const endpoint = await this.stores.endpoints.get(request.endpointName);
    if (!endpoint) {
      return rejection(404, 'The migration endpoint does not exist.', [
        {
          code: 'EndpointNotFound',
          field: 'endpoint',
          message: `No migration endpoint is named "${request.endpointName}". Create it first (POST /api/endpoints).`,
        },
      ]);
    }
    const existing = await this.stores.batches.get(batchId);
    if (existing) {
      if (existing.batch.source === request.source && request.source !== 'http') return { ok: true, batch: existing.batch, created: false };
      return rejection(409, 'A batch with this name exists.', [
        {
          code: 'BatchExists',
          field: 'name',
          message: `A batch named "${existing.batch.name}" already exists. Choose another name, or remove that batch first.`,
        },
      ]);
    }
    const { active, stale } = await this.addressOwners(batchId);
    const parsed = parseBatchCsv(request.csv, { activeAddresses: active });
    if (!parsed.ok) return rejection(400, 'The batch CSV has errors; nothing was created.', parsed.errors);

    const mailboxes = parsed.rows.map((row) => toMailbox(batchId, row, request.now));
    const keys = mailboxes.map((m) => m.mailboxKey);
    const conflicts = await this.stores.activeAddresses.claimAll(batchId, request.name, keys, stale);
    if (conflicts.length > 0)
      return rejection(
        400,
        'The batch CSV has errors; nothing was created.',
        conflicts.map((c) => claimError(c.mailboxKey, c.batchName, mailboxes)),
      );

    const batch = newBatch(batchId, request, settings, parsed.kind, endpoint.name, mailboxes);
    try {
      await this.stores.mailboxes.insertAll(mailboxes);
      await this.stores.mailboxSecrets.putAll(batchId, passwordsOf(parsed.rows));
      await this.stores.batches.create(batch);
    } catch (error) {
      await this.undo(batchId, keys);
      throw error;
    }
    return { ok: true, batch, created: true };
  }

  /** Lower-cased addresses held by active batches (with the batch name), and batches whose claims are stale. */
  private async addressOwners(batchId: string): Promise<{ active: Map<string, string>; stale: Set<string> }> {
    const [claims, batches] = await Promise.all([this.stores.activeAddresses.listAll(), this.stores.batches.list()]);
    const activeIds = new Set(batches.filter((b) => isActiveBatchStatus(b.status)).map((b) => b.id));
    const active = new Map<string, string>();
    const stale = new Set<string>();
    for (const claim of claims) {
      if (claim.batchId === batchId) continue;
      if (activeIds.has(claim.batchId)) active.set(decodeURIComponent(claim.mailboxKey), claim.batchName);
      else stale.add(claim.batchId);
    }
    return { active, stale };
  }

  private async undo(batchId: string, keys: string[]): Promise<void> {
    await this.stores.mailboxSecrets.eraseBatch(batchId);
    await this.stores.mailboxes.deleteBatch(batchId);
    await this.stores.activeAddresses.releaseKeys(batchId, keys);
  }
}

function toMailbox(batchId: string, row: BatchCsvRow, now: string): MigrationMailbox {
  return newQueuedMailbox({
    batchId,
    mailboxKey: toMailboxKey(row.emailAddress),
    emailAddress: row.emailAddress,
    csvLine: row.line,
    now,
    hasPendingPassword: row.password !== undefined && row.password !== '',
    ...(row.userName !== undefined ? { userName: row.userName } : {}),
    ...(row.userRoot !== undefined ? { userRoot: row.userRoot } : {}),
    ...(row.forceChangePassword !== undefined ? { forceChangePassword: row.forceChangePassword } : {}),
    ...(row.usageLocation !== undefined ? { usageLocation: row.usageLocation } : {}),
  });
}

function passwordsOf(rows: BatchCsvRow[]): Map<string, string> {
  const passwords = new Map<string, string>();
  for (const row of rows) if (row.password) passwords.set(toMailboxKey(row.emailAddress), row.password);
  return passwords;
}

/** The batch's text settings read the one way (core/batch/batchSettings.ts), or every error in them. */
function readSettings(request: IntakeRequest): { notificationEmails: string[]; incrementalSyncIntervalHours: number } | { errors: IntakeError[] } {
  const errors: IntakeError[] = [];
  const notificationEmails = parseAddressList(request.notify);
  const invalid = invalidAddresses(notificationEmails);
  if (invalid.length > 0)
    errors.push({ code: 'InvalidNotificationEmail', field: 'notify', message: `Not email addresses: ${invalid.map((a) => `"${a}"`).join(', ')}.` });
  const interval = parseSyncIntervalHours(request.incrementalSyncIntervalHours);
  if (!interval.ok) errors.push({ code: 'InvalidSyncInterval', field: 'incrementalSyncIntervalHours', message: interval.message });
  if (errors.length > 0 || !interval.ok) return { errors };
  return { notificationEmails, incrementalSyncIntervalHours: interval.hours ?? DEFAULT_INCREMENTAL_SYNC_INTERVAL_HOURS };
}

function newBatch(
  id: string,
  request: IntakeRequest,
  settings: { notificationEmails: string[]; incrementalSyncIntervalHours: number },
  kind: MigrationBatch['kind'],
  endpoint: string,
  mailboxes: MigrationMailbox[],
): MigrationBatch {
  return {
    id,
    name: request.name.trim(),
    endpoint,
    kind,
    status: 'Created',
    mailboxCount: mailboxes.length,
    counts: countStatuses(mailboxes.map((m) => m.status)),
    notificationEmails: settings.notificationEmails,
    incrementalSyncIntervalHours: settings.incrementalSyncIntervalHours,
    autoStart: request.autoStart,
    source: request.source,
    createdAt: request.now,
    ...(request.usageLocation ? { usageLocation: request.usageLocation.toUpperCase() } : {}),
  };
}

function claimError(mailboxKey: string, batchName: string, mailboxes: MigrationMailbox[]) {
  const mailbox = mailboxes.find((m) => m.mailboxKey === mailboxKey);
  return {
    code: 'AddressInActiveBatch',
    line: mailbox?.csvLine,
    column: 'EmailAddress',
    message: `Line ${mailbox?.csvLine ?? '?'}: ${mailbox?.emailAddress ?? mailboxKey} is already in the active batch "${batchName}". A mailbox can be in only one active batch.`,
  };
}
