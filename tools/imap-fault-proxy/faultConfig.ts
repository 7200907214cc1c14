import { z } from 'zod';

const folderUid = z.strictObject({
  /** The folder as the client names it on the wire (`Entw&APw-rfe`) or decoded (`Entwürfe`). */
  folder: z.string().min(1),
  uid: z.number().int().positive(),
});

const statusItem = z.enum(['UIDNEXT', 'UIDVALIDITY']);

export const imapFaultsSchema = z.strictObject({
  /** Capabilities the server seems not to have (UIDPLUS, CONDSTORE, OBJECTID, MOVE, SPECIAL-USE, ENABLE...). */
  hideCapabilities: z.array(z.string().min(1)).default([]),
  /** RFC822.SIZE answers an estimate, as Exchange 2007/2010 do without EnableExactRFC822Size. */
  estimatedSizes: z.boolean().default(false),
  /** A UID FETCH of message content that includes one of these is answered `NO`. */
  fetchNo: z.array(folderUid).default([]),
  /** The content of these messages is replaced by Exchange's "Retrieval using the IMAP4 protocol failed" stub. */
  stubBodies: z.array(folderUid).default([]),
  /** The connection is cut while this message's content is on its way. */
  dropMidLiteral: z
    .array(
      folderUid.extend({
        /** Bytes of the message that reach the client first; default half of it. */
        afterBytes: z.number().int().nonnegative().optional(),
        /** How many fetches are cut before the message passes again. */
        times: z.number().int().positive().default(1),
      }),
    )
    .default([]),
  /** Added to the folder's UIDVALIDITY wherever the server states it: the folder seems renumbered. */
  uidValidityOffset: z.array(z.strictObject({ folder: z.string().min(1), offset: z.number().int() })).default([]),
  /**
   * Items left out of STATUS answers; with `alsoSelect`, the SELECT/EXAMINE response codes too.
   * A plain list means STATUS only.
   */
  statusOmits: z
    .union([z.array(statusItem), z.strictObject({ items: z.array(statusItem), alsoSelect: z.boolean().default(false) })])
    .default([])
    .transform((value) => (Array.isArray(value) ? { items: value, alsoSelect: false } : value)),
  /** APPENDs refused with an RFC 5530 response code; a rule with neither condition refuses every APPEND. */
  appendNo: z
    .array(
      z.strictObject({
        code: z.enum(['TOOBIG', 'OVERQUOTA', 'CANNOT']),
        /** Refused when a message literal is larger than this many bytes. */
        whenLargerThan: z.number().int().nonnegative().optional(),
        /** Refused when a message contains this text (compared as bytes, latin1). */
        whenContains: z.string().min(1).optional(),
        /** Refuse only this many APPENDs; default every matching one. */
        times: z.number().int().positive().optional(),
        text: z.string().optional(),
      }),
    )
    .default([]),
  /**
   * APPENDs the server stores whose answer never reaches the client: the connection is cut instead
   * of relaying the tagged OK (a created item the client was never told about).
   */
  appendLost: z
    .array(
      z.strictObject({
        /** Lost when a message contains this text (compared as bytes, latin1); none means every APPEND. */
        whenContains: z.string().min(1).optional(),
        /** Lose only this many answers; default 1. */
        times: z.number().int().positive().default(1),
      }),
    )
    .default([]),
});

export type ImapFaultsInput = z.input<typeof imapFaultsSchema>;
export type ImapFaults = z.output<typeof imapFaultsSchema>;
export type ImapFaultKind = keyof ImapFaults;

type WithHits<T> = T & { hits: number };
export type DropRule = WithHits<ImapFaults['dropMidLiteral'][number]>;
export type AppendRule = WithHits<ImapFaults['appendNo'][number]>;
export type AppendLossRule = WithHits<ImapFaults['appendLost'][number]>;

/** What applies to one connection's user: the `*` faults and that user's, together. */
export interface EffectiveFaults {
  /** Upper-case capability names that must not be seen. */
  hidden: ReadonlySet<string>;
  estimatedSizes: boolean;
  fetchNo: ImapFaults['fetchNo'];
  stubBodies: ImapFaults['stubBodies'];
  dropMidLiteral: DropRule[];
  uidValidityOffset: ImapFaults['uidValidityOffset'];
  statusOmits: { items: ReadonlySet<'UIDNEXT' | 'UIDVALIDITY'>; alsoSelect: boolean };
  appendNo: AppendRule[];
  appendLost: AppendLossRule[];
}

