import { z } from 'zod';
import { Router } from '../http/router';
import type { SandboxRequest, SandboxResponse } from '../http/sandboxRequest';
import { entraError } from './entraError';
import { GRAPH_AUDIENCE, TokenService } from './tokenService';

export interface AppRegistration {
  tenantId: string;
  tenantDomain: string;
  clientId: string;
  clientSecret: string;
  /** Application permissions granted with admin consent; they become the `roles` of tokens issued from now on. */
  roles: string[];
  /** Entra ID directory roles assigned to the app's service principal (a password reset needs one). */
  directoryRoles: string[];
}

const tokenRequestSchema = z.object({
  grant_type: z.string(),
  client_id: z.string().min(1),
  client_secret: z.string().optional(),
  scope: z.string().default(''),
});

/**
 * The Entra ID endpoints MSAL (inside `@azure/identity`) calls for the client-credentials flow:
 * the tenant's OpenID configuration and the v2.0 token endpoint
 * (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow).
 */
export function createLoginRouter(app: AppRegistration, tokens: TokenService, authorityBaseUrl: () => string): Router {
  const router = new Router();
  router.add('GET', '/:tenant/v2.0/.well-known/openid-configuration', (_req, params) => openIdConfiguration(app, params.tenant!, authorityBaseUrl()));
  router.add('POST', '/:tenant/oauth2/v2.0/token', (req, params) => issueToken(app, tokens, params.tenant!, req));
  return router;
}

function knowsTenant(app: AppRegistration, tenant: string): boolean {
  return [app.tenantId, app.tenantDomain, 'organizations'].some((known) => known.toLowerCase() === tenant.toLowerCase());
}

function openIdConfiguration(app: AppRegistration, tenant: string, base: string): SandboxResponse {
  if (!knowsTenant(app, tenant)) return entraError(400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found.`);
  const root = `${base}/${app.tenantId}`;
  return {
    status: 200,
    json: {
      token_endpoint: `${root}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/${app.tenantId}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${root}/v2.0`,
      request_uri_parameter_supported: false,
      authorization_endpoint: `${root}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${root}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${root}/oauth2/v2.0/logout`,
      tenant_region_scope: 'EU',
      cloud_instance_name: 'microsoftonline.com',
    },
  };
}

function issueToken(app: AppRegistration, tokens: TokenService, tenant: string, req: SandboxRequest): SandboxResponse {
  if (!knowsTenant(app, tenant)) return entraError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found.`);
  const parsed = tokenRequestSchema.safeParse(Object.fromEntries(new URLSearchParams(req.body.toString('utf8'))));
  if (!parsed.success) return entraError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
  const form = parsed.data;
  if (form.grant_type !== 'client_credentials') {
    return entraError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${form.grant_type}'.`);
  }
  if (form.client_id !== app.clientId) {
    return entraError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${form.client_id}' was not found in the directory '${app.tenantDomain}'.`,
    );
  }
  if (form.client_secret !== app.clientSecret) {
    return entraError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
    );
  }
  const scopes = form.scope
    .split(' ')
    .filter(Boolean)
    .filter((scope) => !['openid', 'profile', 'offline_access'].includes(scope));
  if (scopes.length !== 1 || scopes[0]!.replace(/\/$/, '') !== `${GRAPH_AUDIENCE}/.default`) {
    return entraError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${form.scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const issued = tokens.issue(app.clientId, app.roles);
  return { status: 200, json: { token_type: 'Bearer', expires_in: issued.expiresIn, ext_expires_in: issued.expiresIn, access_token: issued.accessToken } };
}
