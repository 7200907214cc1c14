import type { ActiveAddressStore, BatchStore, MailboxSecretStore, MailboxStore } from '../ports/batchStores';
import type { CopyLedgerStore } from '../ports/copyLedgerStore';
import type { BatchCsvFiles, ReportFiles, StatusMailQueue } from '../ports/fileStores';
import type { ThroughputStore } from '../ports/throughputStore';
import type { EndpointService } from '../endpointService';

/** The stores the migration steps read and write. */
export interface MigrationStores {
  endpoints: EndpointService;
  batches: BatchStore;
  mailboxes: MailboxStore;
  mailboxSecrets: MailboxSecretStore;
  activeAddresses: ActiveAddressStore;
  /** Every mailbox's copy state: its items, containers and lease (storage/copyLedgerRepository.ts). */
  ledger: CopyLedgerStore;
  reports: ReportFiles;
  outbox: StatusMailQueue;
  csvBlobs: BatchCsvFiles;
  throughput: ThroughputStore;
}
