import { MigrationError, toErrorMessage } from '../../../core/errors/migrationError';
import { emptyCounts, type ContainerState } from '../../../core/ledger/containerState';
import { containerRowKey, folderKey } from '../../../core/ledger/ledgerKeys';
import { mapFolders } from '../../../core/folders/mapFolders';
import { toTargetPathText } from '../../../core/folders/targetFolderPath';
import { type MailSource, type SourceFolder } from '../../ports/mailSource';
import type { CopyTarget } from '../../ports/copyTarget';
import type { DiscoveredContainer, ItemAdapter, PageContext } from '../itemAdapter';
import { MailFolderWork } from './mailFolderWork';
import { MailErrorCode } from '../../../core/errors/migrationErrorCode';

/** Remaps the folders had to get, and folders re-created because the user deleted them in the target. */
export interface FolderRemap {
  sourcePath: string;
  targetPath: string;
  reason: string;
}

/** The remap reason of a target folder made again because the user deleted it. */
export const RECREATED_FOLDER = 'The target folder had been deleted in the target mailbox and was created again; items copied into it before are not restored.';

/**
 * Mail's item adapter: an IMAP source's folders, read in UID pages, copied to Microsoft 365 or an IMAP
 * target. Messages are known by their bytes (core/ledger/mailOccurrences.ts); a folder's checkpoint is its
 * UIDVALIDITY and the last UID settled; read and flagged changes follow each pass.
 */
export class MailAdapter implements ItemAdapter {
  readonly types = ['mail'] as const;
  /** Remaps of the last listing, and folders re-created since: the errors report lists them. */
  readonly remaps: FolderRemap[] = [];
  private folders: SourceFolder[] | undefined;

  constructor(
    private readonly source: MailSource,
    private readonly target: CopyTarget,
  ) {}

  async discover(): Promise<DiscoveredContainer[]> {
    const folders = (await this.listFolders(true)).filter((f) => f.selectable);
    const map = mapFolders(folders);
    this.remaps.push(...map.remaps);
    const found: DiscoveredContainer[] = [];
    for (const mapping of map.mappings) {
      const folder = folders.find((f) => f.path === mapping.sourcePath);
      if (!mapping.target || !folder) continue;
      const targetPath = toTargetPathText(mapping.target);
      const key = containerRowKey('mail', folderKey(folder.path));
      found.push({
        key,
        type: 'mail',
        sourceId: folder.path,
        displayName: folder.path,
        targetPath,
        sourceItems: folder.messages,
        first: () => firstState(key, folder, targetPath),
      });
    }
    return found;
  }

  async open(container: ContainerState, page: PageContext): Promise<MailFolderWork> {
    const status = await this.source.folderStatus(container.sourceId);
    const targetFolderId = container.targetId ?? (await this.ensureTargetFolder(container));
    return new MailFolderWork(container, status, targetFolderId, this.source, this.target, page, {
      recreateTarget: () => this.recreateTargetFolder(container),
    });
  }

  failed(container: ContainerState, error: unknown, pass: string): ContainerState | undefined {
    if (!isFolderProblem(error)) return undefined;
    const deleted = error instanceof MigrationError && error.code === MailErrorCode.FolderNotFound;
    const detail = deleted
      ? `The source folder was deleted during the sync; ${container.counts.copied} items copied from it before are kept.`
      : toErrorMessage(error);
    return { ...container, ...(deleted ? { gone: true } : {}), failed: { pass, detail } };
  }

  private async ensureTargetFolder(container: ContainerState): Promise<string> {
    const folders = (await this.listFolders(false)).filter((f) => f.selectable);
    const target = mapFolders(folders).mappings.find((m) => m.sourcePath === container.sourceId)?.target;
    if (!target) throw new MigrationError('FolderNotMapped', `The source folder "${container.sourceId}" has no target folder.`);
    return this.target.ensureFolder(target);
  }

  /** The user deleted the target folder: it is made again (and reported), rather than every new item skipped. */
  private async recreateTargetFolder(container: ContainerState): Promise<string> {
    const id = await this.ensureTargetFolder(container);
    this.remaps.push({ sourcePath: container.sourceId, targetPath: container.targetPath ?? container.sourceId, reason: RECREATED_FOLDER });
    return id;
  }

  private async listFolders(refresh: boolean): Promise<SourceFolder[]> {
    if (refresh || !this.folders) this.folders = await this.source.listFolders();
    return this.folders;
  }
}

/**
 * A folder's first checkpoint. Its flag watermark is the folder's HIGHESTMODSEQ before any message is
 * read: every copy carries the flags it had when read, and any change after the watermark has a higher
 * MODSEQ (RFC 7162), so the first flag sync asks only for those.
 */
function firstState(key: string, folder: SourceFolder, targetPath: string): ContainerState {
  return {
    key,
    type: 'mail',
    sourceId: folder.path,
    displayName: folder.path,
    targetPath,
    order: 0,
    counts: { ...emptyCounts(), sourceItems: folder.messages },
    mail: { uidValidity: folder.uidValidity, lastUid: 0, ...(folder.highestModseq ? { flagsModseq: folder.highestModseq } : {}) },
  };
}

/** Failures of one folder that retrying will not fix: the folder is reported and the mailbox goes on. */
function isFolderProblem(error: unknown): boolean {
  if (!(error instanceof MigrationError) || error.errorClass !== 'permanent') return false;
  return [MailErrorCode.FolderNotFound, MailErrorCode.FolderStatusIncomplete, MailErrorCode.CommandRejected, 'FolderNotMapped', 'TargetFolderRefused'].includes(
    error.code,
  );
}
