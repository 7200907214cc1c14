import { ImapMailSource } from '../../../src/connectors/imap/imapMailSource';
import { toAdminLoginName, toImapFlowOptions } from '../../../src/connectors/imap/toImapFlowOptions';
import { type RunningDovecot, startDovecot } from '../../../tools/dovecot/startDovecot';
import { plainServer, rawClient } from './imapTestClients';

const FRANK = { name: 'frank', password: 'frank-pw' };
let dovecot: RunningDovecot;

beforeAll(async () => {
  dovecot = await startDovecot({ users: [FRANK], masterUser: { name: 'migrator', password: 'migrator-pw' } });
  const client = await rawClient(dovecot, FRANK.name, FRANK.password);
  await client.mailboxCreate('Nur für Frank');
  await client.logout();
});

afterAll(async () => {
  await dovecot?.stop();
});

describe('IMAP login forms', () => {
  it.each([
    ['{user}*{admin}', 'frank*migrator'],
    ['{admin}#{user}', 'migrator#frank'],
  ])('builds the per-user admin login name from the format %s', (format, expected) => {
    expect(toAdminLoginName('frank', 'migrator', format)).toBe(expected);
  });

  it('logs in as the mailbox with the admin credentials sent as SASL PLAIN authzid (RFC 4616)', async () => {
    const source = new ImapMailSource(plainServer(dovecot), {
      kind: 'admin',
      user: FRANK.name,
      adminUser: 'migrator',
      adminPassword: 'migrator-pw',
      useAuthzid: true,
    });
    await source.connect();
    try {
      expect((await source.listFolders()).map((f) => f.path)).toContain('Nur für Frank');
    } finally {
      await source.close();
    }
  });

  it('passes an OAuth access token for XOAUTH2 and no password', () => {
    const options = toImapFlowOptions(
      { host: 'outlook.office365.com', port: 993, security: 'tls' },
      { kind: 'oauth2', user: 'frank@contoso.example', accessToken: 'token-value' },
    );
    expect(options.auth).toEqual({ user: 'frank@contoso.example', accessToken: 'token-value' });
    expect(options).toMatchObject({ secure: true, tls: { rejectUnauthorized: true } });
  });

  it('requires TLS after STARTTLS instead of upgrading only when offered', () => {
    const options = toImapFlowOptions({ host: 'mail.legacy.example', port: 143, security: 'starttls' }, { kind: 'password', user: 'u', password: 'p' });
    expect(options).toMatchObject({ secure: false, doSTARTTLS: true });
  });
});
