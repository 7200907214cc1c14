import { z } from 'zod';
import { USAGE_LOCATION_PATTERN, USAGE_LOCATION_RULE } from '../mailbox/usageLocation';

/**
 * A migration endpoint: where the legacy mailboxes are read from, and how many may be migrated
 * at once (Exchange Online's New-MigrationEndpoint -MaxConcurrentMigrations and
 * -MaxConcurrentIncrementalSyncs). Its password is never held here: only a reference to it.
 */
export interface MigrationEndpoint {
  name: string;
  sourceKind: 'imap' | 'exchange';
  host: string;
  port: number;
  /** `none` logs in without TLS, and only to a host listed in MIGRATION_ALLOW_CLEARTEXT_HOSTS (see cleartextLogin). */
  security: 'tls' | 'starttls' | 'none';
  /** Account that logs in for every mailbox (IMAP admin/master user); absent when each CSV row brings its own. */
  adminUserName?: string;
  /** How the per-user login name is built with an admin account, e.g. `{user}*{admin}` for Dovecot master users. */
  adminLoginFormat?: string;
  /** Name of the secret holding the admin password, in Key Vault (Azure) or the local secret store. */
  passwordSecretRef?: string;
  maxConcurrentMigrations: number;
  maxConcurrentIncrementalSyncs: number;
  /** Usage location for users of this endpoint's batches who have none (two letters), before the tenant's country. */
  defaultUsageLocation?: string;
  /**
   * Where each user's address books and calendars are (CalDAV/CardDAV), e.g. `https://mail.contoso.com/dav/{user}/`;
   * `{user}`, `{localpart}` and `{domain}` are filled in per mailbox. Without it only mail moves.
   */
  davUrl?: string;
  createdAt: string;
}

/** What an endpoint moves: mail always, contacts and calendars when it names a DAV URL. */
export function endpointItemTypes(endpoint: Pick<MigrationEndpoint, 'davUrl'>): string[] {
  return endpoint.davUrl ? ['mail', 'contacts', 'calendars'] : ['mail'];
}

/** A DAV URL template: http(s), no spaces or credentials, and only the placeholders the copy fills in. */
const DAV_URL_PATTERN = /^https?:\/\/[^\s@/]+(?:\/[^\s]*)?$/;
const DAV_PLACEHOLDERS = /\{(?!(?:user|localpart|domain)\})[^}]*\}/;

const DEFAULT_MAX_CONCURRENT_MIGRATIONS = 20;
const DEFAULT_MAX_CONCURRENT_INCREMENTAL_SYNCS = 10;

export const ENDPOINT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const ENDPOINT_NAME_RULE = 'must be 1 to 64 letters, digits, dots, dashes or underscores';

/**
 * A DNS name of at most 253 characters (underscores allowed, as some internal names have them),
 * an IPv4 address, or an IPv6 address with or without brackets. One pattern, so a bad host is one error.
 */
const HOST_PATTERN = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,251}[A-Za-z0-9_])?|\[?[0-9A-Fa-f:.]{2,45}\]?)$/;

/** The body of `POST /api/endpoints`. Unknown fields are refused so a typo is not silently ignored. */
export const endpointInputSchema = z.strictObject({
  name: z.string().regex(ENDPOINT_NAME_PATTERN, ENDPOINT_NAME_RULE),
  sourceKind: z.enum(['imap', 'exchange']).default('imap'),
  host: z.string().regex(HOST_PATTERN, 'must be a host name or an IP address'),
  port: z.number().int().min(1).max(65535).optional(),
  security: z.enum(['tls', 'starttls', 'none']).default('tls'),
  adminUserName: z.string().min(1).max(256).optional(),
  adminLoginFormat: z.string().min(1).max(256).optional(),
  password: z.string().min(1).max(1024).optional(),
  maxConcurrentMigrations: z.number().int().min(1).max(100).default(DEFAULT_MAX_CONCURRENT_MIGRATIONS),
  maxConcurrentIncrementalSyncs: z.number().int().min(1).max(100).default(DEFAULT_MAX_CONCURRENT_INCREMENTAL_SYNCS),
  defaultUsageLocation: z
    .string()
    .regex(USAGE_LOCATION_PATTERN, `must be ${USAGE_LOCATION_RULE}`)
    .transform((code) => code.toUpperCase())
    .optional(),
  davUrl: z
    .string()
    .max(2048)
    .regex(DAV_URL_PATTERN, 'must be an http(s) URL without a login in it, e.g. https://mail.contoso.com/dav/{user}/')
    .refine((url) => !DAV_PLACEHOLDERS.test(url), 'may use only the placeholders {user}, {localpart} and {domain}')
    .optional(),
});
export type EndpointInput = z.infer<typeof endpointInputSchema>;

/** The body of `PATCH /api/endpoints/{name}`: today only the admin password can be set again. */
export const endpointChangeSchema = z.strictObject({
  password: z.string().min(1).max(1024),
});
export type EndpointChange = z.infer<typeof endpointChangeSchema>;

export function defaultPort(security: MigrationEndpoint['security']): number {
  return security === 'tls' ? 993 : 143;
}
