import type { ImapFlow } from 'imapflow';
import { encodePath, formatDateTime } from 'imapflow/lib/tools';

/** A message to append: its exact bytes, flags and received date. */
export interface AppendedMessage {
  raw: Buffer;
  flags: string[];
  internalDate?: string;
}

/**
 * imapflow's command runner. It has no MULTIAPPEND of its own, so the command is built from the same
 * attributes its APPEND builds, and sent through `exec`, the function its own commands use (imapflow
 * 2.10: lib/commands/append.js). Pinned with the package; `supportsMultiAppend` checks it is there.
 */
interface CommandRunner {
  exec(command: string, attributes: unknown[]): Promise<{ response: { attributes?: { section?: { type: string; value: string }[] }[] }; next(): void }>;
}

/** True when the server offers MULTIAPPEND (RFC 3502) and the client can send it. */
export function supportsMultiAppend(client: ImapFlow): boolean {
  return client.capabilities.has('MULTIAPPEND') && typeof (client as unknown as Partial<CommandRunner>).exec === 'function';
}

/**
 * Appends several messages with one command (RFC 3502 MULTIAPPEND): one round trip for the lot and one
 * transaction on the server, where an APPEND each costs a round trip and a transaction per message. It is
 * all or nothing: "If the server fails to append any message, none are appended" (RFC 3502 section 3), so
 * a refusal is thrown as is and the caller appends one by one to learn which message the server refuses.
 * Answers each message's id (`<UIDVALIDITY>:<UID>`) in order when the server names them (UIDPLUS's APPENDUID
 * with a UID set, RFC 4315 section 3), else nulls.
 */
export async function multiAppend(client: ImapFlow, path: string, messages: readonly AppendedMessage[]): Promise<(string | null)[]> {
  const binary = client.capabilities.has('BINARY');
  const attributes: unknown[] = [{ type: 'ATOM', value: encodePath(client, path) }];
  for (const message of messages) {
    // \\Recent is session state the server sets; RFC 3501 section 2.3.2 forbids clients to set it.
    const flags = message.flags.filter((flag) => flag.toLowerCase() !== '\\recent');
    attributes.push(flags.map((flag) => ({ type: 'ATOM', value: flag })));
    const date = message.internalDate ? formatDateTime(new Date(message.internalDate)) : undefined;
    if (date) attributes.push({ type: 'STRING', value: date });
    // A literal may not hold NUL octets; BINARY's literal8 may (RFC 3516), as imapflow's own APPEND sends them.
    attributes.push({ type: 'LITERAL', value: message.raw, isLiteral8: binary && message.raw.includes(0) });
  }
  const answer = await (client as unknown as CommandRunner).exec('APPEND', attributes);
  try {
    return appendedIds(answer.response.attributes?.[0]?.section, messages.length);
  } finally {
    answer.next();
  }
}

/** The ids APPENDUID names (`APPENDUID <uidvalidity> <uid-set>`), one per message in order; nulls when it names none or not as many. */
export function appendedIds(section: { type: string; value: string }[] | undefined, count: number): (string | null)[] {
  const none = Array.from({ length: count }, () => null);
  if (!section || section[0]?.value?.toUpperCase() !== 'APPENDUID') return none;
  const uidValidity = section[1]?.value;
  const uids = expandUidSet(section[2]?.value ?? '');
  if (!uidValidity || !/^\d+$/.test(uidValidity) || uids === undefined || uids.length !== count) return none;
  return uids.map((uid) => `${uidValidity}:${uid}`);
}

/** `1:3,7` as [1, 2, 3, 7], in the order written (RFC 4315's uid-set lists the UIDs in the order appended); undefined when malformed. */
export function expandUidSet(set: string): number[] | undefined {
  const uids: number[] = [];
  for (const part of set.split(',')) {
    const match = /^(\d+)(?::(\d+))?$/.exec(part);
    if (!match) return undefined;
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    const step = to >= from ? 1 : -1;
    if (Math.abs(to - from) > 100_000) return undefined;
    for (let uid = from; uid !== to + step; uid += step) uids.push(uid);
  }
  return uids;
}
