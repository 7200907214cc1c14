import type { ActiveAddressRepository } from '../../storage/activeAddressRepository';
import type { BatchRepository } from '../../storage/batchRepository';
import type { CsvBlobStore } from '../../storage/csvBlobStore';
import type { FolderStateRepository } from '../../storage/folderStateRepository';
import type { ItemMapRepository } from '../../storage/itemMapRepository';
import type { ItemClaimRepository } from '../../storage/itemClaimRepository';
import type { CopyLeaseRepository } from '../../storage/copyLeaseRepository';
import type { MailboxRepository } from '../../storage/mailboxRepository';
import type { MailboxSecretRepository } from '../../storage/mailboxSecretRepository';
import type { NotificationOutbox } from '../../storage/notificationOutbox';
import type { ReportStore } from '../../storage/reportStore';
import type { SkippedItemRepository } from '../../storage/skippedItemRepository';
import type { ThroughputRepository } from '../../storage/throughputRepository';
import type { EndpointService } from '../endpointService';

/** The stores the migration steps read and write. */
export interface MigrationStores {
  endpoints: EndpointService;
  batches: BatchRepository;
  mailboxes: MailboxRepository;
  mailboxSecrets: MailboxSecretRepository;
  activeAddresses: ActiveAddressRepository;
  folderStates: FolderStateRepository;
  itemMap: ItemMapRepository;
  itemClaims: ItemClaimRepository;
  copyLeases: CopyLeaseRepository;
  skippedItems: SkippedItemRepository;
  reports: ReportStore;
  outbox: NotificationOutbox;
  csvBlobs: CsvBlobStore;
  throughput: ThroughputRepository;
}
