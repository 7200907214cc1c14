import { z } from 'zod';
import { GraphError } from '../graphError';
import type { GraphPipeline } from '../http/graphPipeline';
import { toErrorResponse } from '../http/graphPipeline';
import { parseJsonBody } from '../http/parseJsonBody';
import type { Router } from '../http/router';
import type { SandboxRequest, SandboxResponse } from '../http/sandboxRequest';
import { toBatchItemRequest } from './toBatchItemRequest';

export const MAX_BATCH_REQUESTS = 20;

const batchSchema = z.object({
  requests: z.array(
    z.object({
      id: z.string().min(1),
      method: z.string().min(1),
      url: z.string().min(1),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.unknown().optional(),
      dependsOn: z.array(z.string()).optional(),
    }),
  ),
});

export type BatchItem = z.infer<typeof batchSchema>['requests'][number];

/**
 * Requests of a parallel batch the service runs at once: "In a JSON batch request that consists of
 * multiple individual requests to the Outlook service, by default, the service executes up to 4 requests
 * in parallel at any point, irrespective of the target mailbox" (throttling-limits, "Outlook service
 * limits for JSON batching").
 */
export const BATCH_PARALLELISM = 4;

/**
 * JSON batching (https://learn.microsoft.com/graph/json-batching): at most 20 requests, either fully
 * parallel (run at most 4 at a time) or fully sequential (each `dependsOn` the one before: run in
 * order, and a failure fails every later request with 424). Each request goes through the mailbox
 * throttle on its own, so batches running side by side still meet the mailbox's 4-request limit.
 */
export function addBatchRoute(router: Router, pipeline: GraphPipeline): void {
  router.add('POST', '/$batch', async (req) => runBatch(req, pipeline));
}

type BatchAnswer = { id: string; status: number; headers: Record<string, string>; body?: unknown };

async function runBatch(outer: SandboxRequest, pipeline: GraphPipeline): Promise<SandboxResponse> {
  const { requests } = parseJsonBody(outer, batchSchema);
  validate(requests);
  const answers = batchShape(requests) === 'sequential' ? await runSequential(outer, requests, pipeline) : await runParallel(outer, requests, pipeline);
  return { status: 200, json: { responses: answers } };
}

async function runSequential(outer: SandboxRequest, requests: BatchItem[], pipeline: GraphPipeline): Promise<BatchAnswer[]> {
  const answers: BatchAnswer[] = [];
  let failed: string | undefined;
  for (const item of requests) {
    const answer = failed === undefined ? await runOne(outer, item, pipeline) : failedDependency(outer, item, failed);
    answers.push(toBatchAnswer(item.id, answer));
    if (answer.status >= 400) failed = item.id; // each later request names the one it depends on
  }
  return answers;
}

async function runParallel(outer: SandboxRequest, requests: BatchItem[], pipeline: GraphPipeline): Promise<BatchAnswer[]> {
  const answers = new Array<BatchAnswer>(requests.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < requests.length; index = next++) {
      answers[index] = toBatchAnswer(requests[index]!.id, await runOne(outer, requests[index]!, pipeline));
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCH_PARALLELISM, requests.length) }, worker));
  return answers;
}

function runOne(outer: SandboxRequest, item: BatchItem, pipeline: GraphPipeline): Promise<SandboxResponse> {
  return Promise.resolve()
    .then(() => toBatchItemRequest(outer, item))
    .then((inner) => pipeline.handle(inner, { insideBatch: true }))
    .catch((error: unknown) => toErrorResponse(error, outer));
}

function validate(requests: BatchItem[]): void {
  if (requests.length === 0) throw new GraphError(400, 'BadRequest', 'Invalid batch payload format: the batch contains no requests.');
  if (requests.length > MAX_BATCH_REQUESTS) {
    throw new GraphError(400, 'BadRequest', `Number of batch requests (${requests.length}) exceeds the maximum of ${MAX_BATCH_REQUESTS}.`);
  }
  const ids = new Set<string>();
  for (const item of requests) {
    if (ids.has(item.id.toLowerCase())) throw new GraphError(400, 'BadRequest', `Batch request ids must be unique: '${item.id}' is repeated.`);
    ids.add(item.id.toLowerCase());
    if (/\$batch/i.test(item.url)) throw new GraphError(400, 'BadRequest', 'Nested batch requests are not supported.');
  }
  for (const item of requests) {
    for (const dependency of item.dependsOn ?? []) {
      if (!requests.some((other) => other.id === dependency) || dependency === item.id) {
        throw new GraphError(400, 'BadRequest', `Request '${item.id}' depends on '${dependency}', which is not an earlier request of this batch.`);
      }
    }
  }
  if (hasCycle(requests)) throw new GraphError(400, 'BadRequest', 'The dependsOn chain of the batch has a cycle.');
  if (batchShape(requests) === 'mixed') throw new GraphError(400, 'BadRequest', 'Batch should be either fully sequential or fully parallel');
}

/**
 * Graph runs a batch only when it is fully parallel (no request has `dependsOn`) or fully sequential
 * (every request after the first depends on the one before it, and on nothing else). Anything in
 * between, such as several parallel dependsOn chains, is refused as a whole with 400 "Batch should be
 * either fully sequential or fully parallel" (microsoft-graph-docs issue #16280; Microsoft Q&A 1532547).
 */
export function batchShape(requests: readonly BatchItem[]): 'parallel' | 'sequential' | 'mixed' {
  if (requests.every((item) => (item.dependsOn ?? []).length === 0)) return 'parallel';
  const chained = requests.every((item, index) => {
    const dependsOn = item.dependsOn ?? [];
    return index === 0 ? dependsOn.length === 0 : dependsOn.length === 1 && dependsOn[0] === requests[index - 1]!.id;
  });
  return chained ? 'sequential' : 'mixed';
}

function hasCycle(requests: BatchItem[]): boolean {
  const done = new Set<string>();
  let progress = true;
  while (progress) {
    progress = false;
    for (const item of requests) {
      if (!done.has(item.id) && (item.dependsOn ?? []).every((id) => done.has(id))) {
        done.add(item.id);
        progress = true;
      }
    }
  }
  return done.size !== requests.length;
}

function failedDependency(outer: SandboxRequest, item: BatchItem, failed: string): SandboxResponse {
  return toErrorResponse(
    new GraphError(424, 'FailedDependency', `The request '${item.id}' was not run because the request '${failed}' it depends on failed.`),
    outer,
  );
}

function toBatchAnswer(id: string, response: SandboxResponse): BatchAnswer {
  const headers: Record<string, string> = { ...response.headers };
  if (response.raw) {
    headers['Content-Type'] = response.raw.contentType;
    return { id, status: response.status, headers, body: response.raw.body.toString('base64') };
  }
  if (response.json === undefined) return { id, status: response.status, headers };
  headers['Content-Type'] = 'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8';
  return { id, status: response.status, headers, body: response.json };
}
