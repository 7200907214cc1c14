import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { type CopyLimits, isRetryableSkip, type SkippedItem, type SkipReason } from '../../core/copy/copyLimits';
import { decideNextPage, type FolderCheckpoint } from '../../core/copy/folderCheckpoint';
import type { ItemOwner } from '../../core/copy/itemClaims';
import { contentKey, folderKey, itemMarker } from '../../core/copy/itemKeys';
import { MigrationError, toErrorMessage } from '../../core/errors/migrationError';
import { mapFolders } from '../../core/folders/mapFolders';
import { toTargetPathText } from '../../core/folders/targetFolderPath';
import { readHeaderSummary } from '../../core/mime/readHeaderSummary';
import type { CopyPageSummary, FolderPlan, MailboxRef } from '../../core/migration/stepResults';
import { MailErrorCode, type MailSource, type SourceFolder, type SourceMessage, type UidSelection } from '../ports/mailSource';
import type { FolderStateStore } from '../ports/copyStores';
import type { ItemClaimStore } from '../ports/copyStores';
import type { ItemMapStore } from '../ports/copyStores';
import type { ItemMapEntry } from '../ports/copyStores';
import type { SkippedItemStore } from '../ports/copyStores';
import type { StoredSkippedItem } from '../ports/copyStores';
import { type CopyItem, type CopyTarget, type CreateOutcome, type FlagChange, TargetPaused } from '../ports/copyTarget';
import { flagChange, relevantFlags } from './flagChanges';
import { type ClaimedItem, ItemClaimer, type Settlement } from './itemClaimer';

/** How often, and how far apart, a run that lost an item to another run looks whether that run has settled it. */
const EXTRA_COPY_LOOKS = 10;
const EXTRA_COPY_LOOK_MS = 1_000;

/** How long a create the target did not confirm is left to finish on its side before it is looked for. */
const UNCONFIRMED_SETTLE_MS = 10_000;

function later(current: string | undefined, candidate: string): string {
  return current === undefined || candidate > current ? candidate : current;
}

/** A page's summary, with the items it skipped for statistics (details are in the skipped-items table). */
export interface CopyPageResult extends CopyPageSummary {
  skippedItems: SkippedItem[];
}

export interface CopierStores {
  folderStates: FolderStateStore;
  itemMap: ItemMapStore;
  itemClaims: ItemClaimStore;
  skippedItems: SkippedItemStore;
}

export interface CopierRun {
  /** The pass (its start time): skips the target caused are tried again, and bad items counted, once per pass. */
  pass: string;
  /** Throws when this run no longer holds the mailbox's copy lease: a checkpoint is only written by its holder. */
  assertLeaseHeld(): Promise<void>;
}

/** The remap reason of a target folder made again because the user deleted it. */
export const RECREATED_FOLDER = 'The target folder had been deleted in the target mailbox and was created again; items copied into it before are not restored.';

/** Remaps the folders had to get, and folders re-created because the user deleted them in the target. */
export interface FolderRemap {
  sourcePath: string;
  targetPath: string;
  reason: string;
}

/**
 * Copies one mailbox from a source to a target, a bounded page at a time, exactly once.
 *
 * - Every item is known by its bytes (its claim, itemClaimer.ts), so a crash, a rerun of the same page,
 *   a folder renamed or renumbered on the source, a message moved between folders or the mailbox added
 *   again to another batch never makes a second copy: the copy made before is found (by its marker),
 *   moved, or left deleted if the user deleted it.
 * - An item's claim is written before the target is asked, and settled after; a checkpoint only moves
 *   past UIDs that are copied, skipped with a reason, or deleted on the source, and only with its ETag.
 * - One bad item is skipped with its reason; one bad folder is reported and the others go on.
 */
export class MailboxCopier {
  private folderCache: SourceFolder[] | undefined;
  private readonly claimer: ItemClaimer;
  private etag = '';
  readonly remaps: FolderRemap[] = [];

  constructor(
    private readonly mailbox: MailboxRef,
    private readonly source: MailSource,
    private readonly target: CopyTarget,
    private readonly stores: CopierStores,
    private readonly limits: CopyLimits,
    private readonly run: CopierRun = { pass: 'single', assertLeaseHeld: () => Promise.resolve() },
  ) {
    this.claimer = new ItemClaimer(stores.itemClaims, source, mailbox.mailboxKey, randomUUID());
  }

