import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Issue 12: the azd hooks in dry-run mode. azd and az cannot reach Azure here, so each is a recording
 * script on PATH that answers from a fixed environment; the hooks' own logic (what they refuse, what they
 * generate, the what-if they run) is what is checked.
 */
const root = path.resolve(__dirname, '..', '..', '..');
let bin: string;

function fakeTools(env: Record<string, string>, keys = 'key-123'): string {
  const log = path.join(bin, 'calls.log');
  const values = Object.entries(env)
    .map(([k, v]) => `  ${k}) echo '${v}';;`)
    .join('\n');
  writeFileSync(
    path.join(bin, 'azd'),
    `#!/bin/sh\necho "azd $*" >> ${log}\nif [ "$1 $2" = "env get-value" ]; then case "$3" in\n${values}\n  *) exit 1;;\nesac; fi\n`,
  );
  writeFileSync(
    path.join(bin, 'az'),
    `#!/bin/sh\necho "az $*" >> ${log}\ncase "$*" in\n  *"keys list"*) echo '${keys}';;\n  *"functionapp show"*) echo 'func-mig.azurewebsites.net';;\nesac\n`,
  );
  chmodSync(path.join(bin, 'azd'), 0o755);
  chmodSync(path.join(bin, 'az'), 0o755);
  writeFileSync(log, '');
  return log;
}

function hook(name: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('sh', [path.join(root, 'infra', 'hooks', name)], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, DRY_RUN: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeEach(() => {
  bin = mkdtempSync(path.join(tmpdir(), 'azd-hooks-'));
});

afterEach(() => {
  rmSync(bin, { recursive: true, force: true });
});

const required = {
  AZURE_RESOURCE_GROUP: 'rg-mig',
  GRAPH_TENANT_ID: 't',
  GRAPH_CLIENT_ID: 'c',
  GRAPH_CLIENT_SECRET: 's',
  NOTIFICATION_SENDER: 'migration@contoso.com',
  ONPREM_DIRECTORY: 'none',
};

describe('the azd hooks (dry run)', () => {
  it('preprovision names every setting that is missing, and changes nothing', () => {
    const log = fakeTools({ AZURE_RESOURCE_GROUP: 'rg-mig', GRAPH_TENANT_ID: 't' });
    const result = hook('preprovision.sh');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('GRAPH_CLIENT_ID GRAPH_CLIENT_SECRET NOTIFICATION_SENDER ONPREM_DIRECTORY');
    expect(readFileSync(log, 'utf8')).not.toContain('env set');
  });

  it('preprovision makes the sealing key once: a 32-byte base64 value, and none when one is kept', () => {
    fakeTools(required);
    const made = hook('preprovision.sh');
    expect(made.status).toBe(0);
    const key = /dry run: azd env set MIGRATION_ENCRYPTION_KEY (\S+)/.exec(made.stdout)?.[1];
    expect(Buffer.from(key ?? '', 'base64')).toHaveLength(32);
    fakeTools({ ...required, MIGRATION_ENCRYPTION_KEY: 'kept' });
    expect(hook('preprovision.sh').stdout).not.toContain('env set');
  });

  it('preprovision refuses a directory choice other than ldap or none, and ldap without its URL', () => {
    fakeTools({ ...required, ONPREM_DIRECTORY: 'maybe' });
    expect(hook('preprovision.sh')).toMatchObject({ status: 1, stderr: expect.stringContaining('ONPREM_DIRECTORY must be ldap') });
    fakeTools({ ...required, ONPREM_DIRECTORY: 'ldap' });
    expect(hook('preprovision.sh')).toMatchObject({ status: 1, stderr: expect.stringContaining('set ONPREM_LDAP_URL') });
  });

  it('postdeploy subscribes the blobs webhook with the blobs_extension key, as a what-if', () => {
    const log = fakeTools({ AZURE_RESOURCE_GROUP: 'rg-mig', AZURE_FUNCTION_APP_NAME: 'func-mig', AZURE_EVENTGRID_TOPIC_NAME: 'evgt-stmig' });
    expect(hook('postdeploy.sh').status).toBe(0);
    const calls = readFileSync(log, 'utf8');
    expect(calls).toContain('az functionapp keys list --resource-group rg-mig --name func-mig --query systemKeys.blobs_extension');
    expect(calls).toContain('az deployment group what-if --resource-group rg-mig --name batch-intake-events --template-file infra/eventSubscription.bicep');
    expect(calls).toContain(
      'webhookEndpoint=https://func-mig.azurewebsites.net/runtime/webhooks/blobs?functionName=Host.Functions.batchIntakeBlob&code=key-123',
    );
  });
});
