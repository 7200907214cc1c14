import { ClientSecretCredential } from '@azure/identity';
import { Client, MiddlewareFactory } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import { Agent } from 'undici';
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
}

export interface GraphSession {
  client: Client;
  /** Options for direct `fetch` calls (upload-session URLs), trusting the same CA as the client. */
  fetchOptions: { dispatcher?: Agent };
  /** Requests sent so far, counted as Graph counts them. */
  counter: RequestCounter;
}

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/**
 * A Graph client with the SDK's default middleware (authentication, retry honouring Retry-After
 * on 429/503/504, redirects). Tokens are only attached to hosts the SDK knows to be Graph, so a
 * non-default base URL's host is named as a custom host. Node's `fetch` reads extra CAs only at
 * start-up, so a given CA is passed as an undici dispatcher.
 */
export function createGraphSession(connection: GraphConnection): GraphSession {
  const ca = connection.caCertificatePem;
  const credential = new ClientSecretCredential(connection.tenantId, connection.clientId, connection.clientSecret, {
    ...(connection.authorityHost ? { authorityHost: connection.authorityHost, disableInstanceDiscovery: true } : {}),
    ...(ca ? { tlsOptions: { ca } } : {}),
  });
  const authProvider = new TokenCredentialAuthenticationProvider(credential, { scopes: [GRAPH_SCOPE] });
  const baseUrl = connection.baseUrl ?? 'https://graph.microsoft.com/';
  const fetchOptions = ca ? { dispatcher: new Agent({ connect: { ca } }) } : {};
  // The SDK's default chain (auth, retry, redirect, telemetry, HTTP) with the counter just before
  // the HTTP handler, so retries are counted too.
  const counter = new RequestCounter();
  const middleware = MiddlewareFactory.getDefaultMiddlewareChain(authProvider);
  middleware.splice(middleware.length - 1, 0, counter);
  const client = Client.initWithMiddleware({
    middleware,
    baseUrl: baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`,
    defaultVersion: 'v1.0',
    customHosts: new Set([new URL(baseUrl).hostname]),
    fetchOptions,
  });
  return { client, fetchOptions, counter };
}
