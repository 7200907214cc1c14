import type { MigrationBatch } from '../../core/batch/migrationBatch';
import { cleartextLogin } from '../../core/endpoint/cleartextLogin';
import { type MigrationEndpoint, endpointItemTypes } from '../../core/endpoint/migrationEndpoint';
import type { MigrationMailbox } from '../../core/mailbox/migrationMailbox';

/**
 * What the API shows of an endpoint: whether a password is stored, never the password or its
 * reference, and whether its logins may go without TLS and by which setting (`cleartext`).
 */
export function toEndpointView(endpoint: MigrationEndpoint, cleartextHosts: readonly string[]): Record<string, unknown> {
  const { passwordSecretRef, ...rest } = endpoint;
  return {
    ...rest,
    hasPassword: passwordSecretRef !== undefined,
    cleartext: cleartextLogin(endpoint, cleartextHosts).status,
    itemTypes: endpointItemTypes(endpoint),
  };
}

export function toBatchView(batch: MigrationBatch): Record<string, unknown> {
  return { ...batch, links: { self: `/api/batches/${batch.id}`, mailboxes: `/api/batches/${batch.id}/mailboxes` } };
}

/** Mailbox rows carry no password (that lives sealed in its own table); shown as stored. */
export function toMailboxView(mailbox: MigrationMailbox): Record<string, unknown> {
  return { ...mailbox };
}
