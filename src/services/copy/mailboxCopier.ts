import type { Readable } from 'node:stream';
import { type CopyLimits, type SkippedItem } from '../../core/copy/copyLimits';
import { decideNextPage, type FolderCheckpoint } from '../../core/copy/folderCheckpoint';
import { contentKey, sourceMarker } from '../../core/copy/itemKeys';
import { MigrationError } from '../../core/errors/migrationError';
import { mapFolders } from '../../core/folders/mapFolders';
import { toTargetPathText } from '../../core/folders/targetFolderPath';
import { readHeaderSummary } from '../../core/mime/readHeaderSummary';
import type { MailSource, SourceFolder, SourceMessage } from '../../connectors/mailTypes';
import type { FolderStateRepository } from '../../storage/folderStateRepository';
import type { ItemMapEntry, ItemMapRepository } from '../../storage/itemMapRepository';
import type { SkippedItemRepository, StoredSkippedItem } from '../../storage/skippedItemRepository';
import { type CopyItem, type CopyTarget, type CreateOutcome, TargetPaused } from './copyTarget';

/** How long a create Graph did not confirm is left to finish on Graph's side before it is looked for. */
const UNCONFIRMED_SETTLE_MS = 10_000;

function later(current: string | undefined, candidate: string): string {
  return current === undefined || candidate > current ? candidate : current;
}

export interface MailboxRef { batchId: string; mailboxKey: string }

/** A folder to copy, as the orchestration sees it: ids and counts, no content. */
export interface FolderPlan {
  sourcePath: string;
  targetPath: string;
  messages: number;
}

export interface CopyPageResult {
  sourcePath: string;
  /** True when the folder has nothing more to copy right now. */
  done: boolean;
  /** Copies created by this page. */
  copied: number;
  /** Copies found already made (by an interrupted run, or before the folder was renumbered). */
  matched: number;
  skipped: number;
  bytes: number;
  lastCopiedUid: number;
  /**
   * When the target paused the copy (its budget is spent, or some creates were not confirmed and must be
   * looked for once they have settled): the folder goes on at this time (ISO), not before.
   */
  resumeAt?: string;
  /** Items skipped by this page, for statistics (details are in the skipped-items table). */
  skippedItems: SkippedItem[];
}

export interface CopierStores {
  folderStates: FolderStateRepository;
  itemMap: ItemMapRepository;
  skippedItems: SkippedItemRepository;
}

/**
 * Copies one mailbox from a source to a target, a bounded page at a time. Exactly once: every
 * source message (folder, UIDVALIDITY, UID) has an item-map entry, written `pending` before the
 * target is asked and `copied` after; a page that is run again skips what is settled and looks
 * for the marker of what was pending, so a crash anywhere creates no second copy.
 */
export class MailboxCopier {
  private folderCache: SourceFolder[] | undefined;

  constructor(
    private readonly mailbox: MailboxRef,
    private readonly source: MailSource,
    private readonly target: CopyTarget,
    private readonly stores: CopierStores,
    private readonly limits: CopyLimits,
  ) {}

  /** Lists the source folders, maps them to target folders and creates missing checkpoints. */
  async prepareFolders(): Promise<{ folders: FolderPlan[]; remaps: { sourcePath: string; targetPath: string; reason: string }[] }> {
    const folders = (await this.sourceFolders(true)).filter((f) => f.selectable);
    const map = mapFolders(folders);
    const existing = new Map((await this.stores.folderStates.list(this.mailbox.batchId, this.mailbox.mailboxKey)).map((c) => [c.sourcePath, c]));
    const plans: FolderPlan[] = [];
    for (const mapping of map.mappings) {
      if (!mapping.target) continue;
      const folder = folders.find((f) => f.path === mapping.sourcePath);
      if (!folder) continue;
      const targetPath = toTargetPathText(mapping.target);
      if (!existing.has(folder.path)) {
        await this.stores.folderStates.save(this.mailbox.batchId, this.mailbox.mailboxKey, newCheckpoint(folder, targetPath));
      }
      plans.push({ sourcePath: folder.path, targetPath, messages: folder.messages });
    }
    return { folders: plans, remaps: map.remaps };
  }

