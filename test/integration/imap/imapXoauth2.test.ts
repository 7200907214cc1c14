import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { ImapCopyTarget } from '../../../src/connectors/imap/imapCopyTarget';
import { type RunningDovecot, startDovecot } from '../../../tools/dovecot/startDovecot';
import { plainServer, rawClient } from './imapTestClients';

const GRACE = { name: 'grace', password: 'grace-pw' };
const VALID_TOKEN = 'token-for-grace';
let introspection: Server;
let dovecot: RunningDovecot;
const seenTokens: string[] = [];

beforeAll(async () => {
  // RFC 7662 token introspection: Dovecot POSTs "token=<access token>".
  introspection = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const token = new URLSearchParams(body).get('token') ?? '';
      seenTokens.push(token);
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(token === VALID_TOKEN ? { active: true, username: GRACE.name } : { active: false }));
    });
  });
  await new Promise<void>((resolve) => introspection.listen(0, '127.0.0.1', resolve));
  const { port } = introspection.address() as AddressInfo;
  dovecot = await startDovecot({ users: [GRACE], oauth2IntrospectionUrl: `http://127.0.0.1:${port}/introspect` });
});

afterAll(async () => {
  await dovecot?.stop();
  await new Promise((resolve) => introspection?.close(resolve));
});

describe('IMAP target with XOAUTH2 (as for Exchange Online)', () => {
  it('logs in with an access token and appends', async () => {
    const target = await ImapCopyTarget.connect(plainServer(dovecot), { kind: 'oauth2', user: GRACE.name, accessToken: VALID_TOKEN });
    try {
      const folderId = await target.ensureFolder({ segments: ['Importiert'] });
      const raw = Buffer.from('Subject: via XOAUTH2\r\n\r\nHallo\r\n');
      const item = { uid: 1, raw, flags: ['\\Seen'], internalDate: '2024-03-01T09:00:00.000Z', size: raw.length, marker: '' };
      expect(await target.createItems(folderId, [item])).toEqual([{ ok: true, targetId: expect.stringMatching(/^\d+:1$/) }]);
    } finally {
      await target.close();
    }
    expect(seenTokens).toContain(VALID_TOKEN);
    const check = await rawClient(dovecot, GRACE.name, GRACE.password);
    expect(await check.status('Importiert', { messages: true })).toMatchObject({ messages: 1 });
    await check.logout();
  });

  it('fails an inactive token with TargetAuthFailed', async () => {
    const target = ImapCopyTarget.connect(plainServer(dovecot), { kind: 'oauth2', user: GRACE.name, accessToken: 'expired-token' });
    await expect(target).rejects.toMatchObject({ code: 'TargetAuthFailed', errorClass: 'permanent' });
  });
});
