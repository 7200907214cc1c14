import { appSettingsOf, optionalInReadme, parameterProblems, problemsOf, secretsWritten, settingsTheAppReads } from '../../../tools/infra/checkSettings';

const template = {
  resources: [
    {
      type: 'Microsoft.Resources/deployments',
      properties: {
        template: {
          resources: [
            { type: 'Microsoft.KeyVault/vaults/secrets', name: "[format('{0}/{1}', parameters('name'), 'graph-client-secret')]" },
            {
              type: 'Microsoft.Web/sites',
              properties: {
                siteConfig: {
                  appSettings: [
                    {
                      name: 'GRAPH_CLIENT_SECRET',
                      value: "[format('@Microsoft.KeyVault(VaultName={0};SecretName=graph-client-secret)', parameters('vault'))]",
                    },
                    {
                      name: 'MIGRATION_ENCRYPTION_KEY',
                      value: "[format('@Microsoft.KeyVault(VaultName={0};SecretName=migration-encryption-key)', parameters('vault'))]",
                    },
                    { name: 'AzureWebJobsStorage__accountName', value: 'st1' },
                  ],
                },
              },
            },
          ],
        },
      },
    },
  ],
};

const readme = [
  '## Settings',
  '| Setting | Meaning | In Azure |',
  '|---|---|---|',
  '| `MIGRATION_TARGET`, `TARGET_IMAP_HOST` | Target. | optional: Graph |',
  '| `GRAPH_CLIENT_SECRET`, `GRAPH_BASE_URL` | Graph. | set by infra; `GRAPH_BASE_URL` optional: the global Graph |',
  '',
].join('\n');

describe('the infra settings cross-check', () => {
  it('reads app settings and written secrets out of nested deployments', () => {
    expect([...appSettingsOf(template).keys()]).toEqual(['GRAPH_CLIENT_SECRET', 'MIGRATION_ENCRYPTION_KEY', 'AzureWebJobsStorage__accountName']);
    expect([...secretsWritten(template)]).toEqual(['graph-client-secret']);
  });

  it('takes a row as optional when its "In Azure" cell begins so, or only the names that cell itself gives as optional', () => {
    expect([...optionalInReadme(readme)].sort()).toEqual(['GRAPH_BASE_URL', 'MIGRATION_TARGET', 'TARGET_IMAP_HOST']);
  });

  it('fails a setting added to the app without infra or documentation, and a Key Vault reference to a secret nobody writes', () => {
    const problems = problemsOf(template, readme, new Set(['GRAPH_CLIENT_SECRET', 'GRAPH_BASE_URL', 'AzureWebJobsStorage', 'NEW_SETTING']));
    expect(problems).toEqual([
      expect.stringContaining('NEW_SETTING is read by the app'),
      expect.stringContaining('"migration-encryption-key", which the deployment never writes'),
    ]);
  });

  it('fails a parameters file that sets an undeclared parameter or leaves out one without a default', () => {
    const declared = {
      parameters: { appName: { type: 'string' }, location: { type: 'string', allowedValues: ['westeurope'] }, subnetId: { type: 'string', defaultValue: '' } },
    };
    expect(parameterProblems(declared, { parameters: { appName: { value: 'x' }, location: { value: '${AZURE_LOCATION}' } } })).toEqual([]);
    expect(parameterProblems(declared, { parameters: { appName: { value: 'x' }, region: { value: 'westeurope' } } })).toEqual([
      expect.stringContaining('sets "region", which infra/main.bicep does not declare'),
      expect.stringContaining('parameter "location" has no default'),
    ]);
  });

  it('finds the settings the app reads, binding expressions included', () => {
    const read = settingsTheAppReads();
    for (const name of ['GRAPH_CLIENT_SECRET', 'NOTIFICATION_QUEUE', 'MIGRATION_ALLOW_CLEARTEXT_HOSTS', 'MIGRATION_COPY_LEASE_SECONDS'])
      expect(read).toContain(name);
  });
});