  /** Copies the next page of a folder and returns where the folder stands. */
  async copyPage(sourcePath: string): Promise<CopyPageResult> {
    let checkpoint = await this.requireCheckpoint(sourcePath);
    const folder = await this.source.folderStatus(sourcePath);
    const decision = decideNextPage(checkpoint, folder);
    if (decision.kind === 'uidValidityChanged') {
      checkpoint = decision.checkpoint;
      await this.saveCheckpoint(checkpoint);
    } else if (decision.kind === 'upToDate') {
      return pageResult(checkpoint, true, NOTHING, []);
    }
    const folderId = await this.targetFolderId(checkpoint);
    const messages = await this.readPage(sourcePath, checkpoint.lastCopiedUid + 1);
    if (messages.length === 0) {
      const settled = { ...checkpoint, lastCopiedUid: Math.max(checkpoint.lastCopiedUid, folder.uidNext - 1) };
      await this.saveCheckpoint(settled);
      return pageResult(settled, true, NOTHING, []);
    }
    const outcome = await this.copyMessages(checkpoint, folderId, messages);
    // Every UID up to the first one left open (deferred, or not confirmed) is settled.
    const open = outcome.firstOpenUid;
    const lastUid = open === undefined ? messages[messages.length - 1]!.uid : open - 1;
    const next: FolderCheckpoint = {
      ...checkpoint,
      lastCopiedUid: Math.max(checkpoint.lastCopiedUid, lastUid),
      copiedCount: checkpoint.copiedCount + outcome.copied + outcome.matched,
      skippedCount: checkpoint.skippedCount + outcome.skipped.length,
      bytesCopied: checkpoint.bytesCopied + outcome.bytes,
    };
    await this.saveCheckpoint(next);
    const result = pageResult(next, open === undefined && lastUid + 1 >= folder.uidNext, outcome, outcome.skipped);
    return outcome.resumeAt ? { ...result, resumeAt: outcome.resumeAt } : result;
  }

