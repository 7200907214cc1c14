import type { ImapFlow } from 'imapflow';

/** Logs out politely (RFC 3501 LOGOUT); a connection that cannot is simply dropped. */
export async function closeImapClient(client: ImapFlow | undefined): Promise<void> {
  if (!client) return;
  try {
    await client.logout();
  } catch {
    client.close();
  }
}
