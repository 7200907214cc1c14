import type { FaultRuleInput } from './faults/faultInjector';
import type { NewUser, TenantStore } from './store/tenantStore';
import type { UserRecord } from './store/types';

/** What the control API needs from a running sandbox (kept narrow so the routes do not see the server). */
export interface M365SandboxControls {
  store: TenantStore;
  addUser(user: NewUser): UserRecord;
  setOrganization(organization: { displayName?: string; onPremisesSyncEnabled?: boolean | null }): void;
  setLatency(latencyMs: number): void;
  /** How long mailboxes take to appear after a licence is assigned from now on. */
  setMailboxProvisioningDelay(delayMs: number): void;
  addFault(rule: FaultRuleInput): number;
  clearFaults(): void;
  /** Changes the app's permissions (new tokens carry the new roles) and its service principal's directory roles. */
  setAppPermissions(permissions: { roles?: string[]; directoryRoles?: string[] }): void;
}
