import { MigrationError, toErrorMessage } from '../../../core/errors/migrationError';
import type { GroupwareKind } from '../../../core/groupware/groupwareKind';
import { emptyCounts, type ContainerState } from '../../../core/ledger/containerState';
import { collectionKey, containerRowKey } from '../../../core/ledger/ledgerKeys';
import type { GroupwareTarget } from '../../ports/groupwareTarget';
import { type ItemCollection, type ItemSource } from '../../ports/itemSource';
import type { DiscoveredContainer, ItemAdapter, PageContext } from '../itemAdapter';
import { CollectionWork, type GroupwareMapper } from './collectionWork';
import { ItemSourceErrorCode } from '../../../core/errors/migrationErrorCode';

/**
 * Contacts' and events' item adapter: a source's address books and calendars (CardDAV and CalDAV today),
 * read in pages driven by the collection's sync token (RFC 6578), mapped to Microsoft Graph contacts and
 * events (core/groupware), and copied without attendees so no invitation is sent.
 */
export class GroupwareAdapter implements ItemAdapter {
  readonly types = ['contact', 'event'] as const;

  constructor(
    private readonly source: ItemSource,
    private readonly target: GroupwareTarget,
    private readonly map: GroupwareMapper,
  ) {}

  async discover(): Promise<DiscoveredContainer[]> {
    return (await this.source.listCollections()).map((collection) => {
      // By its path, not its URL: the same collection under another host name is the same collection.
      const key = containerRowKey(collection.kind, collectionKey(collection.id));
      return {
        key,
        type: collection.kind,
        sourceId: collection.id,
        displayName: collection.displayName,
        ...(collection.primary ? { primary: true } : {}),
        ...(collection.timeZone ? { timeZone: collection.timeZone } : {}),
        first: () => firstState(key, collection),
      };
    });
  }

  async open(container: ContainerState, page: PageContext): Promise<CollectionWork> {
    const kind = container.type as GroupwareKind;
    const collection: ItemCollection = {
      id: container.sourceId,
      kind,
      displayName: container.displayName,
      ...(container.primary ? { primary: true } : {}),
      ...(container.timeZone ? { timeZone: container.timeZone } : {}),
    };
    const targetId = container.targetId ?? (await this.target.ensureCollection(kind, container.displayName, container.primary === true));
    return CollectionWork.open(container, collection, targetId, this.source, this.target, this.map, page);
  }

  /** An address book or calendar the source or target refuses for good is reported; the others go on. */
  failed(container: ContainerState, error: unknown, pass: string): ContainerState | undefined {
    if (!(error instanceof MigrationError) || error.errorClass !== 'permanent') return undefined;
    // A refused login or a URL that leads nowhere is the mailbox's problem, not one collection's.
    if (error.code === ItemSourceErrorCode.SourceAuthFailed || error.code === ItemSourceErrorCode.InvalidUrl) return undefined;
    return { ...container, failed: { pass, detail: toErrorMessage(error) } };
  }
}

function firstState(key: string, collection: ItemCollection): ContainerState {
  return {
    key,
    type: collection.kind,
    sourceId: collection.id,
    displayName: collection.displayName,
    order: 0,
    ...(collection.primary ? { primary: true } : {}),
    ...(collection.timeZone ? { timeZone: collection.timeZone } : {}),
    counts: emptyCounts(),
    dav: {},
  };
}
