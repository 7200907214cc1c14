import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getServices } from '../compositionRoot';
import type { BatchAction } from '../core/batch/batchTransitions';
import type { ReportKind } from '../services/ports/fileStores';
import { orchestrationControl } from './durable/orchestrationControl';
import { toBatchView } from './http/apiViews';
import { apiRoute, pathChoice, shown } from './http/requestParameters';
import { json, problem } from './http/responses';
import { BATCH_ID } from './http/routeParameters';
import { logEvent } from './logging/functionLog';

const ACTIONS: readonly Exclude<BatchAction, 'remove'>[] = ['start', 'stop', 'resume', 'complete', 'retry'];
const REPORT_KINDS: readonly ReportKind[] = ['statistics', 'errors'];

/** `POST /api/batches/{id}/{start|stop|resume|complete|retry}`: 202 with the batch, 409 when its status does not allow it. */
export async function batchAction(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const id = request.params.id ?? '';
  const action = request.params.action as Exclude<BatchAction, 'remove'>;
  if (!ACTIONS.includes(action)) {
    return problem(404, 'Unknown batch action.', [
      { code: 'UnknownAction', field: 'action', message: `${shown(request.params.action ?? '')} is not a batch action; use one of ${ACTIONS.join(', ')}.` },
    ]);
  }
  const result = await getServices().lifecycle.act(id, action, orchestrationControl(context), new Date().toISOString());
  if (!result.ok)
    return problem(result.status, result.status === 404 ? 'The batch does not exist.' : 'The batch cannot do that now.', [
      { code: result.code, message: result.message },
    ]);
  logEvent(context, 'info', `Batch ${id}: ${action} accepted.`, { batchId: id, action });
  return json(202, toBatchView(result.batch));
}

/** `DELETE /api/batches/{id}`: removes a batch that is not running (409 while it is). */
export async function removeBatch(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const id = request.params.id ?? '';
  const result = await getServices().lifecycle.remove(id, orchestrationControl(context), new Date().toISOString());
  if (!result.ok)
    return problem(result.status, result.status === 404 ? 'The batch does not exist.' : 'The batch cannot be removed now.', [
      { code: result.code, message: result.message },
    ]);
  logEvent(context, 'info', `Batch ${id} removed.`, { batchId: id });
  return { status: 204 };
}

/** `GET /api/batches/{id}/reports/{statistics|errors}`: the CSV report. */
export async function getBatchReport(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  const id = request.params.id ?? '';
  const kind = request.params.kind as ReportKind;
  if (!REPORT_KINDS.includes(kind)) {
    return problem(404, 'Unknown report.', [
      { code: 'UnknownReport', field: 'kind', message: `${shown(request.params.kind ?? '')} is not a report; use statistics or errors.` },
    ]);
  }
  const report = await getServices().stores.reports.read(id, kind);
  if (!report)
    return problem(404, 'The report does not exist yet.', [
      { code: 'ReportNotFound', message: `Batch "${id}" has no ${kind} report yet: reports are written when the initial sync finishes.` },
    ]);
  const fileName = kind === 'statistics' ? 'MigrationStatistics.csv' : 'MigrationErrors.csv';
  return { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${fileName}"` }, body: report };
}

const durableClient = df.input.durableClient();

const ACTION = pathChoice('action', ACTIONS, 'UnknownAction', 'a batch action');
const REPORT_KIND = pathChoice('kind', REPORT_KINDS, 'UnknownReport', 'a report');

apiRoute(
  'batchAction',
  { route: 'batches/{id}/{action}', methods: ['POST'], authLevel: 'function', extraInputs: [durableClient] },
  [BATCH_ID, ACTION],
  batchAction,
);
apiRoute('removeBatch', { route: 'batches/{id}', methods: ['DELETE'], authLevel: 'function', extraInputs: [durableClient] }, [BATCH_ID], removeBatch);
apiRoute('getBatchReport', { route: 'batches/{id}/reports/{kind}', methods: ['GET'], authLevel: 'function' }, [BATCH_ID, REPORT_KIND], getBatchReport);
