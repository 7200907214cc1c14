import { MIGRATING_BATCH_STATUSES } from '../src/core/batch/batchStatusGroups';
import { IN_FLIGHT_MAILBOX_STATUSES as CORE_IN_FLIGHT_MAILBOX_STATUSES } from '../src/core/mailbox/mailboxStatusGroups';

/**
 * The shapes the API answers with, as far as the CLI reads them (see `src/core/api/openApiDocument.ts`).
 * Declared here rather than imported from `src/` so the CLI stays a plain HTTP client; only the
 * status groups come from core, so the CLI, the dashboard and the app group statuses alike.
 */
export interface EndpointView {
  name: string;
  sourceKind: string;
  host: string;
  port: number;
  security: string;
  adminUserName?: string;
  adminLoginFormat?: string;
  /** The CalDAV/CardDAV URL template (`https://host/dav/{user}/`) when contacts and calendars move too. */
  davUrl?: string;
  /** What the endpoint moves: mail, and contacts and calendars when it has a davUrl. */
  itemTypes?: string[];
  hasPassword: boolean;
  maxConcurrentMigrations: number;
  maxConcurrentIncrementalSyncs: number;
  createdAt: string;
}

export interface BatchView {
  id: string;
  name: string;
  endpoint: string;
  kind: string;
  status: string;
  statusDetail?: string;
  mailboxCount: number;
  counts: Record<string, number>;
  notificationEmails: string[];
  incrementalSyncIntervalHours: number;
  autoStart: boolean;
  createdAt: string;
  startedAt?: string;
  syncedAt?: string;
  completedAt?: string;
}

export interface MailboxView {
  emailAddress: string;
  status: string;
  statusDetail?: string;
  syncedItemCount: number;
  skippedItemCount: number;
  totalItemsInSourceMailbox: number;
  /** Contacts and calendar items by type after the last groupware sync; absent when the endpoint moves mail only. */
  contactsSynced?: number;
  contactsSkipped?: number;
  contactsTotal?: number;
  eventsSynced?: number;
  eventsSkipped?: number;
  eventsTotal?: number;
  bytesTransferred: number;
  percentageComplete: number;
  error?: string;
}

export interface ListAnswer<T> {
  value: T[];
  nextLink?: string;
}

/** Statuses in which a batch is still working on its own; `status --watch` stops when it leaves them. */
export const RUNNING_BATCH_STATUSES: readonly string[] = MIGRATING_BATCH_STATUSES;

/** Mailbox statuses that mean work in flight (shown with a bar each by `status --watch`). */
export const IN_FLIGHT_MAILBOX_STATUSES: readonly string[] = CORE_IN_FLIGHT_MAILBOX_STATUSES;
