import type { MigrationEndpoint } from './migrationEndpoint';

/**
 * The one setting that allows a login without TLS to a migration endpoint: a list of host names
 * or addresses, compared exactly (case-insensitively) with the endpoint's `host`. There is no
 * wildcard and no loopback exemption, so a test server on 127.0.0.1 is listed like any other.
 */
export const CLEARTEXT_HOSTS_SETTING = 'MIGRATION_ALLOW_CLEARTEXT_HOSTS';

export interface CleartextDecision {
  /** Whether the endpoint's credentials may be sent without TLS. */
  allowed: boolean;
  /** What the endpoint's view says about it, e.g. `allowed by MIGRATION_ALLOW_CLEARTEXT_HOSTS`. */
  status: string;
}

/** The setting's value as hosts: separated by commas, semicolons or spaces; `*` is refused, not taken as a wildcard. */
export function parseCleartextHosts(value: string | undefined): { hosts: string[] } | { error: string } {
  const hosts = (value ?? '')
    .split(/[\s,;]+/)
    .map(normaliseHost)
    .filter((h) => h.length > 0);
  const wildcard = hosts.find((h) => h.includes('*'));
  if (wildcard !== undefined) {
    return { error: `${CLEARTEXT_HOSTS_SETTING} lists host names or addresses exactly; "${wildcard}" is not one (there are no wildcards).` };
  }
  return { hosts };
}

/**
 * Whether an endpoint may log in without TLS: only when its `security` is `none` and its host is
 * listed in MIGRATION_ALLOW_CLEARTEXT_HOSTS. `security: 'none'` alone is never enough.
 */
export function cleartextLogin(endpoint: Pick<MigrationEndpoint, 'host' | 'security'>, allowedHosts: readonly string[]): CleartextDecision {
  if (endpoint.security === 'tls') return { allowed: false, status: 'never: implicit TLS' };
  if (endpoint.security === 'starttls') return { allowed: false, status: 'never: STARTTLS is required before login' };
  if (allowedHosts.includes(normaliseHost(endpoint.host))) return { allowed: true, status: `allowed by ${CLEARTEXT_HOSTS_SETTING}` };
  return { allowed: false, status: `refused: security is none and ${endpoint.host} is not in ${CLEARTEXT_HOSTS_SETTING}` };
}

/** Why creating such an endpoint is refused, naming the field and the setting. */
export function cleartextRefusal(host: string): string {
  return (
    `security "none" sends the admin and user passwords without TLS, and ${host} is not in the setting ${CLEARTEXT_HOSTS_SETTING}. ` +
    `Use tls or starttls, or have the app's administrator add ${host} to ${CLEARTEXT_HOSTS_SETTING} (for a test server or a trusted network only).`
  );
}

function normaliseHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
}
