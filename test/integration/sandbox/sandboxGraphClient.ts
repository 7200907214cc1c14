import { ClientSecretCredential } from '@azure/identity';
import { Client } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import { type M365Sandbox, type M365SandboxOptions, startM365Sandbox, trustSandboxCa } from '../../../tools/m365-sandbox';

export interface SandboxHarness {
  sandbox: M365Sandbox;
  credential: ClientSecretCredential;
  /** The real Graph client, authenticated through @azure/identity against the sandbox's token endpoint. */
  graph: Client;
  /** Plain fetch that trusts the sandbox CA, for raw status codes, headers and bodies. */
  rawFetch: (url: string, init?: RequestInit) => Promise<Response>;
  token: () => Promise<string>;
}

export async function startSandboxHarness(options: M365SandboxOptions = {}): Promise<SandboxHarness> {
  const sandbox = await startM365Sandbox(options);
  const ca = sandbox.caCertificatePem!;
  const credential = new ClientSecretCredential(sandbox.tenantId, sandbox.clientId, sandbox.clientSecret, {
    authorityHost: sandbox.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca },
  });
  const graph = Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(credential, { scopes: ['https://graph.microsoft.com/.default'] }),
    baseUrl: `${sandbox.origin}/`,
    customHosts: new Set([sandbox.graphHost]),
    fetchOptions: trustSandboxCa(ca),
  });
  const trust = trustSandboxCa(ca);
  const rawFetch = async (url: string, init: RequestInit = {}): Promise<Response> => fetch(url, { ...init, ...trust });
  const token = async (): Promise<string> => (await credential.getToken('https://graph.microsoft.com/.default')).token;
  return { sandbox, credential, graph, rawFetch, token };
}

/** Runs a Graph call expected to fail and returns the GraphError the client threw. */
export async function graphFailure(
  call: () => Promise<unknown>,
): Promise<{ statusCode: number; code: string; message: string; body: string; headers?: Headers }> {
  try {
    await call();
  } catch (error) {
    return error as { statusCode: number; code: string; message: string; body: string; headers?: Headers };
  }
  throw new Error('expected the Graph call to fail, but it succeeded');
}

/** Graph's error body: code, message, innerError with request-id and date. */
export function expectGraphErrorBody(body: unknown, code: string): void {
  expect(body).toEqual({
    error: {
      code,
      message: expect.any(String),
      innerError: {
        'request-id': expect.stringMatching(/^[0-9a-f-]{36}$/),
        'client-request-id': expect.any(String),
        date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/),
      },
    },
  });
}
