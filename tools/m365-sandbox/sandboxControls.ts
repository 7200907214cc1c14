import type { FaultRuleInput } from './faults/faultInjector';
import type { NewUser, TenantStore } from './store/tenantStore';
import type { UserRecord } from './store/types';

/** What the control API needs from a running sandbox (kept narrow so the routes do not see the server). */
export interface M365SandboxControls {
  store: TenantStore;
  addUser(user: NewUser): UserRecord;
  setOrganization(organization: { displayName?: string; onPremisesSyncEnabled?: boolean | null }): void;
  setLatency(latencyMs: number): void;
  addFault(rule: FaultRuleInput): number;
  clearFaults(): void;
}
