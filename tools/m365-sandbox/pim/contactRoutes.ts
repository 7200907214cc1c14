import { z } from 'zod';
import { GraphError, graphErrors } from '../graphError';
import { pageOf } from '../http/odataQuery';
import { parseJsonBody } from '../http/parseJsonBody';
import type { Router } from '../http/router';
import { newExchangeId } from '../store/graphIds';
import type { TenantStore } from '../store/tenantStore';
import type { ContactFolderRecord, MailboxRecord } from '../store/types';
import { createItem, getItem, type ItemKind, listItems } from './itemCollection';

const emailAddress = z.object({ name: z.string().optional(), address: z.string() });
const physicalAddress = z.object({
  street: z.string().optional(),
  city: z.string().optional(),
  state: z.string().optional(),
  countryOrRegion: z.string().optional(),
  postalCode: z.string().optional(),
});

/** The writable contact properties the migration copies (https://learn.microsoft.com/graph/api/resources/contact). */
const contactSchema = z.object({
  displayName: z.string().optional(),
  givenName: z.string().optional(),
  middleName: z.string().optional(),
  surname: z.string().optional(),
  nickName: z.string().optional(),
  title: z.string().optional(),
  fileAs: z.string().optional(),
  emailAddresses: z.array(emailAddress).max(3).optional(),
  imAddresses: z.array(z.string()).optional(),
  businessPhones: z.array(z.string()).optional(),
  homePhones: z.array(z.string()).optional(),
  mobilePhone: z.string().nullish(),
  companyName: z.string().optional(),
  department: z.string().optional(),
  jobTitle: z.string().optional(),
  businessAddress: physicalAddress.optional(),
  homeAddress: physicalAddress.optional(),
  otherAddress: physicalAddress.optional(),
  birthday: z.string().nullish(),
  personalNotes: z.string().optional(),
  categories: z.array(z.string()).optional(),
});

const contactKind: ItemKind<typeof contactSchema> = {
  entity: 'contact',
  schema: contactSchema,
  items: (mailbox) => mailbox.contacts,
  serverProperties: (_store, _mailbox, input) => ({ displayName: input.displayName ?? [input.givenName, input.surname].filter(Boolean).join(' ') }),
  containerProperty: 'parentFolderId',
};

/** Contact folders and contacts (https://learn.microsoft.com/graph/api/resources/contactfolder). */
export function addContactRoutes(router: Router, store: TenantStore): void {
  router.add('GET', '/users/:user/contactFolders', (req, p) => {
    const mailbox = store.mailboxOf(p.user!);
    const root = defaultFolder(mailbox);
    const folders = Object.values(mailbox.contactFolders).filter((folder) => folder.parentFolderId === root.id);
    return {
      status: 200,
      json: pageOf(req, folders, (f) => ({ ...f }), { defaultTop: 10, maxTop: 1000, context: `users('${mailbox.userId}')/contactFolders` }),
    };
  });
  router.add('POST', '/users/:user/contactFolders', (req, p) => {
    const mailbox = store.mailboxOf(p.user!);
    const { displayName } = parseJsonBody(req, z.object({ displayName: z.string().trim().min(1) }));
    const root = defaultFolder(mailbox);
    if (Object.values(mailbox.contactFolders).some((f) => f.parentFolderId === root.id && f.displayName.toLowerCase() === displayName.toLowerCase())) {
      throw new GraphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
    }
    const folder: ContactFolderRecord = { id: newExchangeId('folder'), displayName, parentFolderId: root.id };
    mailbox.contactFolders[folder.id] = folder;
    store.changed();
    return { status: 201, json: { '@odata.context': `${req.graphBaseUrl}/$metadata#users('${mailbox.userId}')/contactFolders/$entity`, ...folder } };
  });
  router.add('GET', '/users/:user/contacts', (req, p) => {
    const mailbox = store.mailboxOf(p.user!);
    return listItems(req, mailbox, defaultFolder(mailbox).id, contactKind);
  });
  router.add('POST', '/users/:user/contacts', (req, p) => {
    const mailbox = store.mailboxOf(p.user!);
    return createItem(req, store, mailbox, defaultFolder(mailbox).id, contactKind);
  });
  router.add('GET', '/users/:user/contacts/:contact', (req, p) => getItem(req, store.mailboxOf(p.user!), p.contact!, contactKind));
  router.add('GET', '/users/:user/contactFolders/:folder/contacts', (req, p) => {
    const mailbox = store.mailboxOf(p.user!);
    return listItems(req, mailbox, contactFolderOf(mailbox, p.folder!).id, contactKind);
  });
  router.add('POST', '/users/:user/contactFolders/:folder/contacts', (req, p) => {
    const mailbox = store.mailboxOf(p.user!);
    return createItem(req, store, mailbox, contactFolderOf(mailbox, p.folder!).id, contactKind);
  });
}

/** The mailbox's default Contacts folder, parent of the folders a client creates. */
function defaultFolder(mailbox: MailboxRecord): ContactFolderRecord {
  return Object.values(mailbox.contactFolders).find((folder) => !mailbox.contactFolders[folder.parentFolderId])!;
}

function contactFolderOf(mailbox: MailboxRecord, id: string): ContactFolderRecord {
  const folder = mailbox.contactFolders[id];
  if (!folder) throw graphErrors.notFound(`contactFolder ${id}`);
  return folder;
}
