import type { ImapFlowOptions } from 'imapflow';

import { MigrationError } from '../../core/errors/migrationError';
import { DEFAULT_ADMIN_LOGIN_FORMAT, type ImapLogin, type ImapServer } from './imapConnection';
import { MailErrorCode } from '../../core/errors/migrationErrorCode';

/** The name an admin login presents, e.g. `alice*admin` for a Dovecot master user. */
export function toAdminLoginName(user: string, adminUser: string, format = DEFAULT_ADMIN_LOGIN_FORMAT): string {
  return format.replaceAll('{user}', user).replaceAll('{admin}', adminUser);
}

/** The login name a connection presents, for logs and error messages (never the secret). */
export function toLoginName(login: ImapLogin): string {
  if (login.kind !== 'admin') return login.user;
  return login.useAuthzid ? login.adminUser : toAdminLoginName(login.user, login.adminUser, login.loginFormat);
}

function toAuth(login: ImapLogin): NonNullable<ImapFlowOptions['auth']> {
  switch (login.kind) {
    case 'password':
      return { user: login.user, pass: login.password };
    case 'oauth2':
      return { user: login.user, accessToken: login.accessToken };
    case 'admin':
      return login.useAuthzid
        ? { user: login.adminUser, pass: login.adminPassword, authzid: login.user, loginMethod: 'AUTH=PLAIN' }
        : { user: toLoginName(login), pass: login.adminPassword };
  }
}

/**
 * The imapflow options for one connection. Credentials never travel without TLS unless the caller
 * passes `allowPlaintext`, which it sets only from an explicit, named setting (see ImapServer).
 */
export function toImapFlowOptions(server: ImapServer, login: ImapLogin): ImapFlowOptions {
  if (server.security === 'none' && !server.allowPlaintext) {
    throw new MigrationError(
      MailErrorCode.InsecureConnectionRefused,
      `Refusing to send credentials to ${server.host}:${server.port} without TLS: use tls or starttls, or allow cleartext for this host ` +
        'by name (MIGRATION_ALLOW_CLEARTEXT_HOSTS for a migration endpoint, TARGET_IMAP_ALLOW_PLAINTEXT for the IMAP target).',
    );
  }
  return {
    host: server.host,
    port: server.port,
    secure: server.security === 'tls',
    // imapflow upgrades opportunistically when doSTARTTLS is unset; an attacker could strip the
    // STARTTLS capability, so it is required (starttls) or explicitly off (none).
    doSTARTTLS: server.security === 'starttls' ? true : server.security === 'none' ? false : undefined,
    servername: server.servername,
    tls: { rejectUnauthorized: true, ...(server.caPem ? { ca: [server.caPem] } : {}) },
    auth: toAuth(login),
    logger: false,
    disableAutoIdle: true,
    socketTimeout: server.socketTimeoutMs,
    clientInfo: { name: 'staged-mailbox-migration' },
  };
}
