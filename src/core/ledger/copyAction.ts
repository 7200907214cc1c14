import type { ItemRow } from './ledgerRows';

/**
 * What the target must do for an item, given its row as it was before this run held it:
 * - `create`: no copy can exist (the ledger never held the item, and its container's copies are all known);
 * - `find`: a run held the item and may have made its copy before it died or stalled: look for it by its
 *   marker, and create it only if it is not there (`earlier` is the copy the row named before, if any);
 * - `update`: the source item changed since its copy was made (a contact or event with a new ETag);
 * - `move`: the copy is in another target folder (the message was moved, or its folder renamed, on the source);
 * - `keep`: the copy is there as it should be;
 * - `gone`: the user deleted the copy in the target: it is not made again.
 */
export type CopyAction =
  | { kind: 'create' }
  | { kind: 'find'; earlier?: string }
  | { kind: 'update'; targetId: string }
  | { kind: 'move'; targetId: string; from: string | undefined }
  | { kind: 'keep'; targetId: string }
  | { kind: 'gone' };

export interface ActionContext {
  /** The target folder or collection the item belongs in now. */
  targetContainerId: string;
  /** The item's source version (a DAV ETag); mail has none (its identity is its bytes). */
  version?: string;
  /** Copies the ledger does not know may be in the target (a container whose first pass never ended). */
  unknownCopies: boolean;
}

export function copyActionOf(found: ItemRow | undefined, item: ActionContext): CopyAction {
  if (!found) return item.unknownCopies ? { kind: 'find' } : { kind: 'create' };
  switch (found.state) {
    case 'pending':
      return found.targetId ? { kind: 'find', earlier: found.targetId } : { kind: 'find' };
    case 'skipped':
      // A skipped contact or event may keep a copy of an earlier, readable version: that copy follows the source.
      return found.targetId ? { kind: 'update', targetId: found.targetId } : { kind: 'create' };
    case 'gone':
      return { kind: 'gone' };
    case 'copied':
      if (!found.targetId) return { kind: 'find' };
      if (item.version !== undefined)
        return found.version === item.version ? { kind: 'keep', targetId: found.targetId } : { kind: 'update', targetId: found.targetId };
      return found.targetContainerId === item.targetContainerId
        ? { kind: 'keep', targetId: found.targetId }
        : { kind: 'move', targetId: found.targetId, from: found.targetContainerId };
  }
}
