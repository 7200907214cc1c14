import type { Readable } from 'node:stream';
import { isRetryableSkip, type SkipReason } from '../../../core/copy/copyLimits';
import type { CopyAction } from '../../../core/ledger/copyAction';
import type { ContainerState, MailCheckpoint } from '../../../core/ledger/containerState';
import { folderKey, mailMarker, positionKey, positionPrefix, skipKey, uidOf } from '../../../core/ledger/ledgerKeys';
import type { ItemRow, PositionRow, SkipRow, Stored } from '../../../core/ledger/ledgerRows';
import { readHeaderSummary } from '../../../core/mime/readHeaderSummary';
import type { LedgerWrite } from '../../ports/copyLedgerStore';
import { type CopyItem, type CopyTarget, type CreateOutcome } from '../../ports/copyTarget';
import { actEachAlone } from '../actEachAlone';
import type { FolderStatus, MailSource, SourceMessage, UidSelection } from '../../ports/mailSource';
import type { ContainerWork, ItemSkip, KnownItem, PageContext, PageItem, Room, TargetOutcome } from '../itemAdapter';
import { relevantFlags } from '../flagChanges';
import { identifyMessages } from './identifyMessages';
import { syncFolderFlags } from './syncFolderFlags';

/** Messages read from the source at once: a chunk the ledger holds in one transaction. */
const CHUNK_COUNT = 100;
/** ...or this many bytes, whichever comes first. */
const CHUNK_BYTES = 16 * 1024 * 1024;
/** How long a create the target did not confirm is left to finish on its side before it is looked for. */
const UNCONFIRMED_SETTLE_MS = 10_000;

/** A message of a page. */
export interface MailItem extends PageItem {
  uid: number;
  raw: Buffer;
  flags: string[];
  internalDate: string;
  /** Its content key and occurrence, once identified (none for a message skipped before its bytes were read). */
  content?: string;
  occurrence?: number;
  /** Copies of the mailbox's other messages with the same bytes: never to be taken for this one's copy. */
  siblings: string[];
  /** Read again to retry an earlier skip: its position as it stood. */
  retrying?: Stored<PositionRow>;
}

type Phase = 'retry' | 'copy' | 'flags' | 'done';

/**
 * One folder's work in a page: once per pass, the messages skipped before for a reason a later try may
 * get past; then the UIDs above the checkpoint, a chunk at a time; then read and flagged changes.
 */
export class MailFolderWork implements ContainerWork<MailItem> {
  /** The mailbox was copied before and its ledger forgotten: until the folder's first pass ends, copies are looked for. */
  readonly unknownCopies: boolean;
  private phase: Phase;
  private checkpoint: MailCheckpoint;
  private readFrom: number;
  /** Every UID up to this one was read and handed out (or found deleted) in the copy phase. */
  private readThrough: number;
  private retryQueue: { uid: number; position: Stored<PositionRow> }[] | undefined;
  private folderId: string;
  private readonly folder: string;
  /** Rows will be there to read: the folder was renumbered, or a hold met another run's row. */
  private expectRows = false;

  constructor(
    private readonly container: ContainerState,
    private readonly status: FolderStatus,
    targetFolderId: string,
    private readonly source: MailSource,
    private readonly target: CopyTarget,
    private readonly page: PageContext,
    private readonly hooks: { recreateTarget(): Promise<string> },
  ) {
    this.folderId = targetFolderId;
    this.folder = folderKey(container.sourceId);
    this.unknownCopies = page.forgotten && container.passDone === undefined;
    const stored = container.mail ?? { uidValidity: status.uidValidity, lastUid: 0 };
    // A changed UIDVALIDITY restarts the UIDs from 1; the messages copied before are recognised by their bytes.
    const renumbered = stored.uidValidity !== status.uidValidity;
    this.checkpoint = renumbered ? { uidValidity: status.uidValidity, lastUid: 0 } : stored;
    this.expectRows = renumbered;
    this.readFrom = this.checkpoint.lastUid + 1;
    this.readThrough = this.checkpoint.lastUid;
    this.phase = container.counts.retryable > 0 && this.checkpoint.retriedPass !== page.pass && !renumbered ? 'retry' : 'copy';
  }

  get targetContainerId(): string {
    return this.folderId;
  }

  async next(room: Room): Promise<MailItem[] | undefined> {
    for (;;) {
      if (this.phase === 'retry') {
        const items = await this.nextRetry(room);
        if (items) return items;
        this.phase = 'copy';
      } else if (this.phase === 'copy') {
        const items = await this.nextNew(room);
        if (items) return items;
        this.phase = 'flags';
      } else if (this.phase === 'flags') {
        // More changes than a page sends: this container's share of the page ends here, not done.
        if (!(await this.syncFlags())) return [];
        this.phase = 'done';
      } else {
        return undefined;
      }
    }
  }

