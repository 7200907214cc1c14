import { createHash } from 'node:crypto';

/**
 * Names of the secrets that hold endpoints' admin passwords, in Key Vault (Azure) or the local
 * secret store. Key Vault secret names are 1 to 127 characters of `0-9 a-z A-Z -` and are not
 * case-sensitive, so an endpoint name (which may hold `.` and `_`) cannot be used as it is:
 * https://learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates#objects-identifiers-and-versioning
 *
 * A name is a readable part (the endpoint name with every other character as a dash) and the
 * SHA-256 of the endpoint's identity, its lower-cased name (endpoints are keyed case-insensitively).
 * The readable part alone is not unique (`ex.2007`, `ex_2007` and `ex-2007` all read `ex-2007`);
 * the digest is, so two endpoints never share a secret.
 */
const READABLE_MAX = 40;

export function endpointSecretName(endpointName: string): string {
  const identity = endpointName.toLowerCase();
  const readable = identity
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, READABLE_MAX)
    .replace(/-+$/, '');
  const digest = createHash('sha256').update(identity, 'utf8').digest('hex');
  return `endpoint-${readable ? `${readable}-` : ''}${digest}`;
}

/**
 * The name endpoints created before secret names were made unique point at: the readable part
 * only, so endpoints whose names differ only in `.`, `_` and `-` shared one secret, and the last
 * one created overwrote the others' passwords. Kept only to read such endpoints safely.
 */
export function legacyEndpointSecretName(endpointName: string): string {
  return `endpoint-${endpointName.toLowerCase().replace(/[^a-z0-9-]/g, '-')}-password`;
}
