import { BATCH_STATUSES } from '../batch/batchStatus';
import { MAILBOX_STATUSES } from '../mailbox/mailboxStatus';

const problem = {
  description: 'Problem details (RFC 9457) listing every error found.',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};
/** Every route answers a bad path or query value with 400 naming the parameter (`errors[].field`), never 500. */
const badParameter = { ...problem, description: 'A path or query parameter is not valid: `errors[].field` names it.' };
const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: NAME_PATTERN },
  description: 'Batch id (the batch name, lower-cased, spaces as dashes).',
};
const endpointNameParam = { name: 'name', in: 'path', required: true, schema: { type: 'string', pattern: NAME_PATTERN } };
const endpointAnswer = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Endpoint' } } } });
const batchAnswer = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Batch' } } } });
const mailboxAnswer = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Mailbox' } } } });
/** A count of one item type from the last groupware sync: present only when the endpoint moves contacts and calendars (it has a davUrl). */
const groupwareCount = (description: string) => ({ type: 'integer', description: `${description} Absent when the endpoint moves mail only.` });

function action(summary: string, description: string) {
  return {
    post: {
      summary,
      description,
      parameters: [idParam],
      responses: { 202: batchAnswer('Accepted; the batch as it is now.'), 400: badParameter, 404: problem, 409: problem },
    },
  };
}

