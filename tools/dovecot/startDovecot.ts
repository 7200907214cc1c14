import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

import { createSelfSignedCert } from './createSelfSignedCert';
import { findFreePort } from '../net/findFreePort';
import { PortTakenError, retryWhenPortTaken } from '../net/retryWhenPortTaken';
import { waitUntilServing } from '../net/waitUntilServing';
import { spawnServer } from '../process/spawnServer';
import { renderDovecotConfig, renderOAuth2Settings } from './renderDovecotConfig';
import { type DovecotUser, writePasswdFile } from './writePasswdFile';

export type { DovecotUser } from './writePasswdFile';

export interface StartDovecotOptions {
  users: DovecotUser[];
  /** Hierarchy delimiter of the (only) namespace. Default `/`. */
  separator?: '/' | '.';
  /** Courier/Cyrus layout: folders are listed as `INBOX.Sent`, `INBOX.Archiv.2007`. */
  inboxPrefix?: boolean;
  /**
   * Maildir layout: `maildir++` (default, Courier-compatible; folder names cannot contain `.`)
   * or `fs` (one directory per level; names may contain `.`).
   */
  layout?: 'maildir++' | 'fs';
  /** Dovecot master user; log in as `<user>*<master>` with the master's password. */
  masterUser?: DovecotUser;
  /**
   * Accept SASL XOAUTH2/OAUTHBEARER tokens, checked by POSTing them to this RFC 7662 token
   * introspection URL (served by the test, answering `{ "active": true, "username": "..." }`).
   */
  oauth2IntrospectionUrl?: string;
  /** Also serve implicit TLS (a second port) and STARTTLS on the plain port, with a fresh self-signed cert. */
  tls?: boolean;
}

export interface RunningDovecot {
  host: string;
  /** Plain IMAP port (STARTTLS offered there when `tls` was asked for). */
  port: number;
  separator: '/' | '.';
  masterUser: DovecotUser;
  /** Implicit-TLS port and the certificate to trust, when started with `tls: true`. */
  tls?: { port: number; certPem: string };
  /** `<mailRoot>/<user>/Maildir` is each user's Maildir. */
  mailRoot: string;
  logPath: string;
  addUser(name: string, password: string): Promise<void>;
  stop(): Promise<void>;
}

const DOVECOT_BINARY = '/usr/sbin/dovecot';
/** Generous for a loaded 2-core machine; a Dovecot that fails (a bad config) is reported at once. */
const START_TIMEOUT_MS = 60_000;

/**
 * Starts a private Dovecot (Debian `dovecot-core` + `dovecot-imapd`, 2.3.x) on 127.0.0.1 and a
 * free port, with its config, sockets, logs, passwd-files and Maildirs in one temporary folder.
 * It runs in the foreground (`-F`) as a child of this process, in a process group of its own and
 * tethered to this process (spawnServer): stop(), or this process dying by any means, ends it and
 * every Dovecot child with it; stop() (or the tether) also removes the folder.
 *
 * Privileges: Dovecot started as root drops privileges and refuses to access mail as uid 0, so
 * as root the mail belongs to `nobody`, and the internal/login processes run as the `dovecot`
 * and `dovenull` accounts that the Debian package creates; the temporary folder is made 0755 so
 * they can reach the sockets and passwd-files. Started by a normal user, everything runs as that
 * user and chroot (root only) is switched off.
 */
export async function startDovecot(options: StartDovecotOptions): Promise<RunningDovecot> {
  if (!existsSync(DOVECOT_BINARY)) {
    throw new Error('Dovecot is not installed: apt-get install -y dovecot-core dovecot-imapd');
  }
  return retryWhenPortTaken(() => startOnce(options));
}

