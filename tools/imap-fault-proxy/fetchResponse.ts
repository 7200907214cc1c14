import { exchangeRetrievalFailedStub } from './exchangeStub';
import { atom, type ImapNode, nodeString, pairs } from './imapSyntax';
import { matchesMessage, type RewriteContext } from './rewriteContext';

export interface FetchRewrite {
  /** The response's nodes, or null when nothing is left to say (`* 3 FETCH (MODSEQ (9))` without CONDSTORE). */
  nodes: ImapNode[] | null;
  changed: boolean;
  /** Cut the connection this many bytes into this literal. */
  cut?: { literal: ImapNode; afterBytes: number };
}

/** Whole-message content items: BODY[], RFC822, BINARY[] (RFC 3516), with an optional `<origin>`. */
const WHOLE_MESSAGE = /^(?:BODY\[\]|BINARY\[\]|RFC822)(?:<(\d+)>)?$/i;

/**
 * Rewrites `* n FETCH (...)` (nodes: `*`, n, FETCH, the item list): sizes estimated, CONDSTORE
 * and OBJECTID items removed when those are hidden, a message's content replaced by the stub,
 * or the connection marked to be cut inside it. Items are matched to the message by the UID in
 * the same response, wherever it stands.
 */
export function rewriteFetch(nodes: ImapNode[], ctx: RewriteContext): FetchRewrite {
  const list = nodes[3];
  if (list?.kind !== 'list') return { nodes, changed: false };
  const items = pairs(list.items);
  const uidValue = items.find(([name]) => nodeString(name)?.toUpperCase() === 'UID')?.[1];
  const uid = uidValue ? Number(nodeString(uidValue)) : undefined;
  const { faults } = ctx;
  let changed = false;
  let cut: FetchRewrite['cut'];
  const kept: ImapNode[] = [];
  for (const [nameNode, value] of items) {
    const name = (nodeString(nameNode) ?? '').toUpperCase();
    if (name === 'MODSEQ' && faults.hidden.has('CONDSTORE')) {
      ctx.fired('hideCapabilities');
      changed = true;
      continue;
    }
    if ((name === 'EMAILID' || name === 'THREADID') && faults.hidden.has('OBJECTID')) {
      ctx.fired('hideCapabilities');
      changed = true;
      continue;
    }
    let newValue = value;
    if (name === 'RFC822.SIZE' && faults.estimatedSizes) {
      const real = Number(nodeString(value));
      if (Number.isFinite(real)) {
        newValue = atom(String(estimatedSize(real)));
        ctx.fired('estimatedSizes');
        changed = true;
      }
    }
    const whole = WHOLE_MESSAGE.exec(name);
    if (whole && value.kind === 'literal') {
      if (faults.stubBodies.some((rule) => matchesMessage(rule, ctx.selected, uid))) {
        newValue = stubbed(value, uid!, whole[1], ctx);
        ctx.fired('stubBodies');
        changed = true;
      }
      const drop = faults.dropMidLiteral.find((rule) => rule.hits < rule.times && matchesMessage(rule, ctx.selected, uid));
      if (drop && !cut && newValue.kind === 'literal') {
        drop.hits += 1;
        const length = newValue.data.length;
        const wanted = drop.afterBytes ?? Math.floor(length / 2);
        // Mid-literal means at least one byte is still missing when the connection goes.
        cut = { literal: newValue, afterBytes: Math.max(0, Math.min(wanted, length - 1)) };
        ctx.fired('dropMidLiteral');
      }
    }
    kept.push(nameNode, newValue);
  }
  if (!changed) return { nodes, changed: false, cut };
  if (kept.length === 0) return { nodes: null, changed: true };
  return { nodes: [nodes[0]!, nodes[1]!, nodes[2]!, { kind: 'list', items: kept }], changed: true, cut };
}

/**
 * The size Exchange 2007/2010 state without EnableExactRFC822Size: not the MIME size but an
 * estimate. The real estimate comes from the stored item; any deterministic value that differs
 * from the real size shows the same fault, and a few percent over is what clients report.
 */
export function estimatedSize(real: number): number {
  return Math.round(real * 1.03) + 17;
}

function stubbed(value: Extract<ImapNode, { kind: 'literal' }>, uid: number, origin: string | undefined, ctx: RewriteContext): ImapNode {
  const stub = exchangeRetrievalFailedStub({ original: value.data, uid, user: ctx.user });
  // A partial fetch (`BODY[]<origin>`) gets the same slice of the stub the client asked of the message.
  const data = origin === undefined ? stub : stub.subarray(Number(origin), Number(origin) + value.data.length);
  return { kind: 'literal', data, binary: value.binary };
}
