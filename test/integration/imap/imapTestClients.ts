import { ImapFlow } from 'imapflow';

import type { ImapServer } from '../../../src/connectors/imap/imapConnection';
import type { RunningDovecot } from '../../../tools/dovecot/startDovecot';

/** The plain-IMAP endpoint of a test Dovecot (cleartext is allowed explicitly, for tests only). */
export function plainServer(dovecot: RunningDovecot): ImapServer {
  return { host: dovecot.host, port: dovecot.port, security: 'none', allowPlaintext: true };
}

/** A raw imapflow connection for seeding and for checking what the connectors did. */
export async function rawClient(dovecot: RunningDovecot, user: string, password: string): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: dovecot.host,
    port: dovecot.port,
    secure: false,
    doSTARTTLS: false,
    logger: false,
    disableAutoIdle: true,
    auth: { user, pass: password },
  });
  await client.connect();
  return client;
}
