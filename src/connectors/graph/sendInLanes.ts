import { type BatchAnswer, type BatchContext, type BatchItem, MAX_BATCH_REQUESTS, sendBatch } from './graphBatch';
import { MAX_CREATE_BODY_BYTES } from './graphMessageJson';
import { OUTLOOK_LIMITS } from './mailboxBudget';

/**
 * Sends requests as fully sequential `$batch`es over 4 lanes: each lane holds one of the mailbox's 4
 * concurrent requests ("Use the dependsOn property for each batch request and have up to 4 such batch
 * requests running concurrently", https://learn.microsoft.com/graph/throttling-limits, "Outlook service limits
 * for JSON batching"), so the mailbox stays busy and is not throttled. A batch holds at most 20 requests and
 * stays under the 4 MB a request may carry. Answers every request by its id.
 */
export async function sendInLanes(context: BatchContext, requests: readonly BatchItem[]): Promise<Map<string, BatchAnswer>> {
  const answers = new Map<string, BatchAnswer>();
  const batches = batchesOf(requests);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let batch = batches[next++]; batch; batch = batches[next++]) {
      for (const [id, answer] of await sendBatch(context, batch, 'sequential')) answers.set(id, answer);
    }
  };
  await Promise.all(Array.from({ length: Math.min(OUTLOOK_LIMITS.concurrency, batches.length) }, lane));
  return answers;
}

/**
 * Batches of at most 20 requests and 3.5 MB of bodies, sized so the work splits evenly over the lanes (12
 * creates make 4 batches of 3, not one of 12 that leaves three lanes idle).
 */
function batchesOf(requests: readonly BatchItem[]): BatchItem[][] {
  const rounds = Math.max(1, Math.ceil(requests.length / (OUTLOOK_LIMITS.concurrency * MAX_BATCH_REQUESTS)));
  const size = Math.max(1, Math.min(MAX_BATCH_REQUESTS, Math.ceil(requests.length / (OUTLOOK_LIMITS.concurrency * rounds))));
  const batches: BatchItem[][] = [];
  let batch: BatchItem[] = [];
  let bytes = 0;
  for (const request of requests) {
    const length = request.body === undefined ? 0 : typeof request.body === 'string' ? request.body.length : JSON.stringify(request.body).length;
    if (batch.length > 0 && (batch.length >= size || bytes + length > MAX_CREATE_BODY_BYTES)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(request);
    bytes += length;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
