import type { ImapServer } from '../../../src/connectors/imap/imapConnection';
import { ImapMailSource } from '../../../src/connectors/imap/imapMailSource';
import { type RunningDovecot, startDovecot } from '../../../tools/dovecot/startDovecot';

const ERIN = { name: 'erin', password: 'erin-tls-pw' };
let dovecot: RunningDovecot;

beforeAll(async () => {
  dovecot = await startDovecot({ users: [ERIN], tls: true });
});

afterAll(async () => {
  await dovecot?.stop();
});

async function inboxOver(server: ImapServer): Promise<string[]> {
  const source = new ImapMailSource(server, { kind: 'password', user: ERIN.name, password: ERIN.password });
  await source.connect();
  try {
    return (await source.listFolders()).map((f) => f.path);
  } finally {
    await source.close();
  }
}

describe('IMAP source over TLS', () => {
  it('connects with implicit TLS, verifying the server certificate', async () => {
    const server: ImapServer = { host: dovecot.host, port: dovecot.tls!.port, security: 'tls', caPem: dovecot.tls!.certPem };
    expect(await inboxOver(server)).toContain('INBOX');
  });

  it('connects with STARTTLS on the plain port', async () => {
    const server: ImapServer = { host: dovecot.host, port: dovecot.port, security: 'starttls', caPem: dovecot.tls!.certPem };
    expect(await inboxOver(server)).toContain('INBOX');
  });

  it('refuses a certificate it cannot verify with a permanent TlsFailed', async () => {
    const server: ImapServer = { host: dovecot.host, port: dovecot.tls!.port, security: 'tls' };
    await expect(inboxOver(server)).rejects.toMatchObject({ code: 'TlsFailed', errorClass: 'permanent' });
  });
});