async function startOnce(options: StartDovecotOptions): Promise<RunningDovecot> {
  const root = await mkdtemp(join(tmpdir(), 'dovecot-'));
  await chmod(root, 0o755);
  const privileges = privilegeSettings();
  const mailRoot = join(root, 'mail');
  await mkdir(mailRoot);
  if (privileges.root) await chown(mailRoot, privileges.mailUid, privileges.mailGid);

  const masterUser = options.masterUser ?? { name: 'admin', password: randomBytes(9).toString('base64url') };
  let users = [...options.users];
  await writePasswdFile(join(root, 'users'), users);
  await writePasswdFile(join(root, 'master-users'), [masterUser]);

  const port = await findFreePort();
  const cert = options.tls ? await createSelfSignedCert(root) : undefined;
  const tlsPort = cert ? await findFreePort() : 0;
  const separator = options.separator ?? '/';
  const configPath = join(root, 'dovecot.conf');
  const oauth2SettingsPath = options.oauth2IntrospectionUrl ? join(root, 'oauth2.conf.ext') : undefined;
  if (oauth2SettingsPath) await writeFile(oauth2SettingsPath, renderOAuth2Settings(options.oauth2IntrospectionUrl ?? ''));
  await writeFile(
    configPath,
    renderDovecotConfig({
      root,
      port,
      separator,
      inboxPrefix: options.inboxPrefix ?? false,
      layout: options.layout ?? 'maildir++',
      mailUid: privileges.mailUid,
      mailGid: privileges.mailGid,
      internalUser: privileges.internalUser,
      internalGroup: privileges.internalGroup,
      loginUser: privileges.loginUser,
      unprivileged: !privileges.root,
      tls: cert ? { certPath: cert.certPath, keyPath: cert.keyPath, tlsPort } : undefined,
      oauth2SettingsPath,
    }),
  );

  const logPath = join(root, 'dovecot.log');
  const server = spawnServer(DOVECOT_BINARY, ['-F', '-c', configPath], { removeFolderOnDeath: root });
  let output = '';
  server.child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = server.exited;

  // SIGKILL to the whole group, not SIGTERM: the master's own shutdown takes about a second, and
  // nothing in this throwaway server is worth it (its folder is removed next).
  const stop = async (): Promise<void> => {
    await server.kill();
    await rm(root, { recursive: true, force: true });
  };

  try {
    await waitForGreeting(port, exited);
  } catch (error) {
    const log = await readFile(logPath, 'utf8').catch(() => '');
    await stop();
    const details = `${output}\n${log}`.trim();
    if (/Address already in use/.test(details)) throw new PortTakenError(details);
    throw new Error(`Dovecot did not start: ${(error as Error).message}\n${details}`);
  }

  return {
    host: '127.0.0.1',
    port,
    separator,
    masterUser,
    tls: cert ? { port: tlsPort, certPem: cert.certPem } : undefined,
    mailRoot,
    logPath,
    addUser: async (name, password) => {
      users = [...users.filter((u) => u.name !== name), { name, password }];
      await writePasswdFile(join(root, 'users'), users);
    },
    stop,
  };
}

interface Privileges {
  root: boolean;
  mailUid: number;
  mailGid: number;
  internalUser: string;
  internalGroup: string;
  loginUser: string;
}

function privilegeSettings(): Privileges {
  const me = userInfo();
  if (me.uid !== 0) {
    const group = new RegExp(`^([^:]+):[^:]*:${me.gid}:`, 'm').exec(readFileSync('/etc/group', 'utf8'))?.[1];
    return {
      root: false,
      mailUid: me.uid,
      mailGid: me.gid,
      internalUser: me.username,
      internalGroup: group ?? me.username,
      loginUser: me.username,
    };
  }
  const nobody = /^nobody:[^:]*:(\d+):(\d+):/m.exec(readFileSync('/etc/passwd', 'utf8'));
  return {
    root: true,
    mailUid: Number(nobody?.[1] ?? 65534),
    mailGid: Number(nobody?.[2] ?? 65534),
    internalUser: 'dovecot',
    internalGroup: 'dovecot',
    loginUser: 'dovenull',
  };
}

/** Resolves once the server sends its `* OK` greeting (RFC 3501 section 7.1.1). */
async function waitForGreeting(port: number, exited: Promise<void>): Promise<void> {
  await waitUntilServing(() => readsGreeting(port), exited, START_TIMEOUT_MS, `greeting on port ${port}`);
}

function readsGreeting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let text = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => finish(false));
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.includes('\r\n')) finish(text.startsWith('* OK'));
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
  });
}
