import { createHash } from 'node:crypto';
import { z } from 'zod';
import { GraphError } from '../graphError';
import { matchesFilter, parseFilter } from '../http/odataFilter';
import { applySelect, pageOf, selectedProperties } from '../http/odataQuery';
import type { Router } from '../http/router';
import type { SandboxRequest, SandboxResponse } from '../http/sandboxRequest';
import type { TenantStore } from '../store/tenantStore';
import type { UserRecord } from '../store/types';
import { findSku, hasExchangeLicence, subscribedSkus } from './licenceCatalog';
import { parseJsonBody } from '../http/parseJsonBody';

/** Properties `GET /users/{id}` returns without `$select` (https://learn.microsoft.com/graph/api/user-get). */
const DEFAULT_USER_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
];

const assignLicenseSchema = z.object({
  addLicenses: z.array(z.object({ skuId: z.string(), disabledPlans: z.array(z.string()).default([]) })),
  removeLicenses: z.array(z.string()),
});

export function addDirectoryRoutes(router: Router, store: TenantStore): void {
  router.add('GET', '/organization', (req) => ({ status: 200, json: organizationPage(req, store) }));
  router.add('GET', '/subscribedSkus', (req) => ({
    status: 200,
    json: {
      '@odata.context': `${req.graphBaseUrl}/$metadata#subscribedSkus`,
      value: subscribedSkus.map((sku) => ({
        skuId: sku.skuId,
        skuPartNumber: sku.skuPartNumber,
        capabilityStatus: 'Enabled',
        appliesTo: 'User',
        prepaidUnits: { enabled: 10000, suspended: 0, warning: 0 },
      })),
    },
  }));
  router.add('GET', '/users', (req) => listUsers(req, store));
  router.add('GET', '/users/:user', (req, params) => getUser(req, store.findUser(params.user!)));
  router.add('PATCH', '/users/:user', (req, params) => updateUser(req, store, params.user!));
  router.add('POST', '/users/:user/assignLicense', (req, params) => assignLicense(req, store, params.user!));
}

function organizationPage(req: SandboxRequest, store: TenantStore): Record<string, unknown> {
  const org = store.state.organization;
  return {
    '@odata.context': `${req.graphBaseUrl}/$metadata#organization`,
    value: [
      applySelect(
        {
          id: org.id,
          displayName: org.displayName,
          onPremisesSyncEnabled: org.onPremisesSyncEnabled,
          onPremisesLastSyncDateTime: org.onPremisesLastSyncDateTime,
          countryLetterCode: org.countryLetterCode ?? 'US',
          verifiedDomains: org.verifiedDomains.map((name, index) => ({
            capabilities: 'Email, OfficeCommunicationsOnlineDialIn',
            isDefault: index === 0,
            isInitial: name.endsWith('.onmicrosoft.com'),
            name,
            type: 'Managed',
          })),
        },
        selectedProperties(req),
      ),
    ],
  };
}

export function toUserJson(user: UserRecord): Record<string, unknown> {
  return {
    id: user.id,
    businessPhones: [],
    displayName: user.displayName,
    givenName: user.givenName,
    jobTitle: null,
    mail: user.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: user.surname,
    userPrincipalName: user.userPrincipalName,
    proxyAddresses: user.proxyAddresses,
    usageLocation: user.usageLocation,
    assignedLicenses: user.assignedLicenses,
    onPremisesSyncEnabled: user.onPremisesSyncEnabled,
    onPremisesImmutableId: user.onPremisesImmutableId,
  };
}

/** Graph returns only the default properties unless `$select` names others (proxyAddresses, assignedLicenses, ...). */
function userJson(req: SandboxRequest, user: UserRecord): Record<string, unknown> {
  return applySelect(toUserJson(user), selectedProperties(req) ?? DEFAULT_USER_PROPERTIES);
}

function getUser(req: SandboxRequest, user: UserRecord): SandboxResponse {
  return { status: 200, json: { '@odata.context': `${req.graphBaseUrl}/$metadata#users/$entity`, ...userJson(req, user) } };
}

const updateUserSchema = z.object({
  displayName: z.string().min(1).optional(),
  givenName: z.string().nullable().optional(),
  surname: z.string().nullable().optional(),
  usageLocation: z.string().length(2).nullable().optional(),
  passwordProfile: z
    .object({
      password: z.string(),
      forceChangePasswordNextSignIn: z.boolean().default(false),
      forceChangePasswordNextSignInWithMfa: z.boolean().optional(),
    })
    .optional(),
});