  /** Lists the source folders, maps them to target folders and creates missing checkpoints. */
  async prepareFolders(): Promise<{ folders: FolderPlan[]; remaps: FolderRemap[]; alreadySettled: { copied: number; skipped: number; bytes: number } }> {
    const folders = (await this.sourceFolders(true)).filter((f) => f.selectable);
    const map = mapFolders(folders);
    const existing = new Map((await this.stores.folderStates.list(this.mailbox.mailboxKey)).map((c) => [c.sourcePath, c]));
    const plans: FolderPlan[] = [];
    const alreadySettled = { copied: 0, skipped: 0, bytes: 0 };
    for (const mapping of map.mappings) {
      if (!mapping.target) continue;
      const folder = folders.find((f) => f.path === mapping.sourcePath);
      if (!folder) continue;
      const targetPath = toTargetPathText(mapping.target);
      const known = existing.get(folder.path);
      if (!known) {
        await this.stores.folderStates.create(this.mailbox.mailboxKey, newCheckpoint(folder, targetPath));
      } else {
        alreadySettled.copied += known.copiedCount;
        alreadySettled.skipped += known.skippedCount;
        alreadySettled.bytes += known.bytesCopied;
        // A folder deleted on the source and made again is copied again (its items are matched by content).
        if (known.gone) await this.reviveFolder(folder.path);
      }
      plans.push({ sourcePath: folder.path, targetPath, messages: folder.messages });
    }
    return { folders: plans, remaps: map.remaps, alreadySettled };
  }

  /** Copies the next page of a folder and returns where the folder stands. */
  async copyPage(sourcePath: string): Promise<CopyPageResult> {
    let checkpoint = await this.requireCheckpoint(sourcePath);
    if (checkpoint.gone) return pageResult(checkpoint, true, NOTHING, []);
    let folder;
    try {
      folder = await this.source.folderStatus(sourcePath);
    } catch (error) {
      return this.unlessFolderFailed(checkpoint, error);
    }
    const decision = decideNextPage(checkpoint, folder);
    if (decision.kind === 'uidValidityChanged') {
      checkpoint = decision.checkpoint;
      await this.saveCheckpoint(checkpoint);
    }
    let folderId: string;
    try {
      folderId = await this.targetFolderId(checkpoint);
    } catch (error) {
      return this.unlessFolderFailed(checkpoint, error);
    }
    if (checkpoint.retriedPass !== this.run.pass) {
      const retried = await this.retrySkipped(checkpoint, folderId);
      if (retried) return retried;
      checkpoint = { ...checkpoint, retriedPass: this.run.pass };
      if (decision.kind === 'upToDate') await this.saveCheckpoint(checkpoint);
    }
    if (decision.kind === 'upToDate') return pageResult(checkpoint, true, NOTHING, []);

    const messages = await this.readPage(sourcePath, { uidFrom: checkpoint.lastCopiedUid + 1 });
    if (messages.length === 0) {
      // No message at or above that UID exists: every UID below UIDNEXT (read before the search) was expunged.
      const settled = { ...checkpoint, lastCopiedUid: Math.max(checkpoint.lastCopiedUid, folder.uidNext - 1) };
      await this.saveCheckpoint(settled);
      return pageResult(settled, true, NOTHING, []);
    }
    const outcome = await this.copyMessages(checkpoint, folderId, messages, await this.knownEntries(checkpoint, messages));
    // Every UID up to the first one left open (deferred, or not confirmed) is settled.
    const open = outcome.firstOpenUid;
    const lastUid = open === undefined ? messages[messages.length - 1]!.uid : open - 1;
    const next: FolderCheckpoint = {
      ...outcome.checkpoint,
      lastCopiedUid: Math.max(checkpoint.lastCopiedUid, lastUid),
      copiedCount: checkpoint.copiedCount + outcome.copied + outcome.matched,
      skippedCount: checkpoint.skippedCount + outcome.skipped.length,
      bytesCopied: checkpoint.bytesCopied + outcome.bytes,
    };
    await this.saveCheckpoint(next);
    await this.enforceBadItemLimit();
    const result = pageResult(next, open === undefined && lastUid + 1 >= folder.uidNext, outcome, outcome.skipped);
    return outcome.resumeAt ? { ...result, resumeAt: outcome.resumeAt } : result;
  }