  /**
   * Applies source read/flagged changes to the copies. With CONDSTORE only messages changed since
   * the last sync are read; copies whose flags did not change cost no target request.
   */
  async syncFlags(sourcePath: string): Promise<{ updated: number }> {
    const checkpoint = await this.requireCheckpoint(sourcePath);
    const folder = await this.source.folderStatus(sourcePath);
    if (folder.uidValidity !== checkpoint.uidValidity || checkpoint.lastCopiedUid === 0) return { updated: 0 };
    if (folder.highestModseq && folder.highestModseq === checkpoint.flagsModseq) return { updated: 0 };
    const states = await this.source.fetchFlags(sourcePath, checkpoint.flagsModseq);
    const scope = this.stores.itemMap.scope(this.mailbox.batchId, this.mailbox.mailboxKey, sourcePath);
    const entries = new Map((await this.stores.itemMap.listGeneration(scope, checkpoint.uidValidity)).map((e) => [e.uid, e]));
    const changed: ItemMapEntry[] = [];
    for (const state of states) {
      const entry = entries.get(state.uid);
      if (!entry || entry.state !== 'copied' || !entry.targetId) continue;
      const flags = relevantFlags(state.flags);
      if (JSON.stringify(flags) !== entry.flagsJson) changed.push({ ...entry, flagsJson: JSON.stringify(flags) });
    }
    if (changed.length > 0) {
      const folderId = await this.targetFolderId(checkpoint);
      await this.target.setFlags(folderId, changed.map((e) => ({ targetId: e.targetId!, flags: JSON.parse(e.flagsJson) as string[] })));
      await this.stores.itemMap.putAll(scope, changed);
    }
    await this.saveCheckpoint({ ...checkpoint, ...(folder.highestModseq ? { flagsModseq: folder.highestModseq } : {}) });
    return { updated: changed.length };
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.source.close(), this.target.close()]);
  }

  private async copyMessages(checkpoint: FolderCheckpoint, folderId: string, messages: LoadedMessage[]) {
    const scope = this.stores.itemMap.scope(this.mailbox.batchId, this.mailbox.mailboxKey, checkpoint.sourcePath);
    const first = messages[0]!.uid;
    const last = messages[messages.length - 1]!.uid;
    const known = new Map((await this.stores.itemMap.listRange(scope, checkpoint.uidValidity, first, last)).map((e) => [e.uid, e]));
    const earlier = checkpoint.previousUidValidity ? await this.earlierCopies(scope, checkpoint.previousUidValidity) : new Map<string, ItemMapEntry[]>();
    const settled: ItemMapEntry[] = [];
    const skipped: SkippedItem[] = [];
    const toCreate: { item: CopyItem; entry: ItemMapEntry }[] = [];
    const openUids: number[] = [];
    let resumeAt: string | undefined;
    let bytes = 0;

    for (const message of messages) {
      const previous = known.get(message.uid);
      if (previous && previous.state !== 'pending') continue;
      if (resumeAt) {
        openUids.push(message.uid);
        continue;
      }
      const entry = this.newEntry(checkpoint, message);
      const item = this.toItem(checkpoint, message, entry.marker);
      if (message.oversized || message.size > this.limits.largeItemLimitBytes) {
        skipped.push(this.skip(checkpoint, message, 'TooLarge', `The item is ${message.size} bytes; the large-item limit is ${this.limits.largeItemLimitBytes} bytes.`, message.oversized?.subject));
        settled.push({ ...entry, state: 'skipped' });
        continue;
      }
      let found: string | undefined;
      try {
        found = earlier.get(entry.contentKey)?.shift()?.targetId ?? (previous ? await this.target.findExisting(folderId, item) : undefined);
      } catch (error) {
        if (!(error instanceof TargetPaused)) throw error;
        resumeAt = error.resumeAt.toISOString();
        openUids.push(message.uid);
        continue;
      }
      if (found) {
        settled.push({ ...entry, state: 'copied', targetId: found });
        continue;
      }
      toCreate.push({ item, entry });
    }

    await this.stores.itemMap.putAll(scope, toCreate.map((c) => c.entry));
    const matched = settled.filter((e) => e.state === 'copied').length;
    const neverSent: ItemMapEntry[] = [];
    let copied = 0;
    for (let start = 0; start < toCreate.length; start += this.target.preferredBatchSize) {
      const chunk = toCreate.slice(start, start + this.target.preferredBatchSize);
      const outcomes = resumeAt ? chunk.map((): CreateOutcome => ({ ok: false, reason: 'Deferred', resumeAt: resumeAt! })) : await this.target.createItems(folderId, chunk.map((c) => c.item));
      outcomes.forEach((outcome, i) => {
        const { item, entry } = chunk[i]!;
        if (outcome.ok) {
          settled.push({ ...entry, state: 'copied', targetId: outcome.targetId });
          copied += 1;
          bytes += item.size;
        } else if (outcome.reason === 'Deferred') {
          neverSent.push(entry);
          openUids.push(item.uid);
          resumeAt = later(resumeAt, outcome.resumeAt);
        } else if (outcome.reason === 'Unknown') {
          // Stays pending: the next page looks for it by its marker, once Graph has had time to finish.
          openUids.push(item.uid);
          resumeAt = later(resumeAt, new Date(Date.now() + UNCONFIRMED_SETTLE_MS).toISOString());
        } else {
          settled.push({ ...entry, state: 'skipped' });
          skipped.push(this.skip(checkpoint, { uid: item.uid, size: item.size, raw: item.raw }, outcome.reason, outcome.detail, outcome.subject));
        }
      });
    }
    await this.stores.itemMap.putAll(scope, settled);
    if (neverSent.length > 0) await this.stores.itemMap.deleteAll(scope, neverSent);
    await this.recordSkipped(checkpoint, skipped);
    const firstOpenUid = openUids.length > 0 ? Math.min(...openUids) : undefined;
    return { copied, matched, skipped, bytes, firstOpenUid, resumeAt };
  }

  private async recordSkipped(checkpoint: FolderCheckpoint, skipped: SkippedItem[]): Promise<void> {
    if (skipped.length === 0) return;
    const stored: StoredSkippedItem[] = skipped.map((s) => ({ ...s, mailboxKey: this.mailbox.mailboxKey, uidValidity: checkpoint.uidValidity }));
    await this.stores.skippedItems.putAll(this.mailbox.batchId, stored);
    const all = await this.stores.skippedItems.listBatch(this.mailbox.batchId);
    const bad = all.filter((s) => s.mailboxKey === this.mailbox.mailboxKey && s.reason !== 'TooLarge').length;
    if (bad > this.limits.badItemLimit) {
      throw new MigrationError('BadItemLimitExceeded', `${bad} items could not be copied, more than the bad-item limit of ${this.limits.badItemLimit}. See the errors report.`);
    }
  }

  /** Copies made under the folder's previous UIDVALIDITY, by content, to be matched instead of copied again. */
  private async earlierCopies(scope: string, uidValidity: string): Promise<Map<string, ItemMapEntry[]>> {
    const byContent = new Map<string, ItemMapEntry[]>();
    for (const entry of await this.stores.itemMap.listGeneration(scope, uidValidity)) {
      if (entry.state !== 'copied') continue;
      byContent.set(entry.contentKey, [...(byContent.get(entry.contentKey) ?? []), entry]);
    }
    return byContent;
  }

  private newEntry(checkpoint: FolderCheckpoint, message: LoadedMessage): ItemMapEntry {
    return {
      uidValidity: checkpoint.uidValidity,
      uid: message.uid,
      state: 'pending',
      contentKey: contentKey(message.raw),
      marker: sourceMarker(this.mailbox.batchId, this.mailbox.mailboxKey, checkpoint.sourcePath, checkpoint.uidValidity, message.uid),
      size: message.size,
      flagsJson: JSON.stringify(relevantFlags(message.flags)),
    };
  }

  private toItem(_checkpoint: FolderCheckpoint, message: LoadedMessage, marker: string): CopyItem {
    return { uid: message.uid, raw: message.raw, flags: message.flags, internalDate: message.internalDate, size: message.size, marker };
  }

  private skip(checkpoint: FolderCheckpoint, message: { uid: number; size: number; raw: Buffer }, reason: SkippedItem['reason'], detail: string, subject?: string): SkippedItem {
    return { sourcePath: checkpoint.sourcePath, uid: message.uid, subject: subject ?? readHeaderSummary(message.raw).subject, size: message.size, reason, detail };
  }

  private async readPage(sourcePath: string, fromUid: number): Promise<LoadedMessage[]> {
    const page: LoadedMessage[] = [];
    const selection = { uidFrom: fromUid };
    const limits = { maxBytes: this.limits.pageMaxBytes, maxCount: this.limits.pageMaxCount, skipContentOverBytes: this.limits.largeItemLimitBytes };
    for await (const message of this.source.fetchMessages(sourcePath, selection, limits)) {
      page.push({ ...message, raw: await toBuffer(message.source) });
    }
    return page.sort((a, b) => a.uid - b.uid);
  }

  private async targetFolderId(checkpoint: FolderCheckpoint): Promise<string> {
    if (checkpoint.targetFolderId) return checkpoint.targetFolderId;
    const folders = await this.sourceFolders(false);
    const map = mapFolders(folders.filter((f) => f.selectable));
    const target = map.mappings.find((m) => m.sourcePath === checkpoint.sourcePath)?.target;
    if (!target) throw new MigrationError('FolderNotMapped', `The source folder "${checkpoint.sourcePath}" has no target folder.`);
    const id = await this.target.ensureFolder(target);
    checkpoint.targetFolderId = id;
    await this.saveCheckpoint(checkpoint);
    return id;
  }

  private async requireCheckpoint(sourcePath: string): Promise<FolderCheckpoint> {
    const checkpoint = await this.stores.folderStates.get(this.mailbox.batchId, this.mailbox.mailboxKey, sourcePath);
    if (!checkpoint) throw new MigrationError('FolderNotPrepared', `The folder "${sourcePath}" was not prepared: run prepareFolders first.`);
    return checkpoint;
  }

  private saveCheckpoint(checkpoint: FolderCheckpoint): Promise<void> {
    return this.stores.folderStates.save(this.mailbox.batchId, this.mailbox.mailboxKey, checkpoint);
  }

  private async sourceFolders(refresh: boolean): Promise<SourceFolder[]> {
    if (refresh || !this.folderCache) this.folderCache = await this.source.listFolders();
    return this.folderCache;
  }
}

