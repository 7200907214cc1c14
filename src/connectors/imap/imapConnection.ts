/**
 * How to reach and log in to an IMAP server. Shared by the IMAP source and the IMAP target.
 * Passwords and tokens live only in memory, for the lifetime of one connection.
 */
export interface ImapServer {
  host: string;
  port: number;
  /** `tls`: implicit TLS (RFC 8314); `starttls`: upgrade required (RFC 3501 section 6.2.1); `none`: cleartext. */
  security: 'tls' | 'starttls' | 'none';
  /**
   * Cleartext is refused unless this is set. Callers set it only from an explicit, named setting,
   * never from `security: 'none'` alone: MIGRATION_ALLOW_CLEARTEXT_HOSTS listing a migration
   * endpoint's host (cleartextLogin), or TARGET_IMAP_ALLOW_PLAINTEXT for the IMAP target.
   */
  allowPlaintext?: boolean;
  /** Extra trust anchors (PEM), e.g. a self-signed test certificate. Certificates are always verified. */
  caPem?: string;
  /** Name to check the certificate against when `host` is an address. */
  servername?: string;
  /** Socket inactivity limit; imapflow's default is 5 minutes. */
  socketTimeoutMs?: number;
}

/** The mailbox's own account. */
export interface PasswordLogin {
  kind: 'password';
  user: string;
  password: string;
}

/**
 * An administrator logging in on behalf of each mailbox (the IMAP migration CSV's `UserName`
 * column). `loginFormat` builds the login name; `{user}` and `{admin}` are replaced. Dovecot
 * master users use `{user}*{admin}`; Courier and others `{admin}` with SASL PLAIN authzid
 * set `useAuthzid` instead.
 */
export interface AdminLogin {
  kind: 'admin';
  user: string;
  adminUser: string;
  adminPassword: string;
  loginFormat?: string;
  /** Send `user` as the SASL PLAIN authorization identity (RFC 4616) instead of formatting a name. */
  useAuthzid?: boolean;
}

/** OAuth 2.0 bearer token via SASL XOAUTH2, as Exchange Online requires for IMAP. */
export interface OAuth2Login {
  kind: 'oauth2';
  user: string;
  accessToken: string;
}

export type ImapLogin = PasswordLogin | AdminLogin | OAuth2Login;

export const DEFAULT_ADMIN_LOGIN_FORMAT = '{user}*{admin}';