  /**
   * Applies source read/flagged changes to the copies. With CONDSTORE only messages changed since
   * the last sync are read; copies whose flags did not change cost no target request, and only the
   * flags that changed are sent, so a flag the user set in the target is not undone.
   */
  async syncFlags(sourcePath: string): Promise<{ updated: number }> {
    const checkpoint = await this.requireCheckpoint(sourcePath);
    if (checkpoint.gone || checkpoint.lastCopiedUid === 0 || !checkpoint.targetFolderId) return { updated: 0 };
    let folder;
    try {
      folder = await this.source.folderStatus(sourcePath);
    } catch (error) {
      if (isFolderProblem(error)) return { updated: 0 };
      throw error;
    }
    if (folder.uidValidity !== checkpoint.uidValidity) return { updated: 0 };
    if (folder.highestModseq && folder.highestModseq === checkpoint.flagsModseq) return { updated: 0 };
    const states = await this.source.fetchFlags(sourcePath, checkpoint.flagsModseq);
    const scope = this.stores.itemMap.scope(this.mailbox.mailboxKey, sourcePath);
    const entries = new Map((await this.stores.itemMap.listGeneration(scope, checkpoint.uidValidity)).map((e) => [e.uid, e]));
    const changed: ItemMapEntry[] = [];
    const changes: FlagChange[] = [];
    for (const state of states) {
      const entry = entries.get(state.uid);
      if (!entry || entry.state !== 'copied' || !entry.targetId) continue;
      const flags = relevantFlags(state.flags);
      const before = JSON.parse(entry.flagsJson) as string[] | null;
      const change = flagChange(entry.targetId, before, flags);
      if (change.add.length + change.remove.length === 0) continue;
      changes.push(change);
      changed.push({ ...entry, flagsJson: JSON.stringify(flags) });
    }
    if (changes.length > 0) {
      await this.target.setFlags(checkpoint.targetFolderId, changes);
      await this.stores.itemMap.putAll(scope, changed);
    }
    await this.saveCheckpoint({ ...checkpoint, ...(folder.highestModseq ? { flagsModseq: folder.highestModseq } : {}) });
    return { updated: changed.length };
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.source.close(), this.target.close()]);
  }

  /** Items of the page the map knows already (settled by an earlier run). */
  private async knownEntries(checkpoint: FolderCheckpoint, messages: LoadedMessage[]): Promise<Map<number, ItemMapEntry>> {
    const scope = this.stores.itemMap.scope(this.mailbox.mailboxKey, checkpoint.sourcePath);
    const rows = await this.stores.itemMap.listRange(scope, checkpoint.uidValidity, messages[0]!.uid, messages[messages.length - 1]!.uid);
    return new Map(rows.map((e) => [e.uid, e]));
  }

  /**
   * Once per pass, items skipped for a reason a later try may get past (the target refused them, the
   * source would not give them) are tried again, as Exchange does in each sync.
   */
  private async retrySkipped(checkpoint: FolderCheckpoint, folderId: string): Promise<CopyPageResult | undefined> {
    const scope = this.stores.itemMap.scope(this.mailbox.mailboxKey, checkpoint.sourcePath);
    const waiting = (await this.stores.itemMap.listRetryable(scope, checkpoint.uidValidity)).filter((e) => e.pass !== this.run.pass);
    const batch = waiting.slice(0, this.limits.pageMaxCount);
    if (batch.length === 0) return undefined;
    const messages = await this.readPage(checkpoint.sourcePath, { uids: batch.map((e) => e.uid) });
    const read = new Set(messages.map((m) => m.uid));
    // Asked for but not there any more: deleted on the source since, nothing left to try.
    const deleted = batch.filter((e) => !read.has(e.uid)).map((e) => ({ ...e, retryable: false, pass: this.run.pass }));
    if (deleted.length > 0) await this.stores.itemMap.putAll(scope, deleted);
    const known = new Map(batch.map((e) => [e.uid, e]));
    const outcome = messages.length > 0 ? await this.copyMessages(checkpoint, folderId, messages, known) : { ...EMPTY_OUTCOME, checkpoint };
    const next = {
      ...outcome.checkpoint,
      copiedCount: checkpoint.copiedCount + outcome.copied + outcome.matched,
      bytesCopied: checkpoint.bytesCopied + outcome.bytes,
    };
    await this.saveCheckpoint(next);
    await this.enforceBadItemLimit();
    const result = pageResult(next, false, outcome, outcome.skipped);
    return outcome.resumeAt ? { ...result, resumeAt: outcome.resumeAt } : result;
  }

  private async copyMessages(checkpoint: FolderCheckpoint, folderId: string, messages: LoadedMessage[], known: Map<number, ItemMapEntry>) {
    const scope = this.stores.itemMap.scope(this.mailbox.mailboxKey, checkpoint.sourcePath);
    const page = new PageLedger(this.run.pass);
    const candidates: LoadedMessage[] = [];
    for (const message of messages) {
      const previous = known.get(message.uid);
      const retrying = previous?.state === 'skipped' && previous.retryable === true && previous.pass !== this.run.pass;
      if (previous && !retrying) continue;
      if (message.vanished) continue;
      if (message.unreadable) {
        page.skip(
          this.skip(checkpoint, message, 'SourceUnreadable', message.unreadable.detail, message.unreadable.subject ?? ''),
          message,
          checkpoint.uidValidity,
          previous,
        );
      } else if (message.oversized || message.size > this.limits.largeItemLimitBytes) {
        page.skip(
          this.skip(
            checkpoint,
            message,
            'TooLarge',
            `The item is ${message.size} bytes; the large-item limit is ${this.limits.largeItemLimitBytes} bytes.`,
            message.oversized?.subject,
          ),
          message,
          checkpoint.uidValidity,
          previous,
        );
      } else {
        candidates.push(message);
        if (retrying) page.retried.add(message.uid);
      }
    }
    let current = checkpoint;
    if (candidates.length > 0) {
      const claimed = await this.claimer.claim(
        candidates.map((m) => ({ owner: this.ownerOf(checkpoint, m), contentKey: contentKey(m.raw) })),
        folderId,
      );
      const toCreate = await this.reconcile(candidates, claimed, folderId, page);
      current = await this.create(checkpoint, folderId, toCreate, page);
    }
    await this.recordSkipped(checkpoint, page);
    await this.dropExtraCopies(await this.claimer.settleAll(page.settlements), current, page);
    await this.stores.itemMap.putAll(scope, page.entries);
    const recovered = page.entries.filter((e) => e.state !== 'skipped' && page.retried.has(e.uid));
    if (recovered.length > 0) {
      await this.stores.skippedItems.deleteItems(
        this.mailbox.batchId,
        recovered.map((e) => ({ mailboxKey: this.mailbox.mailboxKey, sourcePath: checkpoint.sourcePath, uidValidity: e.uidValidity, uid: e.uid })),
      );
    }
    const firstOpenUid = page.openUids.length > 0 ? Math.min(...page.openUids) : undefined;
    return {
      checkpoint: current,
      copied: page.copied,
      matched: page.matched,
      skipped: page.skipped,
      recovered: recovered.length,
      bytes: page.bytes,
      firstOpenUid,
      resumeAt: page.resumeAt,
    };
  }

  /**
   * Settles what an earlier copy covers: a copy made by a run that died (found by its marker), a copy
   * made for the same bytes in another folder or generation (moved here), or one the user deleted (left
   * deleted). Returns what must still be created.
   */
  private async reconcile(
    messages: LoadedMessage[],
    claimed: ClaimedItem[],
    folderId: string,
    page: PageLedger,
  ): Promise<{ message: LoadedMessage; claim: ClaimedItem; item: CopyItem }[]> {
    const toCreate: { message: LoadedMessage; claim: ClaimedItem; item: CopyItem }[] = [];
    const retarget: Settlement[] = [];
    await this.run.assertLeaseHeld();
    for (const [index, message] of messages.entries()) {
      const claim = claimed[index]!;
      const item = this.toItem(message, claim);
      if (page.resumeAt) {
        page.open(message.uid);
        continue;
      }
      const found = claim.found;
      try {
        if (found.state === 'gone') {
          page.settle(message, claim, 'gone', undefined, { state: 'gone' }, 'matched');
        } else if (found.state === 'copied' && found.targetId) {
          const targetId =
            found.targetFolderId === folderId ? found.targetId : await this.target.moveItem(found.targetFolderId, found.targetId, folderId, item);
          if (targetId) page.settle(message, claim, 'copied', targetId, { state: 'copied', targetId, targetFolderId: folderId }, 'matched');
          else page.settle(message, claim, 'gone', undefined, { state: 'gone', targetId: undefined }, 'matched');
        } else if (found.state === 'pending' && claim.decision !== 'new') {
          const existing = await this.findEarlierCopy(found.targetFolderId, folderId, item);
          if (existing) {
            page.settle(message, claim, 'copied', existing, { state: 'copied', targetId: existing, targetFolderId: folderId }, 'matched', true);
          } else {
            if (found.targetFolderId !== folderId)
              retarget.push({
                contentKey: claim.contentKey,
                owner: claim.owner,
                occurrence: claim.occurrence,
                change: { targetFolderId: folderId },
                fromHold: true,
              });
            toCreate.push({ message, claim, item });
          }
        } else {
          if (found.state === 'skipped' || found.targetFolderId !== folderId) {
            retarget.push({
              contentKey: claim.contentKey,
              owner: claim.owner,
              occurrence: claim.occurrence,
              change: { state: 'pending', targetFolderId: folderId },
              fromHold: true,
            });
          }
          toCreate.push({ message, claim, item });
        }
      } catch (error) {
        if (!(error instanceof TargetPaused)) throw error;
        page.pause(error.resumeAt.toISOString());
        page.open(message.uid);
      }
    }
    // The claim names the folder it is being created in before the target is asked, so a crash from here on is found there.
    const heldElsewhere = new Set((await this.claimer.settleAll(retarget)).map((s) => s.owner.uid));
    for (const uid of heldElsewhere) page.open(uid);
    if (heldElsewhere.size > 0) page.pause(new Date(Date.now() + UNCONFIRMED_SETTLE_MS).toISOString());
    if (!page.resumeAt) return toCreate;
    for (const { message } of toCreate) page.open(message.uid);
    return [];
  }

  /** A copy a run that died may have made: where it was being made, and here. */
  private async findEarlierCopy(claimFolderId: string | undefined, folderId: string, item: CopyItem): Promise<string | undefined> {
    if (claimFolderId && claimFolderId !== folderId) {
      const elsewhere = await this.target.findExisting(claimFolderId, item);
      if (elsewhere) return this.target.moveItem(claimFolderId, elsewhere, folderId, item);
    }
    return this.target.findExisting(folderId, item);
  }

  /** Creates the items; a target folder the user deleted is made again once, and the items sent again. */
  private async create(
    checkpoint: FolderCheckpoint,
    folderId: string,
    toCreate: { message: LoadedMessage; claim: ClaimedItem; item: CopyItem }[],
    page: PageLedger,
  ): Promise<FolderCheckpoint> {
    let current = checkpoint;
    let folder = folderId;
    let work = toCreate;
    for (let attempt = 1; work.length > 0; attempt += 1) {
      const missing: typeof work = [];
      for (let start = 0; start < work.length; start += this.target.preferredBatchSize) {
        const chunk = work.slice(start, start + this.target.preferredBatchSize);
        // A run that stalled past its lease stops here, before it writes: the run that took over owns these items now.
        if (!page.resumeAt) await this.run.assertLeaseHeld();
        const outcomes = page.resumeAt
          ? chunk.map((): CreateOutcome => ({ ok: false, reason: 'Deferred', resumeAt: page.resumeAt! }))
          : await this.target.createItems(
              folder,
              chunk.map((c) => c.item),
            );
        outcomes.forEach((outcome, i) => {
          const { message, claim } = chunk[i]!;
          if (outcome.ok) {
            page.settle(message, claim, 'copied', outcome.targetId, { state: 'copied', targetId: outcome.targetId, targetFolderId: folder }, 'copied', true);
          } else if (outcome.reason === 'Deferred') {
            page.pause(outcome.resumeAt);
            page.open(message.uid);
          } else if (outcome.reason === 'Unknown') {
            // Stays pending: the next page looks for it by its marker, once the target has had time to finish.
            page.pause(new Date(Date.now() + UNCONFIRMED_SETTLE_MS).toISOString());
            page.open(message.uid);
          } else if (outcome.reason === 'FolderMissing') {
            if (attempt === 1) missing.push(chunk[i]!);
            else
              page.skipClaimed(
                this.skip(
                  current,
                  message,
                  'RejectedByTarget',
                  `The target folder "${current.targetPath}" was re-created and the item still could not be created in it: ${outcome.detail}`,
                ),
                message,
                claim,
              );
          } else {
            page.skipClaimed(this.skip(current, message, outcome.reason, outcome.detail, outcome.subject), message, claim);
          }
        });
      }
      if (missing.length === 0) break;
      current = await this.recreateTargetFolder(current);
      folder = current.targetFolderId!;
      const elsewhere = new Set(
        (
          await this.claimer.settleAll(
            missing.map(({ claim }) => ({
              contentKey: claim.contentKey,
              owner: claim.owner,
              occurrence: claim.occurrence,
              change: { targetFolderId: folder },
              fromHold: true,
            })),
          )
        ).map((s) => s.owner.uid),
      );
      for (const uid of elsewhere) page.open(uid);
      work = missing.filter(({ message }) => !elsewhere.has(message.uid));
    }
    return current;
  }

  /**
   * Copies this run made for items another run took over while this one was stalled (its lease lapsed).
   * Once the other run has settled the item with another copy, this run's copy is extra and is removed; if
   * the other run settled it with this very copy, nothing is wrong. Either way the item is left open here:
   * this run writes nothing more for it, and the lease check stops it at its next write.
   */
  private async dropExtraCopies(lost: Settlement[], checkpoint: FolderCheckpoint, page: PageLedger): Promise<void> {
    for (const settlement of lost) {
      page.forget(settlement.owner.uid);
      const ours = settlement.change.state === 'copied' ? settlement.change.targetId : undefined;
      if (!ours) continue;
      if (await this.settledByOther(settlement, ours, checkpoint)) continue;
      // The other run has not settled the item in time (stalled, or dead after its claim): this copy settles it,
      // unless that run settles it first (then this copy goes, as above). If that run wakes up later and creates
      // anyway, it finds the item settled with another copy and removes its own.
      const settledMeanwhile = await this.claimer.settleAll([{ ...settlement, fromHold: false, whilePending: true }]);
      if (settledMeanwhile.length > 0) await this.settledByOther(settlement, ours, checkpoint);
    }
  }

  /**
   * Waits for the run that took an item over to settle it: with this very copy (nothing to do), or with
   * another (this one is removed). False when it is still pending after the looks.
   */
  private async settledByOther(settlement: Settlement, ours: string, checkpoint: FolderCheckpoint): Promise<boolean> {
    for (let look = 1; look <= EXTRA_COPY_LOOKS; look += 1) {
      const now = await this.claimer.current(settlement.contentKey, settlement.owner, settlement.occurrence);
      if (now?.state === 'copied' && now.targetId === ours) return true;
      if (!now || now.state !== 'pending') {
        await this.target.removeItem(settlement.change.targetFolderId ?? checkpoint.targetFolderId!, ours);
        return true;
      }
      await new Promise((resolve) => setTimeout(resolve, EXTRA_COPY_LOOK_MS));
    }
    return false;
  }

  /** The user deleted the target folder: it is made again (and reported), rather than every new item skipped. */
  private async recreateTargetFolder(checkpoint: FolderCheckpoint): Promise<FolderCheckpoint> {
    const cleared = { ...checkpoint, targetFolderId: undefined };
    const id = await this.targetFolderId(cleared);
    this.remaps.push({ sourcePath: checkpoint.sourcePath, targetPath: checkpoint.targetPath, reason: RECREATED_FOLDER });
    return { ...cleared, targetFolderId: id };
  }

  /** Skipped items reach the errors report before the item map says skipped, so a crash between loses no report line. */
  private async recordSkipped(checkpoint: FolderCheckpoint, page: PageLedger): Promise<void> {
    if (page.skipped.length === 0) return;
    const stored: StoredSkippedItem[] = page.skipped.map((s) => ({
      ...s,
      mailboxKey: this.mailbox.mailboxKey,
      uidValidity: checkpoint.uidValidity,
      pass: this.run.pass,
    }));
    await this.stores.skippedItems.putAll(this.mailbox.batchId, stored);
  }

  /** BadItemLimit counts the bad items of this pass, as Exchange does; the administrator may raise it per mailbox and resume. */
  private async enforceBadItemLimit(): Promise<void> {
    const bad = await this.stores.skippedItems.countBadItems(this.mailbox.batchId, this.mailbox.mailboxKey, this.run.pass);
    if (bad > this.limits.badItemLimit) {
      throw new MigrationError(
        'BadItemLimitExceeded',
        `${bad} items could not be copied in this pass, more than the bad-item limit of ${this.limits.badItemLimit}. See the errors report; raise the mailbox's badItemLimit and resume the batch to go on.`,
      );
    }
  }

  /**
   * A folder the source no longer has, or one that cannot be read or created, is reported (one row in the
   * errors report) and left; the mailbox goes on with its other folders. Transient failures are thrown.
   */
  private async unlessFolderFailed(checkpoint: FolderCheckpoint, error: unknown): Promise<CopyPageResult> {
    if (!isFolderProblem(error)) throw error;
    const deleted = error instanceof MigrationError && error.code === MailErrorCode.FolderNotFound;
    const detail = deleted
      ? `The source folder was deleted during the sync; ${checkpoint.copiedCount} items copied from it before are kept.`
      : toErrorMessage(error);
    await this.stores.skippedItems.putAll(this.mailbox.batchId, [
      {
        mailboxKey: this.mailbox.mailboxKey,
        uidValidity: checkpoint.uidValidity,
        pass: this.run.pass,
        sourcePath: checkpoint.sourcePath,
        uid: 0,
        subject: '',
        size: 0,
        reason: 'FolderFailed',
        detail,
      },
    ]);
    const next = { ...checkpoint, ...(deleted ? { gone: true } : {}) };
    await this.saveCheckpoint(next);
    return pageResult(next, true, NOTHING, [{ sourcePath: checkpoint.sourcePath, uid: 0, subject: '', size: 0, reason: 'FolderFailed', detail }]);
  }

  private async reviveFolder(sourcePath: string): Promise<void> {
    const stored = await this.stores.folderStates.get(this.mailbox.mailboxKey, sourcePath);
    if (!stored?.checkpoint.gone) return;
    await this.stores.folderStates.save(this.mailbox.mailboxKey, { ...stored.checkpoint, gone: undefined }, stored.etag);
  }

  private ownerOf(checkpoint: FolderCheckpoint, message: { uid: number }): ItemOwner {
    return { folderKey: folderKey(checkpoint.sourcePath), sourcePath: checkpoint.sourcePath, uidValidity: checkpoint.uidValidity, uid: message.uid };
  }

  private toItem(message: LoadedMessage, claim: ClaimedItem): CopyItem {
    return {
      uid: message.uid,
      raw: message.raw,
      flags: message.flags,
      internalDate: message.internalDate,
      size: message.size,
      marker: itemMarker(this.mailbox.mailboxKey, claim.contentKey, claim.occurrence),
      excludeTargetIds: claim.siblings,
    };
  }

  private skip(
    checkpoint: FolderCheckpoint,
    message: { uid: number; size: number; raw: Buffer },
    reason: SkipReason,
    detail: string,
    subject?: string,
  ): SkippedItem {
    return {
      sourcePath: checkpoint.sourcePath,
      uid: message.uid,
      subject: subject ?? (message.raw.length > 0 ? readHeaderSummary(message.raw).subject : ''),
      size: message.size,
      reason,
      detail,
    };
  }

  private async readPage(sourcePath: string, selection: UidSelection): Promise<LoadedMessage[]> {
    const page: LoadedMessage[] = [];
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
    const stored = await this.stores.folderStates.get(this.mailbox.mailboxKey, sourcePath);
    if (!stored) throw new MigrationError('FolderNotPrepared', `The folder "${sourcePath}" was not prepared: run prepareFolders first.`);
    this.etag = stored.etag;
    return stored.checkpoint;
  }

  /** Only the lease's holder writes, and only over the checkpoint it read (ETag): two runs never overwrite each other. */
  private async saveCheckpoint(checkpoint: FolderCheckpoint): Promise<void> {
    await this.run.assertLeaseHeld();
    this.etag = await this.stores.folderStates.save(this.mailbox.mailboxKey, checkpoint, this.etag);
  }

  private async sourceFolders(refresh: boolean): Promise<SourceFolder[]> {
    if (refresh || !this.folderCache) this.folderCache = await this.source.listFolders();
    return this.folderCache;
  }
}