/** The OpenAPI 3.0 description of the whole HTTP API, served at `GET /api/openapi.json`. */
export const OPEN_API_DOCUMENT = {
  openapi: '3.0.3',
  info: {
    title: 'Staged mailbox migration API',
    version: '1.0.0',
    description:
      'Migration endpoints and batches, after Exchange Online staged migration. Every call needs a function key (x-functions-key header or code query parameter).',
  },
  servers: [{ url: '/api' }],
  security: [{ functionKey: [] }, { functionKeyQuery: [] }],
  paths: {
    '/endpoints': {
      get: { summary: 'List migration endpoints', responses: { 200: { description: 'The endpoints (never their passwords): { value: [Endpoint] }.' } } },
      post: {
        summary: 'Create a migration endpoint',
        description:
          'security "none" (logins without TLS) is refused with 400 CleartextNotAllowed unless the host is listed in the app setting MIGRATION_ALLOW_CLEARTEXT_HOSTS.',
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/EndpointInput' } } } },
        responses: { 201: endpointAnswer('Created.'), 400: problem, 409: problem },
      },
    },
    '/endpoints/{name}': {
      get: {
        summary: 'Get a migration endpoint',
        parameters: [endpointNameParam],
        responses: { 200: endpointAnswer('The endpoint.'), 400: badParameter, 404: problem },
      },
      patch: {
        summary: 'Set the admin password again',
        description:
          "Stores the password under the endpoint's own secret. The fix for an endpoint created before secret names were unique, whose stored password may be another endpoint's (EndpointPasswordShared).",
        parameters: [endpointNameParam],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { type: 'object', required: ['password'], additionalProperties: false, properties: { password: { type: 'string', writeOnly: true } } },
            },
          },
        },
        responses: { 200: endpointAnswer('The endpoint.'), 400: problem, 404: problem },
      },
    },
    '/batches': {
      get: { summary: 'List batches', responses: { 200: { description: 'Batches with status and counts by mailbox status.' } } },
      post: {
        summary: 'Create a batch from a CSV',
        description: 'Staged CSV: EmailAddress[,Password,ForceChangePassword]. IMAP CSV: EmailAddress,UserName,Password[,UserRoot]. 1 to 2,000 rows.',
        parameters: [
          { name: 'name', in: 'query', required: true, schema: { type: 'string', maxLength: 256 } },
          { name: 'endpoint', in: 'query', required: true, schema: { type: 'string', pattern: NAME_PATTERN } },
          {
            name: 'notify',
            in: 'query',
            schema: { type: 'string' },
            description: 'Comma-separated addresses for the status emails; each must be a valid address.',
          },
          { name: 'autoStart', in: 'query', schema: { type: 'boolean', default: true } },
          { name: 'incrementalSyncIntervalHours', in: 'query', schema: { type: 'number', minimum: 1, maximum: 720, default: 24 } },
          {
            name: 'usageLocation',
            in: 'query',
            schema: { type: 'string', pattern: '^[A-Za-z]{2}$' },
            description: 'Usage location for users who have none and no UsageLocation in the CSV.',
          },
        ],
        requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string' } } } },
        responses: { 201: batchAnswer('Created (Location header points at it).'), 400: problem, 404: problem, 409: problem, 413: problem, 415: problem },
      },
    },
    '/batches/{id}': {
      get: { summary: 'Get a batch', parameters: [idParam], responses: { 200: batchAnswer('The batch.'), 400: badParameter, 404: problem } },
      delete: {
        summary: 'Remove a batch',
        description: 'Refused (409) while the batch is validating, syncing or completing.',
        parameters: [idParam],
        responses: { 204: { description: 'Removed.' }, 400: badParameter, 404: problem, 409: problem },
      },
    },
    '/batches/{id}/mailboxes': {
      get: {
        summary: 'List the mailboxes of a batch, a page at a time',
        parameters: [
          idParam,
          { name: 'pageSize', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 500 } },
          {
            name: 'continuationToken',
            in: 'query',
            schema: { type: 'string', format: 'byte' },
            description: 'The token from nextLink, unchanged; anything else is 400 InvalidContinuationToken.',
          },
        ],
        responses: {
          200: {
            description: 'Mailboxes with Get-MigrationUserStatistics fields, and nextLink while more remain.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { value: { type: 'array', items: { $ref: '#/components/schemas/Mailbox' } }, nextLink: { type: 'string' } },
                },
              },
            },
          },
          400: badParameter,
          404: problem,
        },
      },
    },
    '/batches/{id}/mailboxes/{address}': {
      patch: {
        summary: "Change one mailbox's settings (Set-MigrationUser)",
        description: 'Body {"badItemLimit": n}: how many bad items one pass of this mailbox may skip before it fails. Resume or retry the batch to go on.',
        parameters: [idParam, { name: 'address', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['badItemLimit'],
                properties: { badItemLimit: { type: 'integer', minimum: 0 } },
                additionalProperties: false,
              },
            },
          },
        },
        responses: { 200: mailboxAnswer('The mailbox.'), 400: badParameter, 404: problem },
      },
    },
    '/batches/{id}/throughput': {
      get: {
        summary: 'Items and bytes copied per 10-second interval',
        parameters: [idParam],
        responses: { 200: { description: '{ intervalSeconds, value: [{ at, items, bytes }] }' }, 400: badParameter, 404: problem },
      },
    },
    '/batches/{id}/start': action('Start a batch created with autoStart=false', 'Allowed when Created.'),
    '/batches/{id}/stop': action('Stop a batch', 'Allowed when Validating, Syncing, Synced or SyncedWithErrors.'),
    '/batches/{id}/resume': action('Resume a stopped or failed batch', 'Allowed when Stopped or Failed.'),
    '/batches/{id}/complete': action(
      'Complete a batch',
      'A last incremental sync, then the on-premises mailboxes become mail-enabled users. Allowed when Synced or SyncedWithErrors.',
    ),
    '/batches/{id}/retry': action('Retry the failed mailboxes', 'Allowed when SyncedWithErrors.'),
    '/batches/{id}/reports/{kind}': {
      get: {
        summary: 'Download a report',
        parameters: [idParam, { name: 'kind', in: 'path', required: true, schema: { type: 'string', enum: ['statistics', 'errors'] } }],
        responses: {
          200: {
            description:
              'MigrationStatistics.csv or MigrationErrors.csv. Cells that a spreadsheet would run as a formula (starting with = + - @, tab or carriage return) start with a single quote.',
            content: { 'text/csv': { schema: { type: 'string' } } },
          },
          400: badParameter,
          404: problem,
        },
      },
    },
    '/openapi.json': { get: { summary: 'This document', security: [], responses: { 200: { description: 'OpenAPI 3.0 document.' } } } },
  },
  components: {
    securitySchemes: {
      functionKey: { type: 'apiKey', in: 'header', name: 'x-functions-key' },
      functionKeyQuery: { type: 'apiKey', in: 'query', name: 'code' },
    },
    schemas: {
      Problem: {
        type: 'object',
        properties: {
          type: { type: 'string' },
          title: { type: 'string' },
          status: { type: 'integer' },
          detail: { type: 'string' },
          errors: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                line: { type: 'integer' },
                column: { type: 'string' },
                field: { type: 'string' },
              },
            },
          },
        },
      },
      EndpointInput: {
        type: 'object',
        required: ['name', 'host'],
        additionalProperties: false,
        properties: {
          name: { type: 'string' },
          sourceKind: { type: 'string', enum: ['imap', 'exchange'] },
          host: { type: 'string' },
          port: { type: 'integer' },
          security: {
            type: 'string',
            enum: ['tls', 'starttls', 'none'],
            default: 'tls',
            description: '"none" only for a host listed in MIGRATION_ALLOW_CLEARTEXT_HOSTS.',
          },
          adminUserName: { type: 'string' },
          adminLoginFormat: { type: 'string' },
          password: { type: 'string', writeOnly: true },
          maxConcurrentMigrations: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
          maxConcurrentIncrementalSyncs: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
          defaultUsageLocation: { type: 'string', pattern: '^[A-Za-z]{2}$', description: 'Usage location for users who have none, before the tenant country.' },
          davUrl: {
            type: 'string',
            description:
              'CalDAV/CardDAV URL of each user (e.g. https://mail.contoso.com/dav/{user}/; {user}, {localpart}, {domain}); contacts and calendars move too.',
          },
        },
      },
      Endpoint: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          sourceKind: { type: 'string', enum: ['imap', 'exchange'] },
          host: { type: 'string' },
          port: { type: 'integer' },
          security: { type: 'string', enum: ['tls', 'starttls', 'none'] },
          adminUserName: { type: 'string' },
          adminLoginFormat: { type: 'string' },
          hasPassword: { type: 'boolean', description: 'Whether an admin password is stored (never the password).' },
          cleartext: {
            type: 'string',
            description:
              'Whether logins may go without TLS, and by which setting: "never: ...", "allowed by MIGRATION_ALLOW_CLEARTEXT_HOSTS" or "refused: ...".',
          },
          maxConcurrentMigrations: { type: 'integer' },
          maxConcurrentIncrementalSyncs: { type: 'integer' },
          defaultUsageLocation: { type: 'string' },
          davUrl: { type: 'string' },
          itemTypes: { type: 'array', items: { type: 'string', enum: ['mail', 'contacts', 'calendars'] } },
          createdAt: { type: 'string', format: 'date-time' },
        },
      },
      Batch: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          endpoint: { type: 'string' },
          kind: { type: 'string', enum: ['staged', 'imap'] },
          status: { type: 'string', enum: [...BATCH_STATUSES] },
          statusDetail: { type: 'string' },
          mailboxCount: { type: 'integer' },
          counts: { type: 'object', properties: Object.fromEntries(MAILBOX_STATUSES.map((s) => [s, { type: 'integer' }])) },
          notificationEmails: { type: 'array', items: { type: 'string' } },
          incrementalSyncIntervalHours: { type: 'number' },
          usageLocation: { type: 'string' },
          createdAt: { type: 'string', format: 'date-time' },
          startedAt: { type: 'string', format: 'date-time' },
          syncedAt: { type: 'string', format: 'date-time' },
          completedAt: { type: 'string', format: 'date-time' },
          reports: { type: 'object', properties: { statistics: { type: 'string' }, errors: { type: 'string' } } },
        },
      },
      Mailbox: {
        type: 'object',
        description:
          'One mailbox of a batch, with the fields of Get-MigrationUserStatistics. The item counts without a prefix are mail; contacts and events are counted apart.',
        properties: {
          batchId: { type: 'string' },
          emailAddress: { type: 'string' },
          userName: { type: 'string' },
          csvLine: { type: 'integer' },
          status: { type: 'string', enum: [...MAILBOX_STATUSES] },
          statusDetail: { type: 'string' },
          syncedItemCount: { type: 'integer', description: 'Mail items copied.' },
          skippedItemCount: { type: 'integer', description: 'Mail items that could not be copied (bad items).' },
          totalItemsInSourceMailbox: { type: 'integer', description: 'Mail items in the source mailbox.' },
          contactsSynced: groupwareCount('Contacts copied.'),
          contactsSkipped: groupwareCount('Contacts skipped.'),
          contactsTotal: groupwareCount('Contacts in the source address books.'),
          eventsSynced: groupwareCount('Calendar items copied.'),
          eventsSkipped: groupwareCount('Calendar items skipped.'),
          eventsTotal: groupwareCount('Calendar items in the source calendars.'),
          bytesTransferred: { type: 'integer' },
          estimatedTotalTransferSize: { type: 'integer' },
          percentageComplete: { type: 'number' },
          badItemLimit: { type: 'integer' },
          startTimestamp: { type: 'string', format: 'date-time' },
          lastSuccessfulSyncTimestamp: { type: 'string', format: 'date-time' },
          lastUpdatedTimestamp: { type: 'string', format: 'date-time' },
          error: { type: 'string' },
          errorCode: { type: 'string' },
        },
      },
    },
  },
} as const;
