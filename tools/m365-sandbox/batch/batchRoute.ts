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
  requests: z.array(z.object({
    id: z.string().min(1),
    method: z.string().min(1),
    url: z.string().min(1),
    headers: z.record(z.string(), z.string()).optional(),
    body: z.unknown().optional(),
    dependsOn: z.array(z.string()).optional(),
  })),
});

export type BatchItem = z.infer<typeof batchSchema>['requests'][number];

/**
 * JSON batching (https://learn.microsoft.com/graph/json-batching): at most 20 requests; `dependsOn`
 * orders them and a failed dependency fails its dependants with 424. Requests without a pending
 * dependency run at the same time, each through the mailbox throttle, so five independent requests to
 * one mailbox get one 429 inside a 200 batch answer, as Outlook's 4-request concurrency limit gives.
 */
export function addBatchRoute(router: Router, pipeline: GraphPipeline): void {
  router.add('POST', '/$batch', async (req) => runBatch(req, pipeline));
}

async function runBatch(outer: SandboxRequest, pipeline: GraphPipeline): Promise<SandboxResponse> {
  const { requests } = parseJsonBody(outer, batchSchema);
  validate(requests);
  const results = new Map<string, { id: string; status: number; headers: Record<string, string>; body?: unknown }>();
  let pending = [...requests];
  while (pending.length > 0) {
    const ready = pending.filter((item) => (item.dependsOn ?? []).every((id) => results.has(id)));
    pending = pending.filter((item) => !ready.includes(item));
    // Start every ready request before awaiting any, so they are in flight together.
    const running = ready.map((item) => {
      const failed = (item.dependsOn ?? []).find((id) => (results.get(id)?.status ?? 0) >= 400);
      if (failed !== undefined) return Promise.resolve(failedDependency(outer, item, failed));
      return Promise.resolve()
        .then(() => toBatchItemRequest(outer, item))
        .then((inner) => pipeline.handle(inner, { insideBatch: true }))
        .catch((error: unknown) => toErrorResponse(error, outer));
    });
    const answers = await Promise.all(running);
    ready.forEach((item, index) => results.set(item.id, toBatchAnswer(item.id, answers[index]!)));
  }
  return { status: 200, json: { responses: requests.map((item) => results.get(item.id)) } };
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
  return toErrorResponse(new GraphError(424, 'FailedDependency', `The request '${item.id}' was not run because the request '${failed}' it depends on failed.`), outer);
}

function toBatchAnswer(id: string, response: SandboxResponse): { id: string; status: number; headers: Record<string, string>; body?: unknown } {
  const headers: Record<string, string> = { ...response.headers };
  if (response.raw) {
    headers['Content-Type'] = response.raw.contentType;
    return { id, status: response.status, headers, body: response.raw.body.toString('base64') };
  }
  if (response.json === undefined) return { id, status: response.status, headers };
  headers['Content-Type'] = 'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8';
  return { id, status: response.status, headers, body: response.json };
}