type LoadedMessage = Omit<SourceMessage, 'source'> & { raw: Buffer };

/** What one page settled, left open and skipped, written out together at its end. */
class PageLedger {
  readonly entries: ItemMapEntry[] = [];
  readonly settlements: Settlement[] = [];
  readonly skipped: SkippedItem[] = [];
  readonly openUids: number[] = [];
  readonly retried = new Set<number>();
  copied = 0;
  matched = 0;
  bytes = 0;
  resumeAt: string | undefined;

  constructor(private readonly pass: string) {}

  settle(
    message: LoadedMessage,
    claim: ClaimedItem,
    state: 'copied' | 'gone',
    targetId: string | undefined,
    change: Settlement['change'],
    kind: 'copied' | 'matched',
    fromHold = false,
  ): void {
    this.settlements.push({ contentKey: claim.contentKey, owner: claim.owner, occurrence: claim.occurrence, change, ...(fromHold ? { fromHold } : {}) });
    this.entries.push({
      uidValidity: claim.owner.uidValidity,
      uid: message.uid,
      state,
      ...(targetId ? { targetId } : {}),
      contentKey: claim.contentKey,
      occurrence: claim.occurrence,
      size: message.size,
      flagsJson: JSON.stringify(relevantFlags(message.flags)),
      pass: this.pass,
    });
    if (kind === 'copied') {
      this.copied += 1;
      this.bytes += message.size;
    } else {
      this.matched += 1;
    }
  }

