/** A Graph request as the handlers see it: already read, authenticated and stripped of `/v1.0`. */
export interface SandboxRequest {
  method: string;
  /** Path below the Graph version segment, e.g. `/users/ann@contoso.com/messages`. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: Buffer;
  requestId: string;
  /** `https://127.0.0.1:PORT/v1.0`: the base for `@odata.context`, `@odata.nextLink` and `Location`. */
  graphBaseUrl: string;
  /** Application permissions of the caller's token (its `roles` claim); absent for pre-authorised upload URLs. */
  roles?: string[];
  /** Directory roles held by the caller's service principal (a password reset needs one). */
  directoryRoles?: string[];
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  /** A JSON body, written with `Content-Type: application/json`. */
  json?: unknown;
  /** A raw body (MIME, attachment bytes). */
  raw?: { contentType: string; body: Buffer };
}

export type RouteParams = Record<string, string>;
export type RouteHandler = (request: SandboxRequest, params: RouteParams) => Promise<SandboxResponse> | SandboxResponse;
