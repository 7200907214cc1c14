import type { FunctionKeys } from '../http/functionKeys';
import { sendJson, type HttpExchange } from '../http/httpExchange';
import type { RegisteredFunction } from '../functionRegistry';
import { blobTriggerSource, runBlobFunction } from '../triggers/blobFunction';
import type { TriggerDeps } from '../triggers/startTriggerListeners';
import { BLOB_CREATED, type BlobCreatedData, blobOfUrl, type EventGridEvent, functionNameOf, SUBSCRIPTION_VALIDATION } from './blobEvents';

export const BLOB_WEBHOOK_PATH = '/runtime/webhooks/blobs';

/** A blob trigger declared with `source: 'EventGrid'` (the only blob source Flex Consumption runs). */
export function isEventGridBlobTrigger(fn: RegisteredFunction): boolean {
  const source = fn.trigger.source;
  return fn.trigger.type.toLowerCase() === 'blobtrigger' && typeof source === 'string' && source.toLowerCase() === 'eventgrid';
}

/**
 * `POST /runtime/webhooks/blobs?functionName=Host.Functions.<name>&code=<blobs_extension key>`, as the
 * host serves it for Event Grid-sourced blob triggers: answers the subscription validation handshake,
 * and runs the function for each BlobCreated event of its container. A failed function answers 500, so
 * Event Grid delivers the event again (at least once, with its retry schedule).
 */
export async function handleBlobWebhook(ex: HttpExchange, keys: FunctionKeys, deps: TriggerDeps): Promise<void> {
  if (ex.req.method !== 'POST') return sendJson(ex, 405, { message: 'POST only.' });
  const code = ex.url.searchParams.get('code') ?? ex.req.headers['x-functions-key'];
  if (code !== keys.blobsExtensionKey) return sendJson(ex, 401, { message: 'Unauthorized: the blobs_extension system key is required.' });
  const name = functionNameOf(ex.url.searchParams);
  const fn = name ? deps.registry.tryGet(name) : undefined;
  if (!fn || !isEventGridBlobTrigger(fn)) return sendJson(ex, 404, { message: `No Event Grid blob trigger named ${name ?? '(none)'}.` });
  let events: EventGridEvent[];
  try {
    const parsed = JSON.parse(ex.body.toString('utf8')) as unknown;
    events = (Array.isArray(parsed) ? parsed : [parsed]) as EventGridEvent[];
  } catch {
    return sendJson(ex, 400, { message: 'The body is not an Event Grid event array.' });
  }
  const validation = events.find((e) => e.eventType === SUBSCRIPTION_VALIDATION) as EventGridEvent<{ validationCode: string }> | undefined;
  if (validation) return sendJson(ex, 200, { validationResponse: validation.data.validationCode });
  const source = blobTriggerSource(fn);
  for (const event of events) {
    if (event.eventType !== BLOB_CREATED) continue;
    const data = event.data as BlobCreatedData;
    const blobName = blobOfUrl(data.url, source.pattern.container);
    const bindings = blobName ? source.pattern.match(blobName) : undefined;
    if (!blobName || !bindings) continue;
    const outcome = await runBlobFunction(deps, fn, source, blobName, data.eTag, bindings);
    if (outcome instanceof Error) return sendJson(ex, 500, { message: `The function failed for ${blobName}; deliver the event again.` });
  }
  return sendJson(ex, 200, {});
}