  async identify(items: MailItem[], reread: boolean): Promise<KnownItem<MailItem>[]> {
    if (reread) this.expectRows = true;
    return identifyMessages(items, {
      ledger: this.page.ledger,
      source: this.source,
      mailboxKey: this.page.mailboxKey,
      folder: this.folder,
      sourcePath: this.container.sourceId,
      uidValidity: this.checkpoint.uidValidity,
      targetFolderId: this.folderId,
      readRows: this.expectRows || reread,
    });
  }

  pendingRow(item: MailItem, found: ItemRow | undefined): ItemRow {
    return {
      ...this.rowBase(item),
      state: 'pending',
      holder: this.page.runId,
      targetContainerId: this.folderId,
      // A copy in another folder (the message moved) stays named, so a run that dies mid-move finds it.
      ...(found?.targetId ? { targetId: found.targetId } : {}),
    };
  }

  async act(items: { item: MailItem; action: CopyAction }[]): Promise<TargetOutcome[]> {
    const { outcomes, toCreate } = await actEachAlone(items, (item, action) => this.actAlone(item, action));
    await this.createAll(
      toCreate.map((i) => items[i]!.item),
      (i, outcome) => (outcomes[toCreate[i]!] = outcome),
    );
    return outcomes;
  }

  settledRow(item: MailItem, outcome: Exclude<TargetOutcome, { kind: 'open' }>, found: ItemRow | undefined): { row: ItemRow; with: LedgerWrite[] } {
    const base = { ...this.rowBase(item), pass: this.page.pass };
    const flags = JSON.stringify(relevantFlags(item.flags));
    const at = positionKey(this.folder, this.checkpoint.uidValidity, item.uid);
    const itemKey = item.content !== undefined ? { itemKey: item.key } : {};
    if (outcome.kind === 'skipped') {
      const { reason, detail, retryable } = outcome.skip;
      const position: PositionRow = { ...itemKey, state: 'skipped', flags: '[]', size: item.size, retryable, pass: this.page.pass };
      return {
        row: { ...base, state: 'skipped', reason, detail, retryable },
        with: [
          { op: 'upsert', key: at, row: position },
          { op: 'upsert', key: skipKey(item.key), row: this.skipRow(item, reason, detail) },
        ],
      };
    }
    const cleared = found?.state === 'skipped' || item.retrying ? [this.clearedSkip(item, found)] : [];
    if (outcome.kind === 'gone') {
      return {
        row: { ...base, state: 'gone', targetContainerId: this.folderId },
        with: [{ op: 'upsert', key: at, row: { ...itemKey, state: 'gone', flags, size: item.size, pass: this.page.pass } satisfies PositionRow }, ...cleared],
      };
    }
    return {
      row: { ...base, state: 'copied', targetId: outcome.targetId, targetContainerId: this.folderId },
      with: [
        {
          op: 'upsert',
          key: at,
          row: { ...itemKey, state: 'copied', targetId: outcome.targetId, flags, size: item.size, pass: this.page.pass } satisfies PositionRow,
        },
        ...cleared,
      ],
    };
  }

  async removeCopy(targetId: string, containerId?: string): Promise<void> {
    await this.target.removeItem(containerId ?? this.folderId, targetId);
  }

  finish(open: readonly MailItem[], exhausted: boolean): ContainerState {
    const newOpen = open.filter((i) => !i.retrying).map((i) => i.uid);
    const lastUid = newOpen.length > 0 ? Math.max(this.checkpoint.lastUid, Math.min(...newOpen) - 1) : this.readThrough;
    const retried = this.phase !== 'retry' && !open.some((i) => i.retrying);
    const checkpoint: MailCheckpoint = {
      ...this.checkpoint,
      lastUid: exhausted && newOpen.length === 0 ? Math.max(lastUid, this.status.uidNext - 1) : lastUid,
      ...(retried ? { retriedPass: this.page.pass } : {}),
    };
    return {
      ...this.container,
      targetId: this.folderId,
      mail: checkpoint,
      counts: { ...this.container.counts, sourceItems: this.status.messages },
    };
  }