  /** An item skipped before it was claimed (unreadable, too large): it owns no copy. */
  skip(item: SkippedItem, message: LoadedMessage, uidValidity: string, previous: ItemMapEntry | undefined): void {
    this.skipped.push(item);
    this.entries.push({
      uidValidity,
      uid: message.uid,
      state: 'skipped',
      contentKey: previous?.contentKey ?? '',
      occurrence: previous?.occurrence ?? -1,
      size: message.size,
      flagsJson: '[]',
      retryable: isRetryableSkip(item.reason),
      pass: this.pass,
    });
  }

  skipClaimed(item: SkippedItem, message: LoadedMessage, claim: ClaimedItem): void {
    this.skipped.push(item);
    this.settlements.push({
      contentKey: claim.contentKey,
      owner: claim.owner,
      occurrence: claim.occurrence,
      change: { state: 'skipped', targetId: undefined },
      fromHold: true,
    });
    this.entries.push({
      uidValidity: claim.owner.uidValidity,
      uid: message.uid,
      state: 'skipped',
      contentKey: claim.contentKey,
      occurrence: claim.occurrence,
      size: message.size,
      flagsJson: '[]',
      retryable: isRetryableSkip(item.reason),
      pass: this.pass,
    });
  }

  open(uid: number): void {
    this.openUids.push(uid);
  }

