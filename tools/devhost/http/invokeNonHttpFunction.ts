import type { RpcTypedData } from '../coreApiTypes';
import type { FunctionRegistry } from '../functionRegistry';
import { invokeTriggeredFunction } from '../triggers/invokeTriggeredFunction';
import type { TriggerDeps } from '../triggers/startTriggerListeners';
import { sendJson, type HttpExchange } from './httpExchange';

/**
 * `POST /admin/functions/{name}` with `{ "input": "..." }`: runs a non-HTTP function now, as the
 * Functions host's admin API does (the way to run a timer function on demand). Timer functions get
 * a timer object; queue functions get the input as the message; answers 202 once it has run.
 */
export async function invokeNonHttpFunction(ex: HttpExchange, name: string, registry: FunctionRegistry, deps: TriggerDeps): Promise<void> {
  const fn = registry.tryGet(name);
  if (!fn || fn.trigger.type === 'httpTrigger' || fn.trigger.type === 'orchestrationTrigger' || fn.trigger.type === 'activityTrigger') {
    sendJson(ex, 404, { message: `No function named '${name}' that the admin API can run.` });
    return;
  }
  let input = '';
  if (ex.body.length > 0) {
    const parsed = JSON.parse(ex.body.toString('utf8')) as { input?: unknown };
    input = typeof parsed.input === 'string' ? parsed.input : JSON.stringify(parsed.input ?? '');
  }
  const data: RpcTypedData =
    fn.trigger.type === 'timerTrigger'
      ? { json: JSON.stringify({ Schedule: { AdjustForDST: true }, ScheduleStatus: null, IsPastDue: false }) }
      : { string: input };
  const error = await invokeTriggeredFunction(deps, fn, data, {});
  if (error) sendJson(ex, 500, { message: `${name} failed: ${error.message}` });
  else sendJson(ex, 202, undefined);
}