  /** Once per pass, the folder's earlier skips that a later try may get past (the target refused them, the source would not give them). */
  private async nextRetry(room: Room): Promise<MailItem[] | undefined> {
    if (!this.retryQueue) {
      const prefix = positionPrefix(this.folder, this.checkpoint.uidValidity);
      const found = await this.page.ledger.readRange<PositionRow>(`${prefix}0`, `${prefix}9`, { field: 'retryable', value: true });
      this.retryQueue = [...found.entries()].filter(([, p]) => p.row.pass !== this.page.pass).map(([key, position]) => ({ uid: uidOf(key), position }));
    }
    const batch = this.retryQueue.splice(0, Math.min(CHUNK_COUNT, Math.max(1, room.count)));
    if (batch.length === 0) return undefined;
    const byUid = new Map(batch.map((p) => [p.uid, p.position]));
    // Asked for and not there any more (deleted on the source since): left as it is.
    const items = (await this.read({ uids: [...byUid.keys()] }, room)).filter((i) => !i.removed);
    for (const item of items) item.retrying = byUid.get(item.uid);
    return items.length > 0 ? items : this.nextRetry(room);
  }

  /** The next UIDs above what was read, a chunk at a time. */
  private async nextNew(room: Room): Promise<MailItem[] | undefined> {
    if (this.readFrom >= this.status.uidNext) return undefined;
    const items = await this.read({ uidFrom: this.readFrom }, room);
    if (items.length === 0) {
      // No message at or above that UID exists: every UID below UIDNEXT (read before the search) was expunged.
      this.readThrough = Math.max(this.readThrough, this.status.uidNext - 1);
      this.readFrom = this.status.uidNext;
      return undefined;
    }
    const last = items[items.length - 1]!.uid;
    this.readFrom = last + 1;
    this.readThrough = last;
    // Messages expunged between the plan and the read hold no place in the page.
    return items.filter((i) => !i.removed);
  }

  private async read(selection: UidSelection, room: Room): Promise<MailItem[]> {
    const limits = {
      maxCount: Math.max(1, Math.min(CHUNK_COUNT, room.count)),
      maxBytes: Math.max(1, Math.min(CHUNK_BYTES, room.bytes)),
      skipContentOverBytes: this.page.largeItemLimitBytes,
    };
    const items: MailItem[] = [];
    for await (const message of this.source.fetchMessages(this.container.sourceId, selection, limits)) items.push(await this.toItem(message));
    return items.sort((a, b) => a.uid - b.uid);
  }

  private async toItem(message: SourceMessage): Promise<MailItem> {
    const raw = await toBuffer(message.source);
    const item: MailItem = {
      key: '',
      uid: message.uid,
      raw,
      flags: message.flags,
      internalDate: message.internalDate,
      size: message.size,
      title: '',
      siblings: [],
    };
    if (message.vanished) return { ...item, removed: true };
    if (message.unreadable) return { ...item, title: message.unreadable.subject ?? '', skip: skipOf('SourceUnreadable', message.unreadable.detail) };
    if (message.oversized || message.size > this.page.largeItemLimitBytes) {
      const detail = `The item is ${message.size} bytes; the large-item limit is ${this.page.largeItemLimitBytes} bytes.`;
      return { ...item, title: message.oversized?.subject ?? readHeaderSummary(raw).subject, skip: skipOf('TooLarge', detail) };
    }
    return { ...item, title: readHeaderSummary(raw).subject };
  }

  /** The target's part for one item, or undefined when it must be created (with the others, in batches). */
  private async actAlone(item: MailItem, action: CopyAction): Promise<TargetOutcome | undefined> {
    switch (action.kind) {
      case 'create':
        return undefined;
      case 'keep':
      case 'update':
        return { kind: 'copied', targetId: action.targetId, made: false, how: 'matched' };
      case 'gone':
        return { kind: 'gone' };
      case 'move': {
        await this.page.assertLeaseHeld();
        const moved = await this.target.moveItem(action.from, action.targetId, this.folderId, this.copyItem(item));
        return moved ? { kind: 'copied', targetId: moved, made: false, how: 'matched' } : { kind: 'gone' };
      }
      case 'find': {
        await this.page.assertLeaseHeld();
        const found = await this.findEarlier(item, action.earlier);
        return found ? { kind: 'copied', targetId: found, made: false, how: 'matched' } : undefined;
      }
    }
  }

  /** A copy a run that died may have made: in the folder it was being made in, and here. */
  private async findEarlier(item: MailItem, earlierFolder: string | undefined): Promise<string | undefined> {
    const copy = this.copyItem(item);
    const heldFolder = item.retrying ? undefined : earlierFolder;
    if (heldFolder && heldFolder !== this.folderId) {
      const elsewhere = await this.target.findExisting(heldFolder, copy);
      if (elsewhere) return this.target.moveItem(heldFolder, elsewhere, this.folderId, copy);
    }
    return this.target.findExisting(this.folderId, copy);
  }