type LoadedMessage = Omit<SourceMessage, 'source'> & { raw: Buffer };

/** Only these flags have a meaning on the target: read and flagged (and answered, for IMAP). */
function relevantFlags(flags: string[]): string[] {
  return flags.filter((f) => ['\\Seen', '\\Flagged', '\\Answered'].includes(f)).sort();
}

/**
 * A folder's first checkpoint. Its flag watermark is the folder's HIGHESTMODSEQ before any message
 * is read: every copy carries the flags it had when read, and any change after the watermark has
 * a higher MODSEQ (RFC 7162), so the first flag sync asks only for those instead of every message.
 */
function newCheckpoint(folder: SourceFolder, targetPath: string): FolderCheckpoint {
  return {
    sourcePath: folder.path, uidValidity: folder.uidValidity, lastCopiedUid: 0, targetPath, copiedCount: 0, skippedCount: 0, bytesCopied: 0,
    ...(folder.highestModseq ? { flagsModseq: folder.highestModseq } : {}),
  };
}

const NOTHING = { copied: 0, matched: 0, bytes: 0 };

function pageResult(checkpoint: FolderCheckpoint, done: boolean, counts: { copied: number; matched: number; bytes: number }, skippedItems: SkippedItem[]): CopyPageResult {
  return { sourcePath: checkpoint.sourcePath, done, copied: counts.copied, matched: counts.matched, skipped: skippedItems.length, bytes: counts.bytes, lastCopiedUid: checkpoint.lastCopiedUid, skippedItems };
}

async function toBuffer(source: Buffer | Readable): Promise<Buffer> {
  if (Buffer.isBuffer(source)) return source;
  const chunks: Buffer[] = [];
  for await (const chunk of source) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}
