import { filterCapabilities } from './capabilities';
import { type RewriteContext, shiftUidValidity, uidValidityOffsetFor } from './rewriteContext';

/**
 * Rewrites the one-line responses whose meaning a fault changes: `* CAPABILITY`, `* ENABLED` and
 * the response codes of OK/NO/BAD/BYE/PREAUTH (RFC 3501 section 7.1). Returns the new line
 * (without CRLF), or null when an untagged line only carried what the fault removes; a server
 * without CONDSTORE never sends `* OK [HIGHESTMODSEQ 7]`, not even as an empty `* OK`.
 */
export function rewriteStatusLine(line: string, ctx: RewriteContext): string | null {
  const capability = /^(\* (?:CAPABILITY|ENABLED))((?: \S+)*)$/i.exec(line);
  if (capability) {
    const { kept, removed } = filterCapabilities(capability[2]!.trim().split(' ').filter(Boolean), ctx.faults.hidden);
    if (removed > 0) ctx.fired('hideCapabilities');
    return [capability[1]!, ...kept].join(' ');
  }
  const status = /^(\S+) (OK|NO|BAD|BYE|PREAUTH) \[([^\]]*)\](.*)$/i.exec(line);
  if (!status) return line;
  const [, tag, condition, code, text] = status as unknown as [string, string, string, string, string];
  const rewritten = rewriteCode(code, ctx);
  if (rewritten === code) return line;
  if (rewritten !== null) return `${tag} ${condition} [${rewritten}]${text}`;
  const untaggedNotice = tag === '*' && /^(OK|NO|BAD)$/i.test(condition);
  return untaggedNotice ? null : `${tag} ${condition}${text}`;
}

/** The code's new text, or null when the code must go. */
function rewriteCode(code: string, ctx: RewriteContext): string | null {
  const [name = '', ...args] = code.split(' ');
  const hidden = ctx.faults.hidden;
  switch (name.toUpperCase()) {
    case 'CAPABILITY': {
      const { kept, removed } = filterCapabilities(args, hidden);
      if (removed > 0) ctx.fired('hideCapabilities');
      return [name, ...kept].join(' ');
    }
    // RFC 7162: these exist only with CONDSTORE.
    case 'HIGHESTMODSEQ':
    case 'NOMODSEQ':
    case 'MODIFIED':
      return removedBy('CONDSTORE', code, ctx);
    // RFC 8474.
    case 'MAILBOXID':
      return removedBy('OBJECTID', code, ctx);
    // RFC 4315: `APPENDUID <uidvalidity> <uid>`, `COPYUID <uidvalidity> <from> <to>`, both about the target mailbox.
    case 'APPENDUID':
    case 'COPYUID': {
      if (hidden.has('UIDPLUS')) return removedBy('UIDPLUS', code, ctx);
      const offset = uidValidityOffsetFor(ctx.faults, ctx.codeMailbox);
      if (offset === 0 || args[0] === undefined) return code;
      ctx.fired('uidValidityOffset');
      return [name, shiftUidValidity(args[0], offset), ...args.slice(1)].join(' ');
    }
    case 'UIDVALIDITY': {
      if (omittedFromSelect('UIDVALIDITY', ctx)) return null;
      const offset = uidValidityOffsetFor(ctx.faults, ctx.codeMailbox);
      if (offset === 0 || args[0] === undefined) return code;
      ctx.fired('uidValidityOffset');
      return `${name} ${shiftUidValidity(args[0], offset)}`;
    }
    case 'UIDNEXT':
      return omittedFromSelect('UIDNEXT', ctx) ? null : code;
    default:
      return code;
  }
}

function removedBy(capability: string, code: string, ctx: RewriteContext): string | null {
  if (!ctx.faults.hidden.has(capability)) return code;
  ctx.fired('hideCapabilities');
  return null;
}

function omittedFromSelect(item: 'UIDNEXT' | 'UIDVALIDITY', ctx: RewriteContext): boolean {
  const omits = ctx.faults.statusOmits;
  if (!ctx.codesAnswerSelect || !omits.alsoSelect || !omits.items.has(item)) return false;
  ctx.fired('statusOmits');
  return true;
}
