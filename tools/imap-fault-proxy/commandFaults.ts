import { argString, type ClientCommand } from './clientCommand';
import { capabilityMissingFor, isHidden } from './capabilities';
import type { AppendLossRule, AppendRule, EffectiveFaults, ImapFaultKind } from './faultConfig';
import { type ImapNode, nodeString } from './imapSyntax';
import { matchesMessage } from './rewriteContext';
import { parseSequenceSet, setIncludes } from './sequenceSet';

/** What the proxy does with a client command instead of (or besides) passing it on. */
export type CommandDecision =
  | { kind: 'forward' }
  /** Send this command line instead (CRLF added by the caller). */
  | { kind: 'rewrite'; line: string }
  /** Answer the client with these lines and send nothing upstream. */
  | { kind: 'answer'; lines: string[]; fault: ImapFaultKind };

/**
 * Commands a fault answers before they reach the server: a command of a hidden extension gets the
 * BAD of a server that lacks it, ENABLE loses the hidden extensions, and a UID FETCH of message
 * content that touches a `fetchNo` message is refused.
 */
export function decideCommand(command: ClientCommand, faults: EffectiveFaults, selected: string | undefined): CommandDecision {
  const missing = capabilityMissingFor(command.name, faults.hidden);
  if (missing) {
    return { kind: 'answer', lines: [`${command.tag} BAD Command unknown: ${command.name}`], fault: 'hideCapabilities' };
  }
  if (command.name === 'ENABLE') return decideEnable(command, faults);
  if (command.name === 'UID FETCH' && refusesFetch(command, faults, selected)) {
    return {
      kind: 'answer',
      // Guess: Exchange's own wording for a message it cannot convert is not documented.
      lines: [`${command.tag} NO FETCH failed: the server could not retrieve the message.`],
      fault: 'fetchNo',
    };
  }
  return { kind: 'forward' };
}

/**
 * RFC 5161: the server enables what it knows and lists it in `* ENABLED`; an extension it lacks is
 * ignored. So hidden ones are removed from the request, and when none is left the proxy answers
 * the empty `* ENABLED` itself: the server never gets to turn CONDSTORE on behind the fault.
 */
function decideEnable(command: ClientCommand, faults: EffectiveFaults): CommandDecision {
  const requested = command.args.map((arg) => nodeString(arg) ?? '');
  const kept = requested.filter((name) => !isHidden(name, faults.hidden));
  if (kept.length === requested.length) return { kind: 'forward' };
  if (kept.length === 0) {
    return { kind: 'answer', lines: ['* ENABLED', `${command.tag} OK ENABLE completed.`], fault: 'hideCapabilities' };
  }
  return { kind: 'rewrite', line: `${command.tag} ENABLE ${kept.join(' ')}` };
}

/** Items that carry message content (not FLAGS, UID, RFC822.SIZE, ENVELOPE, BODYSTRUCTURE). */
const CONTENT_ITEM = /^(?:BODY(?:\.PEEK)?\[|BINARY(?:\.PEEK)?\[|BINARY\.SIZE\[|RFC822(?:\.TEXT|\.HEADER)?$)/i;

function refusesFetch(command: ClientCommand, faults: EffectiveFaults, selected: string | undefined): boolean {
  if (faults.fetchNo.length === 0) return false;
  const set = parseSequenceSet(argString(command, 0) ?? '');
  if (!set || !asksForContent(command.args[1])) return false;
  return faults.fetchNo.some((rule) => setIncludes(set, rule.uid) && matchesMessage(rule, selected, rule.uid));
}

function asksForContent(items: ImapNode | undefined): boolean {
  if (!items) return false;
  const names = items.kind === 'list' ? items.items.map((item) => nodeString(item) ?? '') : [nodeString(items) ?? ''];
  return names.some((name) => CONTENT_ITEM.test(name));
}

/**
 * The APPEND rule that refuses these message literals, if any. With `sizesOnly`, only size rules
 * are tried (the content has not been read yet); a rule with a text condition waits for the content.
 */
export function appendRefusal(sizes: readonly number[], contents: readonly Buffer[] | undefined, faults: EffectiveFaults): AppendRule | undefined {
  return faults.appendNo.find((rule) => {
    if (rule.times !== undefined && rule.hits >= rule.times) return false;
    if (rule.whenContains !== undefined) {
      if (!contents) return false;
      const needle = Buffer.from(rule.whenContains, 'latin1');
      if (!contents.some((content) => content.includes(needle))) return false;
    }
    if (rule.whenLargerThan !== undefined && !sizes.some((size) => size > rule.whenLargerThan!)) return false;
    return true;
  });
}

/** The `appendLost` rule whose answer this APPEND loses, if any (the server still stores it). */
export function appendLoss(contents: readonly Buffer[], faults: EffectiveFaults): AppendLossRule | undefined {
  return faults.appendLost.find(
    (rule) =>
      rule.hits < rule.times && (rule.whenContains === undefined || contents.some((content) => content.includes(Buffer.from(rule.whenContains!, 'latin1')))),
  );
}

/** The tagged NO an APPEND rule answers (RFC 5530 response codes). */
export function appendRefusalLine(tag: string, rule: AppendRule): string {
  const text = rule.text ?? APPEND_TEXT[rule.code];
  return `${tag} NO [${rule.code}] ${text}`;
}

const APPEND_TEXT: Record<AppendRule['code'], string> = {
  TOOBIG: 'Message too large.',
  OVERQUOTA: 'Quota exceeded.',
  CANNOT: 'The message cannot be saved.',
};
