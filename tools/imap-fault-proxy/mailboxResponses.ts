import { SPECIAL_USE_ATTRIBUTES } from './capabilities';
import { atom, type ImapNode, nodeString, pairs } from './imapSyntax';
import { type RewriteContext, shiftUidValidity, uidValidityOffsetFor } from './rewriteContext';

/**
 * `* STATUS <mailbox> (MESSAGES 3 UIDNEXT 9 UIDVALIDITY 17 HIGHESTMODSEQ 12 MAILBOXID (F1))`
 * (RFC 3501 section 7.2.4): items a fault omits are removed, a renumbered folder's UIDVALIDITY
 * moved. Returns null when nothing changed.
 */
export function rewriteStatus(nodes: ImapNode[], ctx: RewriteContext): ImapNode[] | null {
  const mailbox = nodeString(nodes[2]);
  const list = nodes[3];
  if (mailbox === undefined || list?.kind !== 'list') return null;
  const { faults } = ctx;
  const offset = uidValidityOffsetFor(faults, mailbox);
  let changed = false;
  const kept: ImapNode[] = [];
  for (const [nameNode, value] of pairs(list.items)) {
    const name = (nodeString(nameNode) ?? '').toUpperCase();
    if ((name === 'UIDNEXT' || name === 'UIDVALIDITY') && faults.statusOmits.items.has(name)) {
      ctx.fired('statusOmits');
      changed = true;
      continue;
    }
    if ((name === 'HIGHESTMODSEQ' && faults.hidden.has('CONDSTORE')) || (name === 'MAILBOXID' && faults.hidden.has('OBJECTID'))) {
      ctx.fired('hideCapabilities');
      changed = true;
      continue;
    }
    if (name === 'UIDVALIDITY' && offset !== 0) {
      kept.push(nameNode, atom(shiftUidValidity(nodeString(value) ?? '0', offset)));
      ctx.fired('uidValidityOffset');
      changed = true;
      continue;
    }
    kept.push(nameNode, value);
  }
  return changed ? [nodes[0]!, nodes[1]!, nodes[2]!, { kind: 'list', items: kept }, ...nodes.slice(4)] : null;
}

/**
 * `* LIST (\HasNoChildren \Sent) "/" Sent`: without SPECIAL-USE a server has no RFC 6154
 * attributes to give, so they are removed. Returns null when nothing changed.
 */
export function rewriteList(nodes: ImapNode[], ctx: RewriteContext): ImapNode[] | null {
  const attributes = nodes[2];
  if (!ctx.faults.hidden.has('SPECIAL-USE') || attributes?.kind !== 'list') return null;
  const kept = attributes.items.filter((item) => !SPECIAL_USE_ATTRIBUTES.has((nodeString(item) ?? '').toUpperCase()));
  if (kept.length === attributes.items.length) return null;
  ctx.fired('hideCapabilities');
  return [nodes[0]!, nodes[1]!, { kind: 'list', items: kept }, ...nodes.slice(3)];
}
