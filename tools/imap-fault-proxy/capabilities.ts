/**
 * Which capabilities a client may see, and which commands a server without them would not know.
 */

/**
 * Never passed on, whatever the faults: after STARTTLS or COMPRESS (RFC 4978) the stream is
 * encrypted or deflated and the proxy could no longer read it. Tests reach Dovecot in plain text.
 */
export const ALWAYS_HIDDEN: ReadonlySet<string> = new Set(['STARTTLS', 'COMPRESS=DEFLATE']);

/**
 * Commands that exist only with a capability. A client that uses one anyway gets the BAD of a
 * server that never heard of it, instead of a Dovecot answer that would contradict the fault.
 */
const COMMANDS_OF_CAPABILITY: Readonly<Record<string, readonly string[]>> = {
  MOVE: ['MOVE', 'UID MOVE'],
  UIDPLUS: ['UID EXPUNGE'],
  ENABLE: ['ENABLE'],
  IDLE: ['IDLE'],
  NAMESPACE: ['NAMESPACE'],
  UNSELECT: ['UNSELECT'],
  ID: ['ID'],
};

export function isHidden(capability: string, hidden: ReadonlySet<string>): boolean {
  const name = capability.toUpperCase();
  return ALWAYS_HIDDEN.has(name) || hidden.has(name);
}

/** Capability names (atoms) with the hidden ones removed; `removed` counts those dropped by a fault. */
export function filterCapabilities(names: readonly string[], hidden: ReadonlySet<string>): { kept: string[]; removed: number } {
  const kept = names.filter((name) => !isHidden(name, hidden));
  const removed = names.filter((name) => hidden.has(name.toUpperCase())).length;
  return { kept, removed };
}

/** The hidden capability a command needs, if any (`command` upper-case, `UID MOVE` style). */
export function capabilityMissingFor(command: string, hidden: ReadonlySet<string>): string | undefined {
  for (const [capability, commands] of Object.entries(COMMANDS_OF_CAPABILITY)) {
    if (hidden.has(capability) && commands.includes(command)) return capability;
  }
  return undefined;
}

/** RFC 6154 attributes a server without SPECIAL-USE would not put on LIST answers. */
export const SPECIAL_USE_ATTRIBUTES: ReadonlySet<string> = new Set(['\\ALL', '\\ARCHIVE', '\\DRAFTS', '\\FLAGGED', '\\JUNK', '\\SENT', '\\TRASH']);
