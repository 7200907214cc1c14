import { createHash } from 'node:crypto';
import type { MailCheckpoint } from '../../../core/ledger/containerState';
import { positionKey } from '../../../core/ledger/ledgerKeys';
import type { PositionRow, Stored } from '../../../core/ledger/ledgerRows';
import type { LedgerWrite } from '../../ports/copyLedgerStore';
import type { CopyTarget, FlagChange } from '../../ports/copyTarget';
import type { FlagState, FolderStatus, MailSource } from '../../ports/mailSource';
import type { ItemLedger } from '../itemLedger';
import { flagChange, relevantFlags } from '../flagChanges';

/** Flag changes sent in one page; a folder with more goes on in the next page (positions say what was sent). */
const MAX_CHANGES_PER_PAGE = 2_000;
/** Up to this many positions are read by key; more are read as one range of UIDs. */
const READ_BY_KEY_UP_TO = 56;

export interface FlagSyncContext {
  ledger: ItemLedger;
  source: MailSource;
  target: CopyTarget;
  assertLeaseHeld(): Promise<void>;
  sourcePath: string;
  folder: string;
  targetFolderId: string;
  status: FolderStatus;
  checkpoint: MailCheckpoint;
}

/**
 * Applies the source's read/flagged changes to the copies. With CONDSTORE only messages changed since the
 * last sync are read (RFC 7162); without it, every message's flags are read and compared, as one digest
 * first, so an unchanged folder costs no read of the ledger. Copies whose flags did not change cost no
 * target request, and only the flags that changed are sent, so a flag the user set in the target stays.
 * Answers the checkpoint after, and whether the folder is done (false: more changes wait for the next page).
 */
export async function syncFolderFlags(context: FlagSyncContext): Promise<{ checkpoint: MailCheckpoint; done: boolean }> {
  const { status, checkpoint } = context;
  const condstore = status.highestModseq !== undefined;
  if (checkpoint.lastUid === 0) return { checkpoint: watermarked(checkpoint, status, undefined), done: true };
  if (condstore && status.highestModseq === checkpoint.flagsModseq) return { checkpoint, done: true };
  const states = (await context.source.fetchFlags(context.sourcePath, condstore ? checkpoint.flagsModseq : undefined)).filter(
    (s) => s.uid <= checkpoint.lastUid,
  );
  const digest = condstore ? undefined : digestOf(states);
  if (!condstore) {
    if (digest === checkpoint.flagsDigest) return { checkpoint, done: true };
    // The first look after the copy: every copy carries the flags it was read with.
    if (checkpoint.flagsDigest === undefined) return { checkpoint: watermarked(checkpoint, status, digest), done: true };
  }
  const changes = await changesOf(states, context);
  const sent = changes.slice(0, MAX_CHANGES_PER_PAGE);
  if (sent.length > 0) {
    await context.assertLeaseHeld();
    await context.target.setFlags(
      context.targetFolderId,
      sent.map((c) => c.change),
    );
    await context.ledger.put(sent.map((c) => c.write));
  }
  if (changes.length > sent.length) return { checkpoint, done: false };
  return { checkpoint: watermarked(checkpoint, status, digest), done: true };
}

function watermarked(checkpoint: MailCheckpoint, status: FolderStatus, digest: string | undefined): MailCheckpoint {
  if (status.highestModseq !== undefined) return { ...checkpoint, flagsModseq: status.highestModseq };
  return digest === undefined ? checkpoint : { ...checkpoint, flagsDigest: digest };
}

/** The changes to send, each with its position as it will be written once sent. */
async function changesOf(states: FlagState[], context: FlagSyncContext): Promise<{ change: FlagChange; write: LedgerWrite }[]> {
  if (states.length === 0) return [];
  const positions = await readPositions(states, context);
  const out: { change: FlagChange; write: LedgerWrite }[] = [];
  for (const state of states) {
    const key = positionKey(context.folder, context.checkpoint.uidValidity, state.uid);
    const position = positions.get(key)?.row;
    if (!position || position.state !== 'copied' || !position.targetId) continue;
    const flags = relevantFlags(state.flags);
    const change = flagChange(position.targetId, JSON.parse(position.flags) as string[] | null, flags);
    if (change.add.length + change.remove.length === 0) continue;
    out.push({ change, write: { op: 'upsert', key, row: { ...position, flags: JSON.stringify(flags) } } });
  }
  return out;
}

async function readPositions(states: FlagState[], context: FlagSyncContext): Promise<Map<string, Stored<PositionRow>>> {
  const keys = states.map((s) => positionKey(context.folder, context.checkpoint.uidValidity, s.uid));
  if (keys.length <= READ_BY_KEY_UP_TO) return context.ledger.read<PositionRow>(keys);
  const sorted = [...keys].sort();
  return context.ledger.readRange<PositionRow>(sorted[0]!, sorted[sorted.length - 1]!);
}

/** A digest of every message's synced flags: the same digest, the same flags. */
function digestOf(states: FlagState[]): string {
  const hash = createHash('sha256');
  for (const state of [...states].sort((a, b) => a.uid - b.uid)) hash.update(`${state.uid}:${relevantFlags(state.flags).join(' ')}\n`);
  return hash.digest('base64url');
}
