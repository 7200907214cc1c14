import type { GroupwareCollectionStore, GroupwareItemStore } from '../ports/groupwareStores';
import type { ActiveAddressStore } from '../ports/batchStores';
import type { BatchStore } from '../ports/batchStores';
import type { BatchCsvFiles } from '../ports/fileStores';
import type { FolderStateStore } from '../ports/copyStores';
import type { ItemMapStore } from '../ports/copyStores';
import type { ItemClaimStore } from '../ports/copyStores';
import type { CopyLeaseStore } from '../ports/copyStores';
import type { MailboxStore } from '../ports/batchStores';
import type { MailboxSecretStore } from '../ports/batchStores';
import type { StatusMailQueue } from '../ports/fileStores';
import type { ReportFiles } from '../ports/fileStores';
import type { SkippedItemStore } from '../ports/copyStores';
import type { ThroughputStore } from '../ports/copyStores';
import type { EndpointService } from '../endpointService';

/** The stores the migration steps read and write. */
export interface MigrationStores {
  endpoints: EndpointService;
  batches: BatchStore;
  mailboxes: MailboxStore;
  mailboxSecrets: MailboxSecretStore;
  activeAddresses: ActiveAddressStore;
  folderStates: FolderStateStore;
  itemMap: ItemMapStore;
  itemClaims: ItemClaimStore;
  copyLeases: CopyLeaseStore;
  skippedItems: SkippedItemStore;
  reports: ReportFiles;
  outbox: StatusMailQueue;
  csvBlobs: BatchCsvFiles;
  throughput: ThroughputStore;
  groupwareItems: GroupwareItemStore;
  groupwareCollections: GroupwareCollectionStore;
}
