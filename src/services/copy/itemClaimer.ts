import { decideClaim, type ItemOwner, type Occurrence, ownersToCheck, sameOwner } from '../../core/copy/itemClaims';
import { MigrationError } from '../../core/errors/migrationError';
import type { MailSource } from '../ports/mailSource';
import type { ItemClaimStore } from '../ports/copyStores';
import type { StoredClaim } from '../ports/copyStores';

/** One item of a page and the occurrence it owns once its claim is written. */
export interface ClaimedItem {
  owner: ItemOwner;
  contentKey: string;
  occurrence: number;
  /** The occurrence as it was found: a copy made for it earlier (here or in another folder), or none yet. */
  found: Occurrence;
  /** `mine`: owned already (a rerun); `takeOver`: from a source item that has left the source; `new`: just made. */
  decision: 'mine' | 'takeOver' | 'new';
  /** Copies of the other occurrences of the same bytes: never to be taken for this item's copy. */
  siblings: string[];
}

const MAX_ROUNDS = 5;
const WRITE_CONCURRENCY = 16;

/**
 * Gives each item of a page its occurrence in the mailbox's claims, and records that it owns it
 * before anything is sent to the target. The writes are conditional: when another run of the same page
 * wrote a claim first, the claim is read again and the decision made again against it.
 */
export class ItemClaimer {
  constructor(
    private readonly claims: ItemClaimStore,
    private readonly source: MailSource,
    private readonly mailboxKey: string,
    private readonly runId: string,
  ) {}

  async claim(items: { owner: ItemOwner; contentKey: string }[], targetFolderId: string): Promise<ClaimedItem[]> {
    const result = new Map<ItemOwner, ClaimedItem>();
    let open = items;
    for (let round = 1; open.length > 0; round += 1) {
      if (round > MAX_ROUNDS) throw new MigrationError('ClaimConflict', 'Another run kept changing the same items; the page is tried again.', 'transient');
      const stored = await this.claims.getMany(
        this.mailboxKey,
        open.map((i) => i.contentKey),
      );
      const present = await this.presentOwners(open, stored);
      const byContent = new Map<string, { owner: ItemOwner; contentKey: string }[]>();
      for (const item of open) byContent.set(item.contentKey, [...(byContent.get(item.contentKey) ?? []), item]);
      const conflicted: { owner: ItemOwner; contentKey: string }[] = [];
      const groups = [...byContent.entries()];
      for (let start = 0; start < groups.length; start += WRITE_CONCURRENCY) {
        await Promise.all(
          groups.slice(start, start + WRITE_CONCURRENCY).map(async ([contentKey, group]) => {
            const claimed = await this.claimContent(contentKey, group, stored.get(contentKey), present, targetFolderId);
            if (!claimed) conflicted.push(...group);
            else for (const item of claimed) result.set(item.owner, item);
          }),
        );
      }
      open = conflicted;
    }
    return items.map((item) => result.get(item.owner)!);
  }

  /** Decides and writes the claim of one content for the page's items that have it; undefined on a write conflict. */
  private async claimContent(
    contentKey: string,
    group: { owner: ItemOwner }[],
    stored: StoredClaim | undefined,
    present: Set<string>,
    targetFolderId: string,
  ): Promise<ClaimedItem[] | undefined> {
    const occurrences: Occurrence[] = stored ? stored.occurrences.map((o) => ({ ...o })) : [];
    const taken = new Set<number>();
    const claimed: ClaimedItem[] = [];
    let changed = false;
    for (const { owner } of group) {
      const decision = decideClaim(occurrences, owner, (other) => present.has(ownerKey(other)), targetFolderId, taken);
      taken.add(decision.index);
      if (decision.kind === 'new') {
        occurrences.push({ owner, state: 'pending', targetFolderId, heldBy: this.runId });
        changed = true;
      } else if (decision.kind === 'takeOver') {
        changed = true;
      }
      const found = { ...occurrences[decision.index]! };
      if (decision.kind === 'takeOver') occurrences[decision.index] = { ...found, owner };
      // This run may create the copy from now on: an occurrence without one is held before anything is sent.
      const held = occurrences[decision.index]!;
      if ((held.state === 'pending' || held.state === 'skipped') && held.heldBy !== this.runId) {
        occurrences[decision.index] = { ...held, heldBy: this.runId };
        changed = true;
      }
      claimed.push({ owner, contentKey, occurrence: decision.index, found, decision: decision.kind, siblings: [] });
    }
    for (const item of claimed) {
      item.siblings = occurrences.filter((o, i) => i !== item.occurrence && o.targetId).map((o) => o.targetId!);
    }
    if (!changed) return claimed;
    const etag = stored
      ? await this.claims.replace(this.mailboxKey, contentKey, occurrences, stored.etag)
      : await this.claims.insert(this.mailboxKey, contentKey, occurrences);
    return etag ? claimed : undefined;
  }

