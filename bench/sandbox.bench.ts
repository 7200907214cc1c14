import { ClientSecretCredential } from '@azure/identity';
import { Client } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import { startM365Sandbox, trustSandboxCa } from '../tools/m365-sandbox';

const UPN = 'bench@contoso.onmicrosoft.com';
const MESSAGES = 400;

/**
 * How fast the sandbox takes message creates through the real Graph client: one request per message
 * (at most 4 in flight, the mailbox limit) against `$batch` chains of 20 with `dependsOn`.
 * Prints figures only; the sandbox's own cost is the floor under any copy-engine benchmark.
 */
export default async function sandboxBench(): Promise<void> {
  const started = Date.now();
  const sandbox = await startM365Sandbox();
  console.log(`startup: ${Date.now() - started} ms`);
  sandbox.addUser({ userPrincipalName: UPN, licensed: true });
  const credential = new ClientSecretCredential(sandbox.tenantId, sandbox.clientId, sandbox.clientSecret, {
    authorityHost: sandbox.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: sandbox.caCertificatePem! },
  });
  const graph = Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(credential, { scopes: ['https://graph.microsoft.com/.default'] }),
    baseUrl: `${sandbox.origin}/`,
    customHosts: new Set([sandbox.graphHost]),
    fetchOptions: trustSandboxCa(sandbox.caCertificatePem!),
  });
  const message = (i: number): Record<string, unknown> => ({
    subject: `bench ${i}`,
    body: { contentType: 'text', content: 'x'.repeat(2000) },
    singleValueExtendedProperties: [
      { id: 'Integer 0x0E07', value: '1' },
      { id: 'SystemTime 0x0E06', value: '2010-01-01T00:00:00Z' },
    ],
  });
  try {
    await graph.api('/organization').get();
    let t = Date.now();
    await Promise.all(
      [0, 1, 2, 3].map(async (lane) => {
        for (let i = lane; i < MESSAGES; i += 4) await graph.api(`/users/${UPN}/mailFolders/inbox/messages`).post(message(i));
      }),
    );
    report('single requests, 4 in flight', Date.now() - t);

    t = Date.now();
    for (let offset = 0; offset < MESSAGES; offset += 20) {
      const requests = Array.from({ length: 20 }, (_, i) => ({
        id: String(i + 1),
        method: 'POST',
        url: `/users/${UPN}/mailFolders/inbox/messages`,
        headers: { 'Content-Type': 'application/json' },
        body: message(offset + i),
        ...(i > 0 ? { dependsOn: [String(i)] } : {}),
      }));
      await graph.api('/$batch').post({ requests });
    }
    report('$batch of 20 chained with dependsOn', Date.now() - t);
  } finally {
    await sandbox.stop();
  }
}

function report(label: string, ms: number): void {
  console.log(`${label}: ${MESSAGES} messages in ${ms} ms (${Math.round((MESSAGES * 1000) / ms)} messages/s)`);
}
