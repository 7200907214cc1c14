import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getServices } from '../compositionRoot';
import { batchCountsOf } from '../services/batchCounts';
import { startIfWanted } from './durable/startIfWanted';
import { THROUGHPUT_BUCKET_SECONDS } from '../storage/throughputRepository';
import { toBatchView, toMailboxView } from './http/apiViews';
import { USAGE_LOCATION_PATTERN, USAGE_LOCATION_RULE } from '../core/mailbox/usageLocation';
import { statusCodeOf } from '../storage/concurrencyError';
import { apiRoute, queryBoolean, queryContinuationToken, queryEmailList, queryName, queryNumber, queryText } from './http/requestParameters';
import { json, problem } from './http/responses';
import { BATCH_ID, ENDPOINT_QUERY } from './http/routeParameters';
import { logEvent } from './logging/functionLog';

/** A 2,000-row CSV with long fields fits well inside this; anything larger is not a batch file. */
const MAX_CSV_BYTES = 5 * 1024 * 1024;
const CSV_CONTENT_TYPES = ['text/csv', 'application/csv', 'text/plain', 'application/octet-stream', 'application/vnd.ms-excel'];

/** `POST /api/batches?name=&endpoint=[&notify=][&autoStart=][&incrementalSyncIntervalHours=][&usageLocation=]`, body text/csv. */
export async function createBatch(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const name = request.query.get('name');
  const endpoint = request.query.get('endpoint');
  const missing = [!name && 'name', !endpoint && 'endpoint'].filter((f): f is string => typeof f === 'string');
  if (missing.length > 0) {
    return problem(
      400,
      'Required query parameters are missing.',
      missing.map((field) => ({ code: 'MissingParameter', field, message: `The query parameter "${field}" is required.` })),
    );
  }
  const contentType = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (contentType && !CSV_CONTENT_TYPES.includes(contentType)) {
    return problem(415, 'The body must be a CSV file.', [
      { code: 'UnsupportedMediaType', field: 'content-type', message: `Send the batch CSV with Content-Type text/csv, not ${contentType}.` },
    ]);
  }
  const interval = request.query.get('incrementalSyncIntervalHours');
  const body = Buffer.from(await request.arrayBuffer());
  if (body.length > MAX_CSV_BYTES) {
    return problem(413, 'The CSV file is too large.', [
      { code: 'PayloadTooLarge', message: `The CSV is ${body.length} bytes; a batch CSV may be at most ${MAX_CSV_BYTES} bytes.` },
    ]);
  }
  const result = await getServices().intake.takeIn({
    name: name!,
    endpointName: endpoint!,
    csv: body,
    source: 'http',
    ...(request.query.get('notify') ? { notify: request.query.get('notify')! } : {}),
    ...(interval !== null ? { incrementalSyncIntervalHours: interval } : {}),
    ...(request.query.get('usageLocation') ? { usageLocation: request.query.get('usageLocation')! } : {}),
    autoStart: request.query.get('autoStart')?.toLowerCase() !== 'false',
    now: new Date().toISOString(),
  });
  if (!result.ok) {
    logEvent(context, 'info', `Batch "${name}" rejected: ${result.errors.length} error(s).`, { batchName: name ?? undefined, errors: result.errors.length });
    return problem(result.status, result.title, result.errors);
  }
  logEvent(context, 'info', `Batch ${result.batch.id} created with ${result.batch.mailboxCount} mailboxes.`, {
    batchId: result.batch.id,
    mailboxes: result.batch.mailboxCount,
  });
  const batch = await startIfWanted(context, result.batch);
  return json(201, toBatchView(batch), { location: `/api/batches/${batch.id}` });
}

/** `GET /api/batches`: every batch, with its counts by mailbox status as they are now. */
export async function listBatches(_request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  const services = getServices();
  const batches = await batchCountsOf(services.mailboxes).currentAll(await services.batches.list());
  return json(200, { value: batches.map(toBatchView) });
}

export async function getBatch(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  const id = request.params.id ?? '';
  const services = getServices();
  const stored = await services.batches.get(id);
  if (!stored) return batchNotFound(id);
  return json(200, toBatchView(await batchCountsOf(services.mailboxes).current(stored.batch)));
}

/** `GET /api/batches/{id}/mailboxes[?pageSize=][&continuationToken=]`: one page, with the token for the next. */
export async function listBatchMailboxes(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  const id = request.params.id ?? '';
  const services = getServices();
  if (!(await services.batches.get(id))) return batchNotFound(id);
  const pageSize = Number(request.query.get('pageSize') ?? '500');
  const token = request.query.get('continuationToken') ?? undefined;
  let page;
  try {
    page = await services.mailboxes.listPage(id, pageSize, token);
  } catch (error) {
    // A token of the right shape whose keys Table Storage refuses (400) is the caller's mistake too.
    if (token === undefined || statusCodeOf(error) !== 400) throw error;
    return problem(400, 'A query parameter is not valid.', [
      {
        code: 'InvalidContinuationToken',
        field: 'continuationToken',
        message: 'The storage service refused the continuationToken: pass back the token from nextLink unchanged.',
      },
    ]);
  }
  return json(200, {
    value: page.mailboxes.map(toMailboxView),
    ...(page.continuationToken
      ? { nextLink: `/api/batches/${id}/mailboxes?pageSize=${pageSize}&continuationToken=${encodeURIComponent(page.continuationToken)}` }
      : {}),
  });
}

/** `GET /api/batches/{id}/throughput`: items and bytes copied per 10-second interval, for the chart. */
export async function getBatchThroughput(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  const id = request.params.id ?? '';
  const services = getServices();
  if (!(await services.batches.get(id))) return batchNotFound(id);
  return json(200, { intervalSeconds: THROUGHPUT_BUCKET_SECONDS, value: await services.stores.throughput.list(id) });
}

function batchNotFound(id: string): HttpResponseInit {
  return problem(404, 'The batch does not exist.', [{ code: 'BatchNotFound', field: 'id', message: `No batch has the id "${id}".` }]);
}

/** The query of `POST /api/batches`; `name` and `endpoint` are required (checked by the handler), the name's rule by the intake. */
const CREATE_BATCH_QUERY = [
  queryText('name', 256),
  ENDPOINT_QUERY,
  queryEmailList('notify'),
  queryBoolean('autoStart'),
  queryNumber('incrementalSyncIntervalHours', 1, 720, false),
  queryName('usageLocation', USAGE_LOCATION_PATTERN, `must be ${USAGE_LOCATION_RULE}`),
];
const PAGE_QUERY = [queryNumber('pageSize', 1, 1000, true), queryContinuationToken('continuationToken')];

apiRoute(
  'createBatch',
  { route: 'batches', methods: ['POST'], authLevel: 'function', extraInputs: [df.input.durableClient()] },
  CREATE_BATCH_QUERY,
  createBatch,
);
apiRoute('listBatches', { route: 'batches', methods: ['GET'], authLevel: 'function' }, [], listBatches);
apiRoute('getBatch', { route: 'batches/{id}', methods: ['GET'], authLevel: 'function' }, [BATCH_ID], getBatch);
apiRoute('getBatchThroughput', { route: 'batches/{id}/throughput', methods: ['GET'], authLevel: 'function' }, [BATCH_ID], getBatchThroughput);
apiRoute('listBatchMailboxes', { route: 'batches/{id}/mailboxes', methods: ['GET'], authLevel: 'function' }, [BATCH_ID, ...PAGE_QUERY], listBatchMailboxes);
