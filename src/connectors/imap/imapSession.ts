import { ImapFlow } from 'imapflow';

import { MigrationError } from '../../core/errors/migrationError';
import { closeImapClient } from './closeImapClient';
import type { ImapLogin, ImapServer } from './imapConnection';
import { toImapFlowOptions, toLoginName } from './toImapFlowOptions';
import { type ErrorContext, toMailError } from './toMailError';
import { MailErrorCode } from '../../core/errors/migrationErrorCode';

/**
 * One imapflow connection of an IMAP source or target: connected on demand, replaced when it dropped,
 * and the context (server, login, folder; never the password) its errors carry.
 */
export class ImapSession {
  private client: ImapFlow | undefined;

  constructor(
    private readonly server: ImapServer,
    private readonly login: ImapLogin,
    private readonly side: ErrorContext['side'],
  ) {}

  async connect(): Promise<void> {
    if (this.client?.usable) return;
    this.client?.close(); // a dropped connection is replaced, not leaked
    const client = new ImapFlow(toImapFlowOptions(this.server, this.login));
    // imapflow emits 'error' on socket failures; without a listener Node would crash the host.
    // The failing command rejects as well, and that is where the error is mapped.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      client.close();
      throw toMailError(error, this.context());
    }
    this.client = client;
  }

  /** The open connection; a NotConnected error before `connect()`. */
  require(): ImapFlow {
    if (!this.client) throw new MigrationError(MailErrorCode.NotConnected, `The IMAP ${this.side} is not connected: call connect() first.`);
    return this.client;
  }

  /** Selects a folder (EXAMINE when read-only) and holds imapflow's lock on it until released. */
  async lock(folder: string, options: { readOnly: boolean }): Promise<{ release(): void }> {
    try {
      return await this.require().getMailboxLock(folder, options.readOnly ? { readOnly: true } : {});
    } catch (error) {
      throw toMailError(error, this.context(folder));
    }
  }

  context(folder?: string): ErrorContext {
    return { side: this.side, server: `${this.server.host}:${this.server.port}`, login: toLoginName(this.login), folder };
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await closeImapClient(client);
  }
}
