import type { MailboxStatusCounts } from '../../core/mailbox/mailboxStatus';
import type { MigrationBatch } from '../../core/batch/migrationBatch';
import type { MigrationEndpoint } from '../../core/endpoint/migrationEndpoint';
import type { MigrationMailbox } from '../../core/mailbox/migrationMailbox';

export interface StoredBatch {
  batch: MigrationBatch;
  /** The row's ETag: pass it back to `update` so a concurrent change is not overwritten. */
  etag: string;
}

/** What the services need of the BatchRepository (storage/batchRepository.ts). */
export interface BatchStore {
  /** Creates the batch; a ConcurrencyError when its id is taken. */
  create(batch: MigrationBatch): Promise<void>;
  get(id: string): Promise<StoredBatch | undefined>;
  list(): Promise<MigrationBatch[]>;
  /** Replaces the row if it still has `etag`; otherwise a ConcurrencyError. Returns the new ETag. */
  update(batch: MigrationBatch, etag: string): Promise<string>;
  delete(id: string): Promise<void>;
}

export interface StoredMailbox {
  mailbox: MigrationMailbox;
  etag: string;
}

export interface MailboxPage {
  mailboxes: MigrationMailbox[];
  /** Pass back to get the next page; absent on the last page. */
  continuationToken?: string;
}

/** What the services need of the MailboxRepository (storage/mailboxRepository.ts). */
export interface MailboxStore {
  /**
   * Writes a batch's mailbox rows in entity-group transactions of at most 100. Upserts, so an
   * intake that is run again after a crash writes the same rows, not a second set.
   */
  insertAll(mailboxes: MigrationMailbox[]): Promise<void>;
  get(batchId: string, mailboxKey: string): Promise<StoredMailbox | undefined>;
  /** One page of a batch's mailboxes, in key order. */
  listPage(batchId: string, pageSize: number, continuationToken?: string): Promise<MailboxPage>;
  listAll(batchId: string): Promise<StoredMailbox[]>;
  /**
   * The batch's mailboxes counted by status, read now: one partition query that brings back only
   * the status column (a 2,000-mailbox batch is two pages of 1,000). Nothing is stored, so the
   * counts can never fall behind the rows.
   */
  countStatuses(batchId: string): Promise<MailboxStatusCounts>;
  /** Replaces the row if it still has `etag`; otherwise a ConcurrencyError. Returns the new ETag. */
  update(mailbox: MigrationMailbox, etag: string): Promise<string>;
  /**
   * Writes these fields over the row whatever else changed (Merge): for values computed whole from elsewhere
   * (the copy's statistics), never for a status. A field set to undefined is written empty.
   */
  mergeFields(batchId: string, mailboxKey: string, fields: Partial<Omit<MigrationMailbox, 'batchId' | 'mailboxKey' | 'status'>>): Promise<void>;
  deleteBatch(batchId: string): Promise<void>;
}

/** What the services need of the MailboxSecretRepository (storage/mailboxSecretRepository.ts). */
export interface MailboxSecretStore {
  putAll(batchId: string, passwords: ReadonlyMap<string, string>): Promise<void>;
  /** The password, or undefined when none is kept (never given, or already used and erased). */
  read(batchId: string, mailboxKey: string): Promise<string | undefined>;
  erase(batchId: string, mailboxKey: string): Promise<void>;
  eraseBatch(batchId: string): Promise<void>;
}

export interface AddressClaim {
  mailboxKey: string;
  batchId: string;
  batchName: string;
}

/** What the services need of the ActiveAddressRepository (storage/activeAddressRepository.ts). */
export interface ActiveAddressStore {
  listAll(): Promise<AddressClaim[]>;
  /**
   * Claims every key for the batch. Keys held by the same batch (a re-run) or by a batch in
   * `reclaimable` (one that is no longer active) are taken over. Returns the keys held by
   * another batch; when there are any, this call's own claims are released again.
   */
  claimAll(batchId: string, batchName: string, keys: string[], reclaimable: ReadonlySet<string>): Promise<AddressClaim[]>;
  /** Frees the batch's claims on these keys (claims held by other batches are left alone). */
  releaseKeys(batchId: string, keys: string[]): Promise<void>;
}

/** What the services need of the EndpointRepository (storage/endpointRepository.ts). */
export interface EndpointStore {
  /** Creates the endpoint; a ConcurrencyError when one with that name exists. */
  create(endpoint: MigrationEndpoint): Promise<void>;
  /**
   * The endpoint, or undefined. A name no endpoint can have (a blob path or a query value with `#`,
   * `/` or control characters, which Table Storage refuses in keys) is simply not found.
   */
  get(name: string): Promise<MigrationEndpoint | undefined>;
  /** Points the endpoint at another password secret; the row must exist. */
  setPasswordSecretRef(name: string, passwordSecretRef: string): Promise<void>;
  delete(name: string): Promise<void>;
  list(): Promise<MigrationEndpoint[]>;
}
