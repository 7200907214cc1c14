import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startM365Sandbox } from '../../../tools/m365-sandbox';
import { startSandboxHarness } from './sandboxGraphClient';

describe('m365-sandbox persistence', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'm365-sandbox-state-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  test('a sandbox restarted on the same folder keeps its tenant, app credentials and mailboxes', async () => {
    const first = await startSandboxHarness({ persistDir: dir });
    first.sandbox.addUser({ userPrincipalName: 'quin@contoso.onmicrosoft.com', licensed: true });
    const created = await first.graph.api('/users/quin@contoso.onmicrosoft.com/mailFolders/inbox/messages').post({ subject: 'kept' });
    await first.sandbox.stop();

    const second = await startSandboxHarness({ persistDir: dir });
    try {
      expect([second.sandbox.tenantId, second.sandbox.clientId, second.sandbox.clientSecret]).toEqual([
        first.sandbox.tenantId,
        first.sandbox.clientId,
        first.sandbox.clientSecret,
      ]);
      const read = await second.graph.api(`/users/quin@contoso.onmicrosoft.com/messages/${created.id}`).get();
      expect(read.subject).toBe('kept');
    } finally {
      await second.sandbox.stop();
    }
  });

  test('a sandbox without a folder starts empty in memory', async () => {
    // How fast it starts is the bench's business (npm run bench -- sandbox), not a test's: a busy machine is slow.
    const sandbox = await startM365Sandbox({ https: false });
    try {
      expect(sandbox.graphBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\.0$/);
      expect(sandbox.store.state.users).toEqual({});
    } finally {
      await sandbox.stop();
    }
  });
});