  /** An item another run holds now: nothing of it is written by this page, and it stays open. */
  forget(uid: number): void {
    const at = this.entries.findIndex((e) => e.uid === uid);
    if (at >= 0) {
      const [entry] = this.entries.splice(at, 1);
      if (entry?.state === 'copied') this.copied = Math.max(0, this.copied - 1);
    }
    const skippedAt = this.skipped.findIndex((s) => s.uid === uid);
    if (skippedAt >= 0) this.skipped.splice(skippedAt, 1);
    this.openUids.push(uid);
  }

  pause(at: string): void {
    this.resumeAt = later(this.resumeAt, at);
  }
}

/** Failures of one folder that retrying will not fix: the folder is reported and the mailbox goes on. */
function isFolderProblem(error: unknown): boolean {
  if (!(error instanceof MigrationError) || error.errorClass !== 'permanent') return false;
  return [MailErrorCode.FolderNotFound, MailErrorCode.FolderStatusIncomplete, MailErrorCode.CommandRejected, 'FolderNotMapped', 'TargetFolderRefused'].includes(
    error.code,
  );
}

/**
 * A folder's first checkpoint. Its flag watermark is the folder's HIGHESTMODSEQ before any message
 * is read: every copy carries the flags it had when read, and any change after the watermark has
 * a higher MODSEQ (RFC 7162), so the first flag sync asks only for those instead of every message.
 */