/**
 * https://learn.microsoft.com/graph/api/user-update : 204 No Content. `proxyAddresses` and `mail` are
 * not writable through Graph (Exchange or directory sync own them), so they are refused, not ignored.
 */
function updateUser(req: SandboxRequest, store: TenantStore, id: string): SandboxResponse {
  const user = store.findUser(id);
  const raw = parseJsonBody(req, z.record(z.string(), z.unknown()));
  for (const readOnly of ['proxyAddresses', 'mail', 'assignedLicenses', 'onPremisesSyncEnabled', 'id']) {
    if (readOnly in raw) throw new GraphError(400, 'Request_BadRequest', `Property '${readOnly}' is read-only and cannot be set.`);
  }
  const patch = parseJsonBody(req, updateUserSchema.strict());
  if (user.onPremisesSyncEnabled && (patch.displayName !== undefined || patch.givenName !== undefined || patch.surname !== undefined)) {
    throw new GraphError(
      400,
      'Request_BadRequest',
      'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.',
    );
  }
  const { passwordProfile, ...properties } = patch;
  if (passwordProfile) user.passwordProfile = toStoredPassword(passwordProfile.password, passwordProfile.forceChangePasswordNextSignIn);
  Object.assign(user, Object.fromEntries(Object.entries(properties).filter(([, value]) => value !== undefined)));
  store.changed();
  return { status: 204 };
}

/**
 * Entra ID's password policy for cloud passwords: 8 to 256 characters, with three of lower case, upper
 * case, digits and symbols (https://learn.microsoft.com/entra/identity/authentication/concept-password-ban-bad-combined-policy).
 * Only a hash is kept, so the sandbox never holds a CSV password.
 */
function toStoredPassword(password: string, forceChangePasswordNextSignIn: boolean): NonNullable<UserRecord['passwordProfile']> {
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((kind) => kind.test(password)).length;
  if (password.length < 8 || password.length > 256 || kinds < 3) {
    throw new GraphError(
      400,
      'Request_BadRequest',
      'The specified password does not comply with password complexity requirements. Please provide a different password.',
    );
  }
  return {
    passwordSha256: createHash('sha256').update(password).digest('hex'),
    forceChangePasswordNextSignIn,
    lastPasswordChangeDateTime: new Date().toISOString(),
  };
}

function listUsers(req: SandboxRequest, store: TenantStore): SandboxResponse {
  const filter = parseFilter(req.query.get('$filter'));
  const users = Object.values(store.state.users).filter((user) => matchesFilter(toUserJson(user), filter));
  const select = selectedProperties(req) ?? DEFAULT_USER_PROPERTIES;
  return { status: 200, json: pageOf(req, users, (user) => applySelect(toUserJson(user), select), { defaultTop: 100, maxTop: 999, context: 'users' }) };
}

/** https://learn.microsoft.com/graph/api/user-assignlicense : needs `usageLocation`; unknown SKUs are refused. */
function assignLicense(req: SandboxRequest, store: TenantStore, id: string): SandboxResponse {
  const user = store.findUser(id);
  const body = parseJsonBody(req, assignLicenseSchema);
  for (const licence of body.addLicenses) {
    if (!findSku(licence.skuId)) throw new GraphError(400, 'Request_BadRequest', `License ${licence.skuId} does not correspond to a valid company License.`);
  }
  if (body.addLicenses.length > 0 && !user.usageLocation) {
    // The text Graph answers with (Okta KB "Office 365 push profile update failed ... invalid usage location";
    // the user resource page: usageLocation is "Required for users that are assigned licenses").
    throw new GraphError(400, 'Request_BadRequest', 'License assignment cannot be done for user with invalid usage location.');
  }
  const removed = new Set(body.removeLicenses.map((sku) => sku.toLowerCase()));
  const kept = user.assignedLicenses.filter((licence) => !removed.has(licence.skuId.toLowerCase()));
  for (const licence of body.addLicenses) {
    if (!kept.some((existing) => existing.skuId.toLowerCase() === licence.skuId.toLowerCase())) kept.push(licence);
  }
  const hadExchange = hasExchangeLicence(user.assignedLicenses);
  user.assignedLicenses = kept;
  if (!hadExchange && hasExchangeLicence(kept)) store.startMailboxProvisioning(user);
  store.changed();
  return getUser(req, user);
}
