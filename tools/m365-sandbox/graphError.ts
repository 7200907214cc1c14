/**
 * Every failure the sandbox answers with, in Microsoft Graph's error shape.
 * https://learn.microsoft.com/graph/errors : `{ error: { code, message, innerError: { date, request-id, client-request-id } } }`.
 */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

export interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    innerError: { date: string; 'request-id': string; 'client-request-id': string };
  };
}

/** Graph's error body; `date` has no fractional seconds, as Graph writes it. */
export function toGraphErrorBody(code: string, message: string, requestId: string, clientRequestId?: string): GraphErrorBody {
  return {
    error: {
      code,
      message,
      innerError: {
        date: new Date().toISOString().replace(/\.\d{3}Z$/, ''),
        'request-id': requestId,
        'client-request-id': clientRequestId ?? requestId,
      },
    },
  };
}

/** The errors several resource groups raise, with the codes and texts Graph and Exchange Online use. */
export const graphErrors = {
  badRequest: (message: string): GraphError => new GraphError(400, 'BadRequest', message),
  invalidRequest: (message: string): GraphError => new GraphError(400, 'ErrorInvalidRequest', message),
  notFound: (what: string): GraphError => new GraphError(404, 'ErrorItemNotFound', `The specified object was not found in the store. (${what})`),
  userNotFound: (id: string): GraphError =>
    new GraphError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`),
  invalidUser: (id: string): GraphError => new GraphError(404, 'ErrorInvalidUser', `The requested user '${id}' is invalid.`),
  /**
   * Graph's answer for a user with no Exchange Online mailbox: a cloud user not (yet) licensed and
   * provisioned, or a directory-synced user whose mailbox is still on-premises (the two texts Graph uses).
   */
  mailboxNotEnabled: (hostedOnPremises = false): GraphError =>
    new GraphError(
      404,
      'MailboxNotEnabledForRESTAPI',
      hostedOnPremises ? 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.' : 'REST API is not yet supported for this mailbox.',
    ),
  noRoute: (method: string, path: string): GraphError =>
    new GraphError(400, 'BadRequest', `Resource not found for the segment '${path.split('/').filter(Boolean).pop() ?? ''}'. (${method} ${path})`),
  methodNotAllowed: (method: string): GraphError => new GraphError(405, 'Request_BadRequest', `The HTTP method '${method}' is not allowed on this resource.`),
  requestTooLarge: (): GraphError =>
    new GraphError(413, 'RequestEntityTooLarge', 'Maximum request length exceeded. Microsoft Graph accepts request bodies of at most 4 MB.'),
  unauthenticated: (message: string): GraphError =>
    new GraphError(401, 'InvalidAuthenticationToken', message, {
      'WWW-Authenticate': 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"',
    }),
} as const;
