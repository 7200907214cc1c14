import { ClientSecretCredential } from '@azure/identity';
import {
  AuthenticationHandler,
  Client,
  type Context,
  HTTPMessageHandler,
  type Middleware,
  RedirectHandler,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import { Agent } from 'undici';
import { type BudgetRegistry, GraphPacing, noteThrottling } from './graphPacing';
import { MailboxBudget, OUTLOOK_LIMITS, type OutlookLimits, type RequestCost } from './mailboxBudget';
import { RequestCounter } from './requestCounter';

/**
 * How to reach Microsoft Graph for one tenant: the real cloud by default, or another Graph
 * (the m365-sandbox) by base URL, authority host and the CA its certificates come from.
 */
export interface GraphConnection {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Default `https://graph.microsoft.com/`. */
  baseUrl?: string;
  /** Default `https://login.microsoftonline.com`. */
  authorityHost?: string;
  /** Extra CA (PEM) to trust, for a Graph other than Microsoft's. */
  caCertificatePem?: string;
  /** Outlook's per-mailbox limits (Microsoft's values unless a test or benchmark scales them). */
  limits?: OutlookLimits;
  /** The longest wait for a mailbox's budget spent in place; longer waits end the call with BudgetExhausted. */
  maxInlineWaitMs?: number;
  /** A request with no answer after this long is given up (default 120 s). */
  requestTimeoutMs?: number;
}

export interface GraphSession extends BudgetRegistry {
  client: Client;
  /** Requests sent so far, counted as Graph counts them. */
  counter: RequestCounter;
  /** The app's access token, for reading its own permissions (the `roles` claim). */
  accessToken(): Promise<string>;
  /**
   * A request made outside the Graph client (an upload session's pre-authorised URL), paced, counted
   * and throttled like the others (a long Retry-After ends it with BudgetExhausted). The URL carries
   * its own authorisation: no token is sent.
   */
  direct(mailbox: string, cost: RequestCost, request: (init: RequestInit) => Promise<Response>): Promise<Response>;
}

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
/** The SDK's own defaults (RetryHandlerOptions keeps them private): 3 s without Retry-After, 3 retries. */
const RETRY_DELAY_SECONDS = 3;
const MAX_RETRIES = 3;

/**
 * Which answers the Graph client's RetryHandler may resend a request after. A 429 means Graph did not
 * run the request, so it is always safe to send again. A 503, a 504 or a lost answer does not say
 * whether the request ran: a create sent again would be a second copy. So those are retried here only
 * for requests that do the same thing however often they run (GET, PUT, PATCH, DELETE); a POST is
 * left to its caller, who looks for what it may have created first (see graphBatch.ts).
 * https://learn.microsoft.com/graph/best-practices-concept#handling-expected-errors
 */
const retryOnlyWhatIsSafe = (_delay: number, _attempt: number, request: unknown, options: { method?: string } | undefined, response: Response): boolean => {
  if (response.status === 429) return true;
  const method = (options?.method ?? (request as { method?: string }).method ?? 'GET').toUpperCase();
  return method !== 'POST';
};

/**
 * A Graph client whose middleware is the SDK's chain (authentication, retry honouring Retry-After,
 * redirects, telemetry, HTTP) with three changes: the retry policy above; pacing and counting per
 * mailbox (graphPacing.ts) after the retries, so every attempt is paced; and a time limit per request.
 * Tokens are attached only to hosts the SDK knows to be Graph, so a non-default base URL's host is a
 * custom host. Node's `fetch` reads extra CAs only at start-up, so a given CA is an undici dispatcher.
 */
export function createGraphSession(connection: GraphConnection): GraphSession {
  const ca = connection.caCertificatePem;
  const credential = new ClientSecretCredential(connection.tenantId, connection.clientId, connection.clientSecret, {
    ...(connection.authorityHost ? { authorityHost: connection.authorityHost, disableInstanceDiscovery: true } : {}),
    ...(ca ? { tlsOptions: { ca } } : {}),
  });
  const authProvider = new TokenCredentialAuthenticationProvider(credential, { scopes: [GRAPH_SCOPE] });
  const baseUrl = connection.baseUrl ?? 'https://graph.microsoft.com/';
  const dispatcher = ca ? new Agent({ connect: { ca } }) : undefined;
  const fetchOptions = dispatcher ? { dispatcher } : {};
  const limits = connection.limits ?? OUTLOOK_LIMITS;
  const maxInlineWaitMs = connection.maxInlineWaitMs ?? 20_000;
  const budgets = new Map<string, MailboxBudget>();
  const budgetOf = (mailbox: string): MailboxBudget => {
    const key = mailbox.toLowerCase();
    let budget = budgets.get(key);
    if (!budget) {
      budget = new MailboxBudget(limits, maxInlineWaitMs);
      budgets.set(key, budget);
    }
    return budget;
  };
  const counter = new RequestCounter();
  const chain: Middleware[] = [
    new AuthenticationHandler(authProvider),
    new RetryHandler(new RetryHandlerOptions(RETRY_DELAY_SECONDS, MAX_RETRIES, retryOnlyWhatIsSafe)),
    new RedirectHandler(),
    new TelemetryHandler(),
    new GraphPacing({ budgetOf }, counter, maxInlineWaitMs),
    new RequestTimeLimit(connection.requestTimeoutMs ?? 120_000),
    new HTTPMessageHandler(),
  ];
  chain.reduce((previous, next) => {
    previous.setNext!(next);
    return next;
  });
  const client = Client.initWithMiddleware({
    middleware: chain[0]!,
    baseUrl: baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`,
    defaultVersion: 'v1.0',
    customHosts: new Set([new URL(baseUrl).hostname]),
    fetchOptions,
  });
  return {
    client,
    counter,
    budgetOf,
    accessToken: async () => (await credential.getToken(GRAPH_SCOPE)).token,
    direct: async (mailbox, cost, request) => {
      const budget = budgetOf(mailbox);
      const release = await budget.acquire(cost);
      const started = performance.now();
      let response: Response;
      try {
        response = await request({ ...(fetchOptions as RequestInit), signal: AbortSignal.timeout(connection.requestTimeoutMs ?? 120_000) });
      } finally {
        release();
        counter.record(cost, 0, performance.now() - started);
      }
      noteThrottling(response, budget, counter, maxInlineWaitMs);
      return response;
    },
  };
}

/** Gives up on a request that has had no answer for `ms`: a hung connection must not hold an activity forever. */
class RequestTimeLimit implements Middleware {
  private next: Middleware | undefined;

  constructor(private readonly ms: number) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    context.options = { ...context.options, signal: context.options?.signal ?? AbortSignal.timeout(this.ms) };
    await this.next!.execute(context);
  }
}
