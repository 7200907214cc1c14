import { z } from 'zod';
import { GraphError, graphErrors } from '../graphError';
import { matchesFilter, parseFilter } from '../http/odataFilter';
import { applySelect, pageOf, selectedProperties } from '../http/odataQuery';
import { parseJsonBody, readJsonBody } from '../http/parseJsonBody';
import type { Router } from '../http/router';
import type { RouteParams, SandboxRequest, SandboxResponse } from '../http/sandboxRequest';
import { nowIso } from '../mail/createMessage';
import { newExchangeId } from '../store/graphIds';
import type { TenantStore } from '../store/tenantStore';
import type { ContactFolderRecord, ItemRecord, MailboxRecord } from '../store/types';
import { readContactPhoto, writeContactPhoto } from './contactPhoto';
import { applyExtendedProperties, expandedProperties, filterView } from './extendedProperties';
import { canonicalObject, refuseOpenExtensions, structuralProperties } from './graphValues';

/** Contact properties a client cannot set; sent in a body they are ignored, as Exchange ignores read-only ones. */
const READ_ONLY_CONTACT_PROPERTIES = new Set(['id', 'createdDateTime', 'lastModifiedDateTime', 'changeKey', 'parentFolderId']);

/**
 * Exchange keeps a fixed number of values in some contact collections and refuses more with 400
 * `ErrorInvalidProperty` "The multi value property {name} has {n} entries, that exceeds the max allowed value
 * of {max}." No Microsoft page documents the limits (microsoftgraph/microsoft-graph-docs#15276 asks for it and
 * reports 3 emailAddresses and 2 businessPhones; the code: a report in SeniorSoftwareVietnam's BCM connector;
 * the lower-case name: a 2025 report "confirmed live"). homePhones 2 and imAddresses 3 are guesses from the
 * slots Exchange has for them (EWS PhoneNumberKey HomePhone/HomePhone2, ImAddressKey ImAddress1..3).
 */
export const CONTACT_COLLECTION_LIMITS: Readonly<Record<string, number>> = { emailAddresses: 3, businessPhones: 2, homePhones: 2, imAddresses: 3 };

/** Contact folders and contacts (https://learn.microsoft.com/graph/api/resources/contactfolder, https://learn.microsoft.com/graph/api/resources/contact). */
export function addContactRoutes(router: Router, store: TenantStore): void {
  router.add('GET', '/users/:user/contactFolders', (req, p) => {
    const mailbox = store.mailboxOf(p.user!);
    return listFolders(req, mailbox, defaultFolder(mailbox), `users('${mailbox.userId}')/contactFolders`);
  });
  router.add('POST', '/users/:user/contactFolders', (req, p) => {
    const mailbox = store.mailboxOf(p.user!);
    return createFolder(req, store, mailbox, defaultFolder(mailbox));
  });
  router.add('GET', '/users/:user/contactFolders/:folder', (req, p) => {
    const mailbox = store.mailboxOf(p.user!);
    const folder = contactFolderOf(mailbox, p.folder!);
    return {
      status: 200,
      json: { '@odata.context': `${req.graphBaseUrl}/$metadata#users('${mailbox.userId}')/contactFolders/$entity`, ...folderJson(folder) },
    };
  });
  router.add('GET', '/users/:user/contactFolders/:folder/childFolders', (req, p) => {
    const mailbox = store.mailboxOf(p.user!);
    const parent = contactFolderOf(mailbox, p.folder!);
    return listFolders(req, mailbox, parent, `users('${mailbox.userId}')/contactFolders('${parent.id}')/childFolders`);
  });
  router.add('POST', '/users/:user/contactFolders/:folder/childFolders', (req, p) => {
    const mailbox = store.mailboxOf(p.user!);
    return createFolder(req, store, mailbox, contactFolderOf(mailbox, p.folder!));
  });

  const collections: [string, (mailbox: MailboxRecord, p: RouteParams) => ContactFolderRecord][] = [
    ['/users/:user/contacts', (mailbox) => defaultFolder(mailbox)],
    ['/users/:user/contactFolders/:folder/contacts', (mailbox, p) => contactFolderOf(mailbox, p.folder!)],
    ['/users/:user/contactFolders/:parent/childFolders/:folder/contacts', (mailbox, p) => childFolderOf(mailbox, p.parent!, p.folder!)],
  ];
  for (const [path, folderOf] of collections) {
    router.add('GET', path, (req, p) => {
      const mailbox = store.mailboxOf(p.user!);
      return listContacts(req, mailbox, folderOf(mailbox, p));
    });
    router.add('POST', path, (req, p) => {
      const mailbox = store.mailboxOf(p.user!);
      return createContact(req, store, mailbox, folderOf(mailbox, p));
    });
    const item = `${path}/:contact`;
    const find = (p: RouteParams): { mailbox: MailboxRecord; contact: ItemRecord } => {
      const mailbox = store.mailboxOf(p.user!);
      const folder = path === '/users/:user/contacts' ? undefined : folderOf(mailbox, p);
      const contact = mailbox.contacts[p.contact!];
      if (!contact || (folder && contact.containerId !== folder.id)) throw graphErrors.notFound(`contact ${p.contact}`);
      return { mailbox, contact };
    };
    router.add('GET', item, (req, p) => {
      const { mailbox, contact } = find(p);
      return { status: 200, json: contactEntity(req, mailbox, contact) };
    });
    router.add('PATCH', item, (req, p) => {
      const { mailbox, contact } = find(p);
      updateContact(req, contact);
      store.changed();
      return { status: 200, json: contactEntity(req, mailbox, contact) };
    });
    router.add('DELETE', item, (_req, p) => {
      const { mailbox, contact } = find(p);
      delete mailbox.contacts[contact.id];
      store.changed();
      return { status: 204 };
    });
    // https://learn.microsoft.com/graph/api/profilephoto-update: "You can use either PATCH or PUT".
    for (const method of ['PUT', 'PATCH']) {
      router.add(method, `${item}/photo/$value`, (req, p) => {
        const { contact } = find(p);
        writeContactPhoto(req, contact);
        store.changed();
        return { status: 200 };
      });
    }
    router.add('GET', `${item}/photo`, (req, p) => readContactPhoto(req, find(p).contact, false));
    router.add('GET', `${item}/photo/$value`, (req, p) => readContactPhoto(req, find(p).contact, true));
  }
}

