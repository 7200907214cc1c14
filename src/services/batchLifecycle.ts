import { BATCH_EVENT, batchInstanceId, type BatchMigrationInput, ORCHESTRATION } from '../contract/orchestrations';
import type { BatchStatus } from '../core/batch/batchStatus';
import { actionRefusal, type BatchAction, isActionAllowed, statusesAllowing } from '../core/batch/batchTransitions';
import type { MigrationBatch } from '../core/batch/migrationBatch';
import { updateMailbox } from './copy/mailboxStatistics';
import type { MigrationStores } from './migration/migrationStores';
import type { BatchSteps } from './migration/batchSteps';

/** What the lifecycle needs of the Durable client (functions/ adapts `df.getClient`). */
export interface OrchestrationControl {
  start(name: string, instanceId: string, input: unknown): Promise<void>;
  raise(instanceId: string, event: string): Promise<void>;
  /** Ids of the instances that match, only those running or pending when `runningOnly`. */
  instances(match: (instanceId: string) => boolean, runningOnly: boolean): Promise<string[]>;
  terminate(instanceId: string, reason: string): Promise<void>;
  purge(instanceId: string): Promise<void>;
}

export type LifecycleResult = { ok: true; batch: MigrationBatch } | { ok: false; status: 404 | 409; code: string; message: string };

/**
 * The administrator's actions on a batch, checked against its status (409 when the status does
 * not allow them), as Exchange Online's Start-, Stop-, Complete-, and Remove-MigrationBatch.
 */
export class BatchLifecycle {
  constructor(
    private readonly stores: MigrationStores,
    private readonly steps: BatchSteps,
  ) {}

  async act(batchId: string, action: Exclude<BatchAction, 'remove'>, control: OrchestrationControl, now: string): Promise<LifecycleResult> {
    const checked = await this.check(batchId, action);
    if (!checked.ok) return checked;
    const instanceId = batchInstanceId(batchId);
    // A resumed batch's mailbox instances must not reuse ids of the run that was stopped.
    const startPhase = (phase: BatchMigrationInput['phase']) =>
      control.start(ORCHESTRATION.batch, instanceId, { batchId, phase, generation: phase === 'start' ? 0 : Date.parse(now) } satisfies BatchMigrationInput);
    // Once accepted, the batch shows the status the request leads to, so a repeated request is
    // refused (409) even before the orchestration has picked the first one up.
    const accepted = (to: BatchStatus) => this.steps.setStatusIf(batchId, statusesAllowing(action), to, now);
    switch (action) {
      case 'start':
        await startPhase('start');
        await accepted('Validating');
        break;
      case 'resume':
        await startPhase('resume');
        await accepted('Validating');
        break;
      case 'complete':
        await control.raise(instanceId, BATCH_EVENT.complete);
        await accepted('Completing');
        break;
      case 'retry':
        await control.raise(instanceId, BATCH_EVENT.retry);
        await accepted('Validating');
        break;
      case 'stop':
        await this.stop(batchId, control, now);
        break;
    }
    return { ok: true, batch: (await this.stores.batches.get(batchId))!.batch };
  }

  /** Removes a batch that is not running: its orchestration history, mailboxes, maps, reports and the batch. */
  async remove(batchId: string, control: OrchestrationControl, now: string): Promise<LifecycleResult> {
    const checked = await this.check(batchId, 'remove');
    if (!checked.ok) return checked;
    await this.steps.setStatus(batchId, 'Removing', now);
    const mailboxes = (await this.stores.mailboxes.listAll(batchId)).map((s) => s.mailbox);
    const belongs = await this.instanceMatcher(batchId);
    for (const instanceId of await control.instances(belongs, true)) await control.terminate(instanceId, 'The batch was removed.');
    for (const instanceId of await control.instances(belongs, false)) await control.purge(instanceId);
    await this.stores.mailboxSecrets.eraseBatch(batchId);
    await this.stores.activeAddresses.releaseKeys(
      batchId,
      mailboxes.map((m) => m.mailboxKey),
    );
    // A mailbox's copy state (its ledger: items, containers and their checkpoints) belongs to the mailbox, not the batch: the usual fix
    // for a stuck user is to remove them and add them to a new batch, which then goes on instead of copying
    // everything again. Only a completed mailbox, which will not be migrated again, lets it go.
    for (const mailbox of mailboxes.filter((m) => m.status === 'Completed')) await this.forgetCopies(mailbox.mailboxKey);
    await this.stores.reports.deleteBatch(batchId);
    await this.stores.csvBlobs.deleteProcessed(batchId);
    await this.stores.mailboxes.deleteBatch(batchId);
    const removed = checked.batch;
    await this.stores.batches.delete(batchId);
    return { ok: true, batch: { ...removed, status: 'Removing' } };
  }

  private async forgetCopies(mailboxKey: string): Promise<void> {
    await this.stores.ledger.forgetMailbox(mailboxKey);
  }

  /**
   * Which instances belong to the batch: `batch-{id}` and `mbx-{id}-{mailbox}[-p{n}]` for its own
   * mailboxes (a prefix alone would also catch batch "sales-2" when stopping "sales").
   */
  async instanceMatcher(batchId: string): Promise<(instanceId: string) => boolean> {
    const own = batchInstanceId(batchId);
    const keys = new Set((await this.stores.mailboxes.listAll(batchId)).map((s) => s.mailbox.mailboxKey));
    const prefix = `mbx-${batchId}-`;
    return (instanceId) => {
      if (instanceId === own) return true;
      if (!instanceId.startsWith(prefix)) return false;
      const rest = instanceId.slice(prefix.length);
      return keys.has(rest) || keys.has(rest.replace(/-p\d+$/, ''));
    };
  }

  private async stop(batchId: string, control: OrchestrationControl, now: string): Promise<void> {
    const belongs = await this.instanceMatcher(batchId);
    for (const instanceId of await control.instances(belongs, true)) await control.terminate(instanceId, 'Stopped by the administrator.');
    for (const key of await this.steps.mailboxKeys(batchId, ['Queued', 'Provisioning', 'Syncing'])) {
      await updateMailbox(this.stores.mailboxes, batchId, key, (m) => ({ ...m, status: 'Stopped', lastUpdatedTimestamp: now }));
    }
    await this.steps.setStatus(batchId, 'Stopped', now);
  }

  private async check(batchId: string, action: BatchAction): Promise<LifecycleResult> {
    const stored = await this.stores.batches.get(batchId);
    if (!stored) return { ok: false, status: 404, code: 'BatchNotFound', message: `No batch has the id "${batchId}".` };
    if (!isActionAllowed(action, stored.batch.status)) {
      return { ok: false, status: 409, code: 'TransitionNotAllowed', message: actionRefusal(action, stored.batch.status, stored.batch.name) };
    }
    return { ok: true, batch: stored.batch };
  }
}
