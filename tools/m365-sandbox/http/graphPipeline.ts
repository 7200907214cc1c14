import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultInjector } from '../faults/faultInjector';
import type { RequestGate } from '../faults/requestGate';
import { GraphError, toGraphErrorBody } from '../graphError';
import type { TenantStore } from '../store/tenantStore';
import type { MailboxThrottle } from '../throttling/mailboxThrottle';
import type { Router } from './router';
import type { SandboxRequest, SandboxResponse } from './sandboxRequest';

/** Resource segments under `/users/{id}` that live in the Exchange mailbox and count against its limits. */
const MAILBOX_SEGMENTS = new Set(['attachmentsessions', 'messages', 'mailfolders', 'contactfolders', 'contacts', 'calendars', 'calendar', 'events', 'sendmail']);

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
      const fault = this.faults.decide(request.method, request.path);
      if (fault?.kind === 'dropConnection' && !options.insideBatch) throw new DroppedConnection('fault: connection dropped');
      if (fault?.kind === 'tooManyRequests') {
        throw new GraphError(429, 'TooManyRequests', 'Too many requests. (injected fault)', { 'Retry-After': String(fault.retryAfterSeconds) });
      }
      if (fault) throw new GraphError(503, 'ServiceUnavailable', 'Service unavailable. (injected fault)', { 'Retry-After': String(fault.retryAfterSeconds) });
      const mailboxKey = this.mailboxKeyOf(request.path);
      const slot = mailboxKey === undefined ? undefined : this.throttle.acquire(mailboxKey, request.body.length);
      return this.run(request, options.router ?? this.router).finally(() => slot?.release());
    } catch (error) {
      if (error instanceof DroppedConnection) return Promise.reject(error);
      return Promise.resolve(toErrorResponse(error, request));
    }
  }

  private async run(request: SandboxRequest, router: Router): Promise<SandboxResponse> {
    try {
      if (this.controls.latencyMs > 0) await sleep(this.controls.latencyMs);
      await this.gate.pass(request.path);
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

export function toErrorResponse(error: unknown, request: Pick<SandboxRequest, 'requestId' | 'headers'>): SandboxResponse {
  const graphError = error instanceof GraphError
    ? error
    : new GraphError(500, 'generalException', `An internal error occurred in the sandbox: ${(error as Error)?.message ?? String(error)}`);
  return {
    status: graphError.status,
    headers: graphError.headers,
    json: toGraphErrorBody(graphError.code, graphError.message, request.requestId, request.headers['client-request-id']),
  };
}
