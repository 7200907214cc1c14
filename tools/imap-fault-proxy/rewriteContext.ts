import type { EffectiveFaults, ImapFaultKind } from './faultConfig';
import { sameFolder } from './mailboxName';

/** What a response rewrite needs to know about its connection at that moment. */
export interface RewriteContext {
  faults: EffectiveFaults;
  /** The login in use (for the stub's recipient). */
  user: string | undefined;
  /** The selected mailbox (wire name), which FETCH responses are about. */
  selected: string | undefined;
  /**
   * The mailbox whose UIDVALIDITY a response code states: the one a pending SELECT/EXAMINE opens,
   * or the target of the APPEND/COPY/MOVE a tagged response completes.
   */
  codeMailbox: string | undefined;
  /** True when those codes answer SELECT/EXAMINE (where `statusOmits.alsoSelect` applies). */
  codesAnswerSelect: boolean;
  fired(kind: ImapFaultKind): void;
}

/** The sum of the UIDVALIDITY offsets set for a mailbox (0 when none). */
export function uidValidityOffsetFor(faults: EffectiveFaults, mailbox: string | undefined): number {
  if (mailbox === undefined) return 0;
  return faults.uidValidityOffset.filter((rule) => sameFolder(rule.folder, mailbox)).reduce((sum, rule) => sum + rule.offset, 0);
}

/** A UIDVALIDITY moved by an offset, kept a valid nz-number (RFC 3501: 1 to 2^32-1). */
export function shiftUidValidity(value: string, offset: number): string {
  const shifted = BigInt(value) + BigInt(offset);
  const max = 4294967295n;
  return String(shifted < 1n ? 1n : shifted > max ? max : shifted);
}

export function matchesMessage(rule: { folder: string; uid: number }, mailbox: string | undefined, uid: number | undefined): boolean {
  return mailbox !== undefined && uid !== undefined && rule.uid === uid && sameFolder(rule.folder, mailbox);
}
