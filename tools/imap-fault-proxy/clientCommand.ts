import { ImapSyntaxError, type ImapNode, nodeString, parseUnit } from './imapSyntax';
import type { WireUnit } from './wireUnit';

/** A client command taken apart: `a7 UID FETCH 1:5 (BODY.PEEK[])` → tag a7, name `UID FETCH`, args. */
export interface ClientCommand {
  tag: string;
  /** Upper case; `UID` joined with the command it prefixes. */
  name: string;
  args: ImapNode[];
}

/** Undefined for lines that are not commands (IDLE's `DONE`, a SASL response) or do not parse. */
export function parseClientCommand(unit: WireUnit): ClientCommand | undefined {
  let nodes: ImapNode[];
  try {
    nodes = parseUnit(unit);
  } catch (error) {
    if (error instanceof ImapSyntaxError) return undefined;
    throw error;
  }
  const [tagNode, nameNode, ...rest] = nodes;
  const tag = tagNode?.kind === 'atom' ? tagNode.value : undefined;
  let name = nameNode?.kind === 'atom' ? nameNode.value.toUpperCase() : undefined;
  if (tag === undefined || name === undefined) return undefined;
  let args = rest;
  if (name === 'UID' && rest[0]?.kind === 'atom') {
    name = `UID ${rest[0].value.toUpperCase()}`;
    args = rest.slice(1);
  }
  return { tag, name, args };
}

/**
 * The mailbox user a login or SASL exchange names: LOGIN's first argument, or from SASL PLAIN
 * (RFC 4616: authzid NUL authcid NUL password) the authorization identity when there is one
 * (Dovecot's master-user login by authzid), else the authentication identity. XOAUTH2 and
 * OAUTHBEARER carry `user=...` / `a=...`.
 */
export function saslUser(mechanism: string, base64: string): string | undefined {
  const decoded = Buffer.from(base64, 'base64').toString('utf8');
  switch (mechanism.toUpperCase()) {
    case 'PLAIN': {
      const [authzid, authcid] = decoded.split('\u0000');
      return authzid || authcid || undefined;
    }
    case 'XOAUTH2':
      return decoded
        .split('\u0001')
        .find((field) => field.startsWith('user='))
        ?.slice('user='.length);
    case 'OAUTHBEARER':
      return /^n,a=([^,]*),/.exec(decoded)?.[1]?.replace(/=2C/g, ',').replace(/=3D/g, '=');
    default:
      return undefined;
  }
}

/** The string value of argument `index` (atom, quoted or literal). */
export function argString(command: ClientCommand, index: number): string | undefined {
  return nodeString(command.args[index]);
}