function newCheckpoint(folder: SourceFolder, targetPath: string): FolderCheckpoint {
  return {
    sourcePath: folder.path,
    uidValidity: folder.uidValidity,
    lastCopiedUid: 0,
    targetPath,
    copiedCount: 0,
    skippedCount: 0,
    bytesCopied: 0,
    ...(folder.highestModseq ? { flagsModseq: folder.highestModseq } : {}),
  };
}

const NOTHING = { copied: 0, matched: 0, bytes: 0, recovered: 0 };
const EMPTY_OUTCOME = { copied: 0, matched: 0, skipped: [] as SkippedItem[], recovered: 0, bytes: 0, firstOpenUid: undefined, resumeAt: undefined };

function pageResult(
  checkpoint: FolderCheckpoint,
  done: boolean,
  counts: { copied: number; matched: number; bytes: number; recovered: number },
  skippedItems: SkippedItem[],
): CopyPageResult {
  return {
    sourcePath: checkpoint.sourcePath,
    done,
    copied: counts.copied,
    matched: counts.matched,
    skipped: skippedItems.length,
    recovered: counts.recovered,
    bytes: counts.bytes,
    lastCopiedUid: checkpoint.lastCopiedUid,
    skippedItems,
  };
}

async function toBuffer(source: Buffer | Readable): Promise<Buffer> {
  if (Buffer.isBuffer(source)) return source;
  const chunks: Buffer[] = [];
  for await (const chunk of source) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}
