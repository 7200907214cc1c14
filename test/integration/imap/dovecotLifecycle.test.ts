import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import { ImapFlow } from 'imapflow';

import { startDovecot } from '../../../tools/dovecot/startDovecot';

/** The master names its config path; every service process carries the instance name in its title. */
function dovecotProcessesFor(configRoot: string, port: number): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(configRoot) || line.includes(`dovecot-test-${port}/`));
}

describe('test Dovecot', () => {
  it('serves IMAP on 127.0.0.1 with CONDSTORE, a master user, and leaves nothing behind when stopped', async () => {
    const dovecot = await startDovecot({ users: [{ name: 'alice', password: 'alice-pw' }] });
    const root = dovecot.mailRoot.replace(/\/mail$/, '');
    const client = new ImapFlow({
      host: dovecot.host,
      port: dovecot.port,
      secure: false,
      doSTARTTLS: false,
      logger: false,
      auth: { user: `alice*${dovecot.masterUser.name}`, pass: dovecot.masterUser.password },
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      expect(client.capabilities.has('CONDSTORE')).toBe(true);
      expect(client.capabilities.has('UIDPLUS')).toBe(true);
      // A session still open at stop(): its imap process must not outlive the server.
      expect(dovecotProcessesFor(root, dovecot.port).some((line) => /\/imap\s*$/.test(line))).toBe(true);
    } finally {
      await dovecot.stop();
      client.close();
    }
    expect(dovecotProcessesFor(root, dovecot.port)).toEqual([]);
    expect(existsSync(root)).toBe(false);
  });

  it('accepts users added after start', async () => {
    const dovecot = await startDovecot({ users: [] });
    try {
      await dovecot.addUser('bob', 'bob-pw');
      const client = new ImapFlow({
        host: dovecot.host,
        port: dovecot.port,
        secure: false,
        doSTARTTLS: false,
        logger: false,
        auth: { user: 'bob', pass: 'bob-pw' },
      });
      await client.connect();
      expect(client.authenticated).toBeTruthy();
      await client.logout();
    } finally {
      await dovecot.stop();
    }
  });
});
