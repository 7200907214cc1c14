import { readConfig } from '../../../src/config';
import { cleartextLogin, parseCleartextHosts } from '../../../src/core/endpoint/cleartextLogin';
import type { MigrationEndpoint } from '../../../src/core/endpoint/migrationEndpoint';
import type { MigrationMailbox } from '../../../src/core/mailbox/migrationMailbox';
import { toImapFlowOptions } from '../../../src/connectors/imap/toImapFlowOptions';
import { ConnectorFactory } from '../../../src/composition/connectorFactory';

const SETTING = 'MIGRATION_ALLOW_CLEARTEXT_HOSTS';

function endpoint(host: string, security: MigrationEndpoint['security']): MigrationEndpoint {
  return {
    name: 'legacy',
    sourceKind: 'imap',
    host,
    port: 143,
    security,
    adminUserName: 'admin',
    passwordSecretRef: 'x',
    maxConcurrentMigrations: 1,
    maxConcurrentIncrementalSyncs: 1,
    createdAt: '2024-01-01T00:00:00Z',
  };
}

describe('cleartext logins', () => {
  it('are never allowed by security: none alone', () => {
    expect(cleartextLogin(endpoint('127.0.0.1', 'none'), [])).toEqual({
      allowed: false,
      status: `refused: security is none and 127.0.0.1 is not in ${SETTING}`,
    });
    expect(cleartextLogin(endpoint('mail.example.com', 'none'), ['127.0.0.1'])).toMatchObject({ allowed: false });
  });

  it('are allowed for a host named in MIGRATION_ALLOW_CLEARTEXT_HOSTS, and the status says so', () => {
    expect(cleartextLogin(endpoint('Exch2007.Corp.Local', 'none'), ['127.0.0.1', 'exch2007.corp.local'])).toEqual({
      allowed: true,
      status: `allowed by ${SETTING}`,
    });
  });

  it('are never used with tls or starttls, whatever the list says', () => {
    expect(cleartextLogin(endpoint('127.0.0.1', 'tls'), ['127.0.0.1'])).toEqual({ allowed: false, status: 'never: implicit TLS' });
    expect(cleartextLogin(endpoint('127.0.0.1', 'starttls'), ['127.0.0.1'])).toEqual({ allowed: false, status: 'never: STARTTLS is required before login' });
  });

  it('reads the setting as exact hosts, refusing a wildcard', () => {
    expect(parseCleartextHosts(undefined)).toEqual({ hosts: [] });
    expect(parseCleartextHosts(' 127.0.0.1, Exch.Local;[::1]  other ')).toEqual({ hosts: ['127.0.0.1', 'exch.local', '::1', 'other'] });
    expect(parseCleartextHosts('*.corp.local')).toEqual({ error: expect.stringContaining('no wildcards') });
  });

  describe('in the app settings', () => {
    const saved = process.env[SETTING];
    afterEach(() => {
      if (saved === undefined) delete process.env[SETTING];
      else process.env[SETTING] = saved;
    });

    it('are off when the setting is absent, and a wildcard is a configuration error', () => {
      delete process.env[SETTING];
      expect(readConfig().cleartextHosts).toEqual([]);
      process.env[SETTING] = '*';
      expect(() => readConfig()).toThrow(/MIGRATION_ALLOW_CLEARTEXT_HOSTS lists host names or addresses exactly/);
    });

    it('refuse a security: none endpoint whose host is not listed before any byte is sent, naming the setting and not the password', async () => {
      process.env[SETTING] = 'some.other.host';
      const connectors = new ConnectorFactory(readConfig());
      const mailbox = { emailAddress: 'ann@contoso.com', userName: 'ann' } as MigrationMailbox;
      // Port 9 on a documentation address: nothing listens there, so only the guard can answer quickly.
      const attempt = connectors.openSource(endpoint('192.0.2.1', 'none'), mailbox, { endpointPassword: 'Admin-Secret-42' });
      await expect(attempt).rejects.toMatchObject({ code: 'InsecureConnectionRefused', errorClass: 'permanent', message: expect.stringContaining(SETTING) });
      await expect(attempt).rejects.not.toMatchObject({ message: expect.stringContaining('Admin-Secret-42') });
    });
  });

  it('are refused by the IMAP options unless the caller allows them', () => {
    const server = { host: 'mail.example.com', port: 143, security: 'none' as const };
    expect(() => toImapFlowOptions(server, { kind: 'password', user: 'u', password: 'p' })).toThrow(/TARGET_IMAP_ALLOW_PLAINTEXT/);
    expect(toImapFlowOptions({ ...server, allowPlaintext: true }, { kind: 'password', user: 'u', password: 'p' })).toMatchObject({
      secure: false,
      doSTARTTLS: false,
    });
  });
});