interface StoredFaults extends Omit<ImapFaults, 'dropMidLiteral' | 'appendNo' | 'appendLost'> {
  dropMidLiteral: DropRule[];
  appendNo: AppendRule[];
  appendLost: AppendLossRule[];
}

/** Everyone's faults: the key used for a rule that applies to every user. */
export const EVERY_USER = '*';

/**
 * The faults of a running proxy, per user, changed at any time: each command and each response is
 * judged with the faults in force at that moment, so a test can switch one on between two commands
 * of a live connection. Counted rules (`times`) start afresh when their user's faults are set again.
 */
export class ImapFaultControls {
  private readonly byUser = new Map<string, StoredFaults>();

  /** Replaces `user`'s faults (`*` for every user). Throws on an unknown or malformed setting. */
  set(user: string, faults: ImapFaultsInput): void {
    const parsed = imapFaultsSchema.parse(faults);
    this.byUser.set(userKey(user), {
      ...parsed,
      dropMidLiteral: parsed.dropMidLiteral.map((rule) => ({ ...rule, hits: 0 })),
      appendNo: parsed.appendNo.map((rule) => ({ ...rule, hits: 0 })),
      appendLost: parsed.appendLost.map((rule) => ({ ...rule, hits: 0 })),
    });
  }

  /** Changes only the given settings of `user`'s faults, keeping the others (and their counts). */
  update(user: string, faults: ImapFaultsInput): void {
    const current = this.byUser.get(userKey(user));
    const parsed = imapFaultsSchema.parse(faults);
    if (!current) {
      this.set(user, faults);
      return;
    }
    const next: StoredFaults = { ...current };
    for (const key of Object.keys(faults) as ImapFaultKind[]) {
      if (key === 'dropMidLiteral') next.dropMidLiteral = parsed.dropMidLiteral.map((rule) => ({ ...rule, hits: 0 }));
      else if (key === 'appendNo') next.appendNo = parsed.appendNo.map((rule) => ({ ...rule, hits: 0 }));
      else if (key === 'appendLost') next.appendLost = parsed.appendLost.map((rule) => ({ ...rule, hits: 0 }));
      else Object.assign(next, { [key]: parsed[key] });
    }
    this.byUser.set(userKey(user), next);
  }

  /** Removes `user`'s faults, or everyone's when called without a user. */
  clear(user?: string): void {
    if (user === undefined) this.byUser.clear();
    else this.byUser.delete(userKey(user));
  }

  /** The faults for a connection logged in as `user` (before login: only the `*` faults). */
  effective(user: string | undefined): EffectiveFaults {
    const sources = [this.byUser.get(EVERY_USER), user === undefined ? undefined : this.byUser.get(userKey(user))].filter(
      (faults): faults is StoredFaults => faults !== undefined,
    );
    const hidden = new Set(sources.flatMap((f) => f.hideCapabilities.map((c) => c.toUpperCase())));
    // QRESYNC is built on CONDSTORE (RFC 7162 section 3.2.3): a server without one has neither.
    if (hidden.has('CONDSTORE')) hidden.add('QRESYNC');
    return {
      hidden,
      estimatedSizes: sources.some((f) => f.estimatedSizes),
      fetchNo: sources.flatMap((f) => f.fetchNo),
      stubBodies: sources.flatMap((f) => f.stubBodies),
      dropMidLiteral: sources.flatMap((f) => f.dropMidLiteral),
      uidValidityOffset: sources.flatMap((f) => f.uidValidityOffset),
      statusOmits: {
        items: new Set(sources.flatMap((f) => f.statusOmits.items)),
        alsoSelect: sources.some((f) => f.statusOmits.alsoSelect),
      },
      appendNo: sources.flatMap((f) => f.appendNo),
      appendLost: sources.flatMap((f) => f.appendLost),
    };
  }
}

/**
 * The mailbox a login names: `alice*admin` (a Dovecot master-user login) and `alice` are the same
 * mailbox, so both get alice's faults. Compared case-insensitively.
 */
export function userKey(login: string): string {
  if (login === EVERY_USER) return EVERY_USER;
  const star = login.indexOf('*');
  return (star > 0 ? login.slice(0, star) : login).toLowerCase();
}