function listFolders(req: SandboxRequest, mailbox: MailboxRecord, parent: ContactFolderRecord, context: string): SandboxResponse {
  const folders = Object.values(mailbox.contactFolders).filter((folder) => folder.parentFolderId === parent.id);
  return { status: 200, json: pageOf(req, folders, folderJson, { defaultTop: 10, maxTop: 1000, context }) };
}

/**
 * https://learn.microsoft.com/graph/api/user-post-contactfolders and contactfolder-post-childfolders: 201 with
 * the folder. A name already used under the same parent: 409 `ErrorFolderExists` (the code Exchange uses for
 * mail folders; that contact folders answer alike is a guess).
 */
function createFolder(req: SandboxRequest, store: TenantStore, mailbox: MailboxRecord, parent: ContactFolderRecord): SandboxResponse {
  const { displayName } = parseJsonBody(req, z.object({ displayName: z.string().trim().min(1) }).passthrough());
  const siblings = Object.values(mailbox.contactFolders).filter((folder) => folder.parentFolderId === parent.id);
  if (siblings.some((folder) => folder.displayName.toLowerCase() === displayName.toLowerCase())) {
    throw new GraphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
  }
  const folder: ContactFolderRecord = { id: newExchangeId('folder'), displayName, parentFolderId: parent.id };
  mailbox.contactFolders[folder.id] = folder;
  store.changed();
  return { status: 201, json: { '@odata.context': `${req.graphBaseUrl}/$metadata#users('${mailbox.userId}')/contactFolders/$entity`, ...folderJson(folder) } };
}

function folderJson(folder: ContactFolderRecord): Record<string, unknown> {
  return { id: folder.id, displayName: folder.displayName, parentFolderId: folder.parentFolderId };
}

function createContact(req: SandboxRequest, store: TenantStore, mailbox: MailboxRecord, folder: ContactFolderRecord): SandboxResponse {
  const body = readJsonBody(req) as Record<string, unknown>;
  refuseOpenExtensions(body);
  const properties = writableProperties(body);
  checkCollectionLimits(properties);
  const now = nowIso();
  const contact: ItemRecord = { id: newExchangeId('item'), containerId: folder.id, properties, createdDateTime: now, lastModifiedDateTime: now };
  if (typeof properties.displayName !== 'string') properties.displayName = composedDisplayName(properties);
  applyExtendedProperties(contact, body);
  mailbox.contacts[contact.id] = contact;
  store.changed();
  return { status: 201, json: contactEntity(req, mailbox, contact) };
}

/**
 * https://learn.microsoft.com/graph/api/contact-update: the properties in the body change, the others keep
 * their values; a collection is replaced whole. The limits apply to the result.
 */
