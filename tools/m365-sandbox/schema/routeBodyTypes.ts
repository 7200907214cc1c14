import type { GraphWorkload } from './graphBodyErrors';
import type { GraphBodyTarget } from './validateGraphBody';

/** What a route's JSON body is, and which service behind Graph reads it. */
export type RouteBodyType = GraphBodyTarget & { workload: GraphWorkload };

const messageCreate: RouteBodyType = { workload: 'outlook', type: 'graph.message', operation: 'create' };
const messageUpdate: RouteBodyType = { workload: 'outlook', type: 'graph.message', operation: 'update' };
const mailFolderCreate: RouteBodyType = { workload: 'outlook', type: 'graph.mailFolder', operation: 'create' };
/** The body names its derived type with `@odata.type` (`#microsoft.graph.fileAttachment`); attachment is abstract. */
const attachmentCreate: RouteBodyType = { workload: 'outlook', type: 'graph.attachment', operation: 'create' };
const uploadSession: RouteBodyType = { workload: 'outlook', action: 'attachment.createUploadSession' };
const messageMove: RouteBodyType = { workload: 'outlook', action: 'message.move' };
const contactCreate: RouteBodyType = { workload: 'outlook', type: 'graph.contact', operation: 'create' };
const contactUpdate: RouteBodyType = { workload: 'outlook', type: 'graph.contact', operation: 'update' };
const eventCreate: RouteBodyType = { workload: 'outlook', type: 'graph.event', operation: 'create' };
const eventUpdate: RouteBodyType = { workload: 'outlook', type: 'graph.event', operation: 'update' };
const contactFolderCreate: RouteBodyType = { workload: 'outlook', type: 'graph.contactFolder', operation: 'create' };

/** The collection paths the contact and event route modules register (pim/contactRoutes.ts, pim/eventRoutes.ts). */
const CONTACT_COLLECTIONS = [
  '/users/:user/contacts',
  '/users/:user/contactFolders/:folder/contacts',
  '/users/:user/contactFolders/:parent/childFolders/:folder/contacts',
];
const EVENT_COLLECTIONS = ['/users/:user/events', '/users/:user/calendar/events', '/users/:user/calendars/:calendar/events'];

function forEach(paths: string[], routes: (path: string) => Record<string, RouteBodyType>): Record<string, RouteBodyType> {
  return Object.assign({}, ...paths.map(routes)) as Record<string, RouteBodyType>;
}

/**
 * `METHOD pattern` exactly as the route modules register it with the Router → the body's type or
 * action. Routes not listed (GETs, `$batch` itself, the sandbox's own controls) are not checked.
 */
export const ROUTE_BODY_TYPES: Readonly<Record<string, RouteBodyType>> = {
  'PATCH /users/:user': { workload: 'directory', type: 'graph.user', operation: 'update' },
  'POST /users/:user/assignLicense': { workload: 'directory', action: 'user.assignLicense' },
  'POST /users/:user/sendMail': { workload: 'outlook', action: 'user.sendMail' },

  'POST /users/:user/mailFolders': mailFolderCreate,
  'POST /users/:user/mailFolders/:folder/childFolders': mailFolderCreate,

  'POST /users/:user/messages': messageCreate,
  'POST /users/:user/mailFolders/:folder/messages': messageCreate,
  'PATCH /users/:user/messages/:message': messageUpdate,
  'PATCH /users/:user/mailFolders/:folder/messages/:message': messageUpdate,
  'POST /users/:user/messages/:message/move': messageMove,
  'POST /users/:user/mailFolders/:folder/messages/:message/move': messageMove,
  'POST /users/:user/messages/:message/attachments': attachmentCreate,
  'POST /users/:user/mailFolders/:folder/messages/:message/attachments': attachmentCreate,
  'POST /users/:user/messages/:message/attachments/createUploadSession': uploadSession,
  'POST /users/:user/mailFolders/:folder/messages/:message/attachments/createUploadSession': uploadSession,

  'POST /users/:user/contactFolders': contactFolderCreate,
  'POST /users/:user/contactFolders/:folder/childFolders': contactFolderCreate,
  ...forEach(CONTACT_COLLECTIONS, (path) => ({
    [`POST ${path}`]: contactCreate,
    [`PATCH ${path}/:contact`]: contactUpdate,
  })),

  'POST /users/:user/calendars': { workload: 'outlook', type: 'graph.calendar', operation: 'create' },
  ...forEach(EVENT_COLLECTIONS, (path) => ({
    [`POST ${path}`]: eventCreate,
    [`PATCH ${path}/:event`]: eventUpdate,
    [`POST ${path}/:event/attachments`]: attachmentCreate,
    [`POST ${path}/:event/attachments/createUploadSession`]: uploadSession,
    [`POST ${path}/:event/cancel`]: { workload: 'outlook', action: 'event.cancel' },
    [`POST ${path}/:event/accept`]: { workload: 'outlook', action: 'event.accept' },
    [`POST ${path}/:event/tentativelyAccept`]: { workload: 'outlook', action: 'event.tentativelyAccept' },
    [`POST ${path}/:event/decline`]: { workload: 'outlook', action: 'event.decline' },
  })),
};

/** The body type of a registered route, if its body is checked. */
export function routeBodyTypeOf(method: string, pattern: string): RouteBodyType | undefined {
  return ROUTE_BODY_TYPES[`${method} ${pattern}`];
}
