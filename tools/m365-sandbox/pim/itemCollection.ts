import type { z } from 'zod';
import { graphErrors } from '../graphError';
import { matchesFilter, parseFilter } from '../http/odataFilter';
import { pageOf } from '../http/odataQuery';
import { parseJsonBody } from '../http/parseJsonBody';
import type { SandboxRequest, SandboxResponse } from '../http/sandboxRequest';
import { newExchangeId } from '../store/graphIds';
import type { TenantStore } from '../store/tenantStore';
import type { ItemRecord, MailboxRecord } from '../store/types';
import { nowIso } from '../mail/createMessage';

/** What differs between contacts and events; the create/list/get logic is shared. */
export interface ItemKind<S extends z.ZodType> {
  /** `contact`, `event`: for `@odata.context` and error texts. */
  entity: string;
  schema: S;
  /** The mailbox's records of this kind. */
  items: (mailbox: MailboxRecord) => Record<string, ItemRecord>;
  /** Server-set properties added on create (organizer, iCalUId, ...). */
  serverProperties: (store: TenantStore, mailbox: MailboxRecord, input: z.infer<S>) => Record<string, unknown>;
  containerProperty: 'parentFolderId' | 'calendarId';
  /** Side effects Exchange has on create (events with attendees send invitations). */
  afterCreate?: (store: TenantStore, mailbox: MailboxRecord, item: ItemRecord) => void;
}

export function toItemJson(item: ItemRecord, containerProperty: string): Record<string, unknown> {
  return {
    id: item.id,
    createdDateTime: item.createdDateTime,
    lastModifiedDateTime: item.lastModifiedDateTime,
    [containerProperty]: item.containerId,
    ...item.properties,
  };
}

export function createItem<S extends z.ZodObject>(
  req: SandboxRequest,
  store: TenantStore,
  mailbox: MailboxRecord,
  containerId: string,
  kind: ItemKind<S>,
): SandboxResponse {
  const input = parseJsonBody(req, kind.schema);
  const now = nowIso();
  const item: ItemRecord = {
    id: newExchangeId('item'),
    containerId,
    properties: { ...(input as Record<string, unknown>), ...kind.serverProperties(store, mailbox, input) },
    createdDateTime: now,
    lastModifiedDateTime: now,
  };
  kind.items(mailbox)[item.id] = item;
  kind.afterCreate?.(store, mailbox, item);
  store.changed();
  return {
    status: 201,
    json: { '@odata.context': `${req.graphBaseUrl}/$metadata#users('${mailbox.userId}')/${kind.entity}s/$entity`, ...toItemJson(item, kind.containerProperty) },
  };
}

export function listItems<S extends z.ZodType>(req: SandboxRequest, mailbox: MailboxRecord, containerId: string, kind: ItemKind<S>): SandboxResponse {
  const filter = parseFilter(req.query.get('$filter'));
  const items = Object.values(kind.items(mailbox))
    .filter((item) => item.containerId === containerId)
    .map((item) => toItemJson(item, kind.containerProperty))
    .filter((json) => matchesFilter(json, filter));
  return { status: 200, json: pageOf(req, items, (json) => json, { defaultTop: 10, maxTop: 1000, context: `users('${mailbox.userId}')/${kind.entity}s` }) };
}

export function getItem<S extends z.ZodType>(req: SandboxRequest, mailbox: MailboxRecord, id: string, kind: ItemKind<S>): SandboxResponse {
  const item = kind.items(mailbox)[id];
  if (!item) throw graphErrors.notFound(`${kind.entity} ${id}`);
  return {
    status: 200,
    json: { '@odata.context': `${req.graphBaseUrl}/$metadata#users('${mailbox.userId}')/${kind.entity}s/$entity`, ...toItemJson(item, kind.containerProperty) },
  };
}
