import { Agent } from 'undici';

/**
 * Fetch options that trust the sandbox's CA, for clients built on Node's global `fetch` (the Graph
 * client): `fetch` ignores `https.globalAgent` and reads `NODE_EXTRA_CA_CERTS` only at process start,
 * so a test that starts the sandbox in-process passes an undici dispatcher instead.
 * Use as `Client.initWithMiddleware({ ..., fetchOptions: trustSandboxCa(ca) })`.
 */
export function trustSandboxCa(caCertificatePem: string): { dispatcher: Agent } {
  return { dispatcher: new Agent({ connect: { ca: caCertificatePem } }) };
}