  /** Creates the items; a target folder the user deleted is made again once, and the items sent again. */
  private async createAll(items: MailItem[], answer: (index: number, outcome: TargetOutcome) => void): Promise<void> {
    let work = items.map((item, index) => ({ item, index }));
    for (let attempt = 1; work.length > 0; attempt += 1) {
      const missing: typeof work = [];
      for (let start = 0; start < work.length; start += this.target.preferredBatchSize) {
        const chunk = work.slice(start, start + this.target.preferredBatchSize);
        // A run that stalled past its lease stops here, before it writes: the run that took over owns these items now.
        await this.page.assertLeaseHeld();
        const outcomes = await this.target.createItems(
          this.folderId,
          chunk.map((c) => this.copyItem(c.item)),
        );
        outcomes.forEach((outcome, i) => {
          const { item, index } = chunk[i]!;
          if (outcome.ok || outcome.reason !== 'FolderMissing' || attempt > 1) answer(index, this.toOutcome(item, outcome));
          else missing.push(chunk[i]!);
        });
      }
      if (missing.length > 0) this.folderId = await this.hooks.recreateTarget();
      work = missing;
    }
  }

  private toOutcome(item: MailItem, outcome: CreateOutcome): TargetOutcome {
    if (outcome.ok) return { kind: 'copied', targetId: outcome.targetId, made: true, how: 'created' };
    switch (outcome.reason) {
      case 'Deferred':
        return { kind: 'open', resumeAt: Date.parse(outcome.resumeAt) };
      case 'Unknown':
        // Stays pending: the next page looks for it by its marker, once the target has had time to finish.
        return { kind: 'open', resumeAt: this.page.clock.now() + UNCONFIRMED_SETTLE_MS };
      case 'FolderMissing':
        return {
          kind: 'skipped',
          skip: skipOf(
            'RejectedByTarget',
            `The target folder "${this.container.targetPath}" was re-created and the item still could not be created in it: ${outcome.detail}`,
          ),
        };
      default:
        if (outcome.subject && !item.title) item.title = outcome.subject;
        return { kind: 'skipped', skip: skipOf(outcome.reason, outcome.detail) };
    }
  }

  private copyItem(item: MailItem): CopyItem {
    return {
      uid: item.uid,
      raw: item.raw,
      flags: item.flags,
      internalDate: item.internalDate,
      size: item.size,
      marker: mailMarker(this.page.mailboxKey, item.content ?? '', item.occurrence ?? 0),
      excludeTargetIds: item.siblings,
    };
  }

  /** True when the folder's flags are in step for this pass. */
  private async syncFlags(): Promise<boolean> {
    if (this.checkpoint.flagsPass === this.page.pass) return true;
    const { checkpoint, done } = await syncFolderFlags({
      ledger: this.page.ledger,
      source: this.source,
      target: this.target,
      assertLeaseHeld: () => this.page.assertLeaseHeld(),
      sourcePath: this.container.sourceId,
      folder: this.folder,
      targetFolderId: this.folderId,
      status: this.status,
      checkpoint: { ...this.checkpoint, lastUid: this.readThrough },
    });
    this.checkpoint = done ? { ...checkpoint, lastUid: this.checkpoint.lastUid, flagsPass: this.page.pass } : this.checkpoint;
    return done;
  }

  private rowBase(item: MailItem): Omit<ItemRow, 'state'> {
    return {
      container: this.container.key,
      sourcePath: this.container.sourceId,
      uidValidity: this.checkpoint.uidValidity,
      uid: item.uid,
      title: item.title.slice(0, MAX_TITLE),
      size: item.size,
    };
  }

  private skipRow(item: MailItem, reason: string, detail: string): SkipRow {
    return {
      type: 'mail',
      container: this.container.key,
      where: this.container.sourceId,
      title: clip(item.title),
      size: item.size,
      reason,
      detail: clip(detail),
      pass: this.page.pass,
    };
  }

  private clearedSkip(item: MailItem, found: ItemRow | undefined): LedgerWrite {
    const key = found?.state === 'skipped' ? item.key : (item.retrying?.row.itemKey ?? item.key);
    return { op: 'upsert', key: skipKey(key), row: { ...this.skipRow(item, '', ''), cleared: true } };
  }
}

/**
 * Text from senders (subjects) and servers (details) is cut to this many characters: a Table Storage
 * string holds at most 64 KiB, and one huge subject must not stop the item from reaching the report.
 * https://learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model#property-types
 */
const MAX_TEXT = 2000;
const MAX_TITLE = 500;

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

function skipOf(reason: SkipReason, detail: string): ItemSkip {
  return { reason, detail, retryable: isRetryableSkip(reason), countsAsBad: reason !== 'TooLarge' };
}

async function toBuffer(source: Buffer | Readable): Promise<Buffer> {
  if (Buffer.isBuffer(source)) return source;
  const chunks: Buffer[] = [];
  for await (const chunk of source) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}