  /**
   * Which owners of other occurrences are still on the source. Asked only for items whose content is
   * claimed by another item already (a message filed twice, moved, or its folder renamed or renumbered):
   * new mail costs no question to the source.
   */
  private async presentOwners(items: { owner: ItemOwner; contentKey: string }[], stored: Map<string, StoredClaim>): Promise<Set<string>> {
    const toAsk = new Map<string, { path: string; uidValidity: string; uids: Set<number> }>();
    for (const item of items) {
      const claim = stored.get(item.contentKey);
      if (!claim) continue;
      for (const owner of ownersToCheck(claim.occurrences, item.owner)) {
        if (items.some((other) => sameOwner(other.owner, owner))) continue; // on this page: it is there
        const key = `${owner.sourcePath}\n${owner.uidValidity}`;
        const entry = toAsk.get(key) ?? { path: owner.sourcePath, uidValidity: owner.uidValidity, uids: new Set<number>() };
        entry.uids.add(owner.uid);
        toAsk.set(key, entry);
      }
    }
    const present = new Set<string>(items.map((i) => ownerKey(i.owner)));
    for (const ask of toAsk.values()) {
      const uids = await this.source.presentUids(ask.path, ask.uidValidity, [...ask.uids]);
      for (const uid of uids) present.add(`${ask.path}\n${ask.uidValidity}\n${uid}`);
    }
    return present;
  }

  /**
   * Records what became of items' occurrences (copied, skipped, gone, moved), one write per content.
   * Returns the settlements of occurrences another run holds now (it claimed them while this run was
   * stalled): they are not written, and their copies, if this run made any, may be extra.
   */
  async settleAll(settlements: Settlement[]): Promise<Settlement[]> {
    const byContent = new Map<string, Settlement[]>();
    for (const s of settlements) byContent.set(s.contentKey, [...(byContent.get(s.contentKey) ?? []), s]);
    const groups = [...byContent.entries()];
    const lost: Settlement[] = [];
    for (let start = 0; start < groups.length; start += WRITE_CONCURRENCY) {
      await Promise.all(
        groups.slice(start, start + WRITE_CONCURRENCY).map(async ([contentKey, group]) => lost.push(...(await this.settleContent(contentKey, group)))),
      );
    }
    return lost;
  }

  /** The occurrence as stored now, or undefined when the item no longer owns it. */
  async current(contentKey: string, owner: ItemOwner, occurrence: number): Promise<Occurrence | undefined> {
    const stored = (await this.claims.getMany(this.mailboxKey, [contentKey])).get(contentKey)?.occurrences[occurrence];
    return stored && sameOwner(stored.owner, owner) ? stored : undefined;
  }

  private async settleContent(contentKey: string, group: Settlement[]): Promise<Settlement[]> {
    for (let round = 1; round <= MAX_ROUNDS; round += 1) {
      const stored = (await this.claims.getMany(this.mailboxKey, [contentKey])).get(contentKey);
      const occurrences = stored?.occurrences.map((o) => ({ ...o })) ?? [];
      const lost: Settlement[] = [];
      let dirty = false;
      for (const s of group) {
        const current = occurrences[s.occurrence];
        if (!current || !sameOwner(current.owner, s.owner)) {
          if (s.fromHold) {
            lost.push(s);
            continue;
          }
          throw new MigrationError('ClaimLost', 'Another run took over an item of this page; the page is tried again.', 'transient');
        }
        if (s.whilePending && current.state !== 'pending') {
          // The run that held it settled it after all: this settlement's copy, if it is not the one kept, is extra.
          if (!(current.state === 'copied' && current.targetId !== undefined && current.targetId === s.change.targetId)) lost.push(s);
          continue;
        }
        if (s.fromHold && current.heldBy !== this.runId) {
          // Another run holds it now, or settled it already: with this very copy (nothing to write), or another.
          if (!(current.state === 'copied' && current.targetId !== undefined && current.targetId === s.change.targetId)) lost.push(s);
          continue;
        }
        // A settled occurrence holds no run any more.
        const settled = s.change.state !== undefined && s.change.state !== 'pending';
        // Fields set to undefined (a copy gone, a hold released) drop out when the claim is written as JSON.
        occurrences[s.occurrence] = { ...current, ...s.change, ...(settled ? { heldBy: undefined } : {}) };
        dirty = true;
      }
      if (!dirty) return lost;
      if (stored && (await this.claims.replace(this.mailboxKey, contentKey, occurrences, stored.etag))) return lost;
    }
    throw new MigrationError('ClaimConflict', 'Another run kept changing the same items; the page is tried again.', 'transient');
  }
}

export interface Settlement {
  contentKey: string;
  owner: ItemOwner;
  occurrence: number;
  change: Partial<Omit<Occurrence, 'owner'>>;
  /** The occurrence was pending or skipped and this run held it: written only while it still does. */
  fromHold?: boolean;
  /** Taking over another run's hold it never settled: written only while the occurrence is still pending. */
  whilePending?: boolean;
}

/** Owners as the source names them: path, UIDVALIDITY and UID. */
function ownerKey(owner: ItemOwner): string {
  return `${owner.sourcePath}\n${owner.uidValidity}\n${owner.uid}`;
}
