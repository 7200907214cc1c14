import { setTimeout as sleep } from 'node:timers/promises';
import { requirePermission } from '../auth/permissions';
import type { FaultDecision, FaultInjector } from '../faults/faultInjector';
import type { RequestGate } from '../faults/requestGate';
import { GraphError, toGraphErrorBody } from '../graphError';
import type { TenantStore } from '../store/tenantStore';
import type { MailboxThrottle } from '../throttling/mailboxThrottle';
import type { Router } from './router';
import type { SandboxRequest, SandboxResponse } from './sandboxRequest';

/** Resource segments under `/users/{id}` that live in the Exchange mailbox and count against its limits. */
const MAILBOX_SEGMENTS = new Set([
  'attachmentsessions',
  'messages',
  'mailfolders',
  'contactfolders',
  'contacts',
  'calendars',
  'calendar',
  'events',
  'sendmail',
]);

export interface PipelineControls {
  latencyMs: number;
}

/** Thrown for a fault that must end the connection without an answer; the HTTP layer destroys the socket. */
export class DroppedConnection extends Error {}

/**
 * One Graph request from arrival to answer: injected faults, the mailbox's throttle, added latency, the
 * handler, and errors turned into Graph's error body. `$batch` runs each inner request through here too.
 */
export class GraphPipeline {
  constructor(
    private readonly router: Router,
    private readonly store: TenantStore,
    private readonly throttle: MailboxThrottle,
    private readonly faults: FaultInjector,
    private readonly controls: PipelineControls,
    private readonly gate: RequestGate,
  ) {}

  /** Not async on purpose: the mailbox slot is taken in the caller's tick (see MailboxThrottle). */
  handle(request: SandboxRequest, options: { insideBatch?: boolean; router?: Router } = {}): Promise<SandboxResponse> {
    try {
      const fault = this.faults.decide(request.method, request.path, { insideBatch: options.insideBatch === true });
      if (fault && !fault.afterHandling) throw toFaultError(fault, options.insideBatch === true);
      const mailboxKey = this.mailboxKeyOf(request.path);
      const slot = mailboxKey === undefined ? undefined : this.throttle.acquire(mailboxKey, uploadBytes(request));
      const answered = this.run(request, options.router ?? this.router).finally(() => slot?.release());
      if (!fault) return answered;
      // The work is done (the item exists); only the answer is lost or replaced.
      return answered
        .then(() => {
          throw toFaultError(fault, options.insideBatch === true);
        })
        .catch((error: unknown) => (error instanceof DroppedConnection ? Promise.reject(error) : toErrorResponse(error, request)));
    } catch (error) {
      if (error instanceof DroppedConnection) return Promise.reject(error);
      return Promise.resolve(toErrorResponse(error, request));
    }
  }

  private async run(request: SandboxRequest, router: Router): Promise<SandboxResponse> {
    try {
      if (this.controls.latencyMs > 0) await sleep(this.controls.latencyMs);
      await this.gate.pass(request.path);
      if (request.roles) requirePermission(request.method, request.path, request.body, request.roles, request.directoryRoles ?? []);
      return await router.dispatch(request);
    } catch (error) {
      return toErrorResponse(error, request);
    }
  }

  /** `/users/{id}/messages/...`, and the upload URLs `/_upload/users/{id}/...`, which count for the same mailbox. */
  mailboxKeyOf(path: string): string | undefined {
    const segments = path.split('/').filter(Boolean);
    if (segments[0] === '_upload') segments.shift();
    if (segments[0]?.toLowerCase() !== 'users' || segments.length < 3) return undefined;
    if (!MAILBOX_SEGMENTS.has(segments[2]!.toLowerCase())) return undefined;
    const id = decodeURIComponent(segments[1]!);
    return this.store.tryFindUser(id)?.id ?? id.toLowerCase();
  }
}

/**
 * Outlook's upload limit counts bytes sent to the mailbox by PATCH, POST and PUT
 * (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits).
 */
function uploadBytes(request: SandboxRequest): number {
  return ['POST', 'PUT', 'PATCH'].includes(request.method) ? request.body.length : 0;
}

/**
 * An injected fault as the client sees it. A dropped connection inside `$batch` cannot drop the batch's
 * own connection, so that request answers 504, as a gateway in front of a lost backend would (a guess:
 * no page describes how Graph reports a backend lost inside a batch).
 */
function toFaultError(fault: FaultDecision, insideBatch: boolean): Error {
  const retryAfter = { 'Retry-After': String(fault.retryAfterSeconds) };
  switch (fault.kind) {
    case 'tooManyRequests':
      return new GraphError(429, 'TooManyRequests', 'Too many requests. (injected fault)', retryAfter);
    case 'serviceUnavailable':
      return new GraphError(503, 'ServiceUnavailable', 'Service unavailable. (injected fault)', retryAfter);
    case 'gatewayTimeout':
      return new GraphError(504, 'UnknownError', 'Gateway timeout. (injected fault)');
    case 'dropConnection':
      return insideBatch
        ? new GraphError(504, 'UnknownError', 'Gateway timeout. (injected fault: the connection to the backend was lost)')
        : new DroppedConnection('fault: connection dropped');
  }
}

export function toErrorResponse(error: unknown, request: Pick<SandboxRequest, 'requestId' | 'headers'>): SandboxResponse {
  const graphError =
    error instanceof GraphError
      ? error
      : new GraphError(500, 'generalException', `An internal error occurred in the sandbox: ${(error as Error)?.message ?? String(error)}`);
  return {
    status: graphError.status,
    headers: graphError.headers,
    json: toGraphErrorBody(graphError.code, graphError.message, request.requestId, request.headers['client-request-id']),
  };
}
