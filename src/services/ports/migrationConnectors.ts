import type { MigrationEndpoint } from '../../core/endpoint/migrationEndpoint';
import type { MigrationMailbox } from '../../core/mailbox/migrationMailbox';
import type { OnPremisesDirectory } from './onPremisesDirectory';
import type { CopyTarget } from './copyTarget';
import type { GroupwareTarget } from './groupwareTarget';
import type { ItemSource } from './itemSource';
import type { MailSource } from './mailSource';
import type { Tenant } from './tenant';

/** Passwords a mailbox's copy may need, read when the connection is made and not kept. */
export interface MailboxCredentials {
  endpointPassword?: string;
  /** The IMAP migration CSV's password for this row. */
  rowPassword?: string;
}

/**
 * The connections a migration step needs: the legacy source, the target mailbox, the tenant and the
 * on-premises directory. Built from the settings by the composition root (composition/connectorFactory.ts).
 */
export interface MigrationConnectors {
  openSource(endpoint: MigrationEndpoint, mailbox: MigrationMailbox, credentials: MailboxCredentials): Promise<MailSource>;
  openTarget(mailbox: MigrationMailbox): Promise<CopyTarget>;
  /** The tenant, when the target is Microsoft 365 (Graph settings given). */
  tenant(): Tenant | undefined;
  /** The on-premises directory, when one is configured. */
  directory(): OnPremisesDirectory | undefined;
  /** The mailbox's address books and calendars at the endpoint's DAV URL (the endpoint has one). */
  openItemSource(endpoint: MigrationEndpoint, mailbox: MigrationMailbox, credentials: MailboxCredentials): ItemSource;
  /** Where contacts and calendars go: Microsoft 365 only (an IMAP target has none). */
  groupwareTarget(mailbox: MigrationMailbox): GroupwareTarget | undefined;
}