function updateContact(req: SandboxRequest, contact: ItemRecord): void {
  const body = readJsonBody(req) as Record<string, unknown>;
  refuseOpenExtensions(body);
  const changes = writableProperties(body);
  const merged = { ...contact.properties, ...changes };
  checkCollectionLimits(merged);
  contact.properties = merged;
  applyExtendedProperties(contact, body);
  contact.lastModifiedDateTime = nowIso();
}

function writableProperties(body: Record<string, unknown>): Record<string, unknown> {
  const structural = new Map(structuralProperties('graph.contact'));
  const canonical = canonicalObject('graph.contact', body);
  return Object.fromEntries(Object.entries(canonical).filter(([key]) => structural.has(key) && !READ_ONLY_CONTACT_PROPERTIES.has(key)));
}

function checkCollectionLimits(properties: Record<string, unknown>): void {
  for (const [name, max] of Object.entries(CONTACT_COLLECTION_LIMITS)) {
    const value = properties[name];
    if (Array.isArray(value) && value.length > max) {
      throw new GraphError(
        400,
        'ErrorInvalidProperty',
        `The multi value property ${name} has ${value.length} entries, that exceeds the max allowed value of ${max}.`,
      );
    }
  }
}

/** Guess: without a displayName Exchange files the contact under its names, joined by spaces. */
function composedDisplayName(properties: Record<string, unknown>): string {
  return ['givenName', 'middleName', 'surname']
    .map((name) => properties[name])
    .filter((value): value is string => typeof value === 'string' && value !== '')
    .join(' ');
}

/** A contact as Graph returns it: every structural property, null or empty when not set (https://learn.microsoft.com/graph/api/contact-get). */
export function toContactJson(contact: ItemRecord): Record<string, unknown> {
  const json: Record<string, unknown> = {
    '@odata.etag': `W/"${changeKeyOf(contact.lastModifiedDateTime)}"`,
    id: contact.id,
    createdDateTime: contact.createdDateTime,
    lastModifiedDateTime: contact.lastModifiedDateTime,
    changeKey: changeKeyOf(contact.lastModifiedDateTime),
    parentFolderId: contact.containerId,
  };
  for (const [name, typeRef] of structuralProperties('graph.contact')) {
    if (name in json) continue;
    const value = contact.properties[name];
    json[name] = value !== undefined ? value : typeRef.startsWith('Collection(') ? [] : typeRef === 'graph.physicalAddress' ? {} : null;
  }
  return json;
}

function contactEntity(req: SandboxRequest, mailbox: MailboxRecord, contact: ItemRecord): Record<string, unknown> {
  return {
    '@odata.context': `${req.graphBaseUrl}/$metadata#users('${mailbox.userId}')/contacts/$entity`,
    ...applySelect(toContactJson(contact), selectedProperties(req)),
    ...expandedProperties(req, contact, 'contact'),
  };
}

function listContacts(req: SandboxRequest, mailbox: MailboxRecord, folder: ContactFolderRecord): SandboxResponse {
  const filter = parseFilter(req.query.get('$filter'));
  const contacts = Object.values(mailbox.contacts)
    .filter((contact) => contact.containerId === folder.id)
    .filter((contact) => filter.length === 0 || matchesFilter(filterView(toContactJson(contact), contact), filter));
  return {
    status: 200,
    json: pageOf(req, contacts, (contact) => ({ ...toContactJson(contact), ...expandedProperties(req, contact, 'contact') }), {
      defaultTop: 10,
      maxTop: 1000,
      context: `users('${mailbox.userId}')/contacts`,
    }),
  };
}

export function changeKeyOf(lastModifiedDateTime: string): string {
  return Buffer.from(lastModifiedDateTime).toString('base64');
}

/** The mailbox's default Contacts folder, parent of the folders a client creates. */
export function defaultFolder(mailbox: MailboxRecord): ContactFolderRecord {
  return Object.values(mailbox.contactFolders).find((folder) => !mailbox.contactFolders[folder.parentFolderId])!;
}

function contactFolderOf(mailbox: MailboxRecord, id: string): ContactFolderRecord {
  const folder = mailbox.contactFolders[id];
  if (!folder) throw graphErrors.notFound(`contactFolder ${id}`);
  return folder;
}

function childFolderOf(mailbox: MailboxRecord, parentId: string, id: string): ContactFolderRecord {
  const parent = contactFolderOf(mailbox, parentId);
  const folder = contactFolderOf(mailbox, id);
  if (folder.parentFolderId !== parent.id) throw graphErrors.notFound(`contactFolder ${id}`);
  return folder;
}
