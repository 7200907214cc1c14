import { hostname } from 'node:os';
import type { BlobLeaseClient, ContainerClient } from '@azure/storage-blob';
import { DevHostError, toError } from '../errors';
import type { HostLog } from '../hostLog';

const LEASE_SECONDS = 15;
const RENEW_EVERY_MS = 5_000;
const ACQUIRE_TIMEOUT_MS = 45_000;

/**
 * One host at a time works a task hub. DTFx balances control-queue partitions between hosts with
 * blob leases; the devhost takes a single lease on `<hub>-leases/owner`, because its history cache
 * assumes nobody else changes the instances. The holder records its host name and pid on the
 * blob, so a host restarted after a kill -9 on the same machine takes the lease over at once;
 * otherwise a crashed holder's lease lapses within 15 seconds.
 */
export class TaskHubLease {
  private lease: BlobLeaseClient | undefined;
  private renewTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly container: ContainerClient,
    private readonly log: HostLog,
  ) {}

  async acquire(): Promise<void> {
    await this.container.createIfNotExists();
    const blob = this.container.getBlockBlobClient('owner');
    if (!(await blob.exists())) await blob.upload('', 0).catch(() => undefined);
    const lease = blob.getBlobLeaseClient();
    const until = Date.now() + ACQUIRE_TIMEOUT_MS;
    let warned = false;
    for (;;) {
      try {
        await lease.acquireLease(LEASE_SECONDS);
        break;
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode !== 409) throw error;
        if (await this.ownerIsDead()) {
          // The holder was a process on this machine that no longer exists (kill -9): take over now.
          await lease.breakLease(0);
          continue;
        }
        if (Date.now() > until) {
          throw new DevHostError(
            'DEVHOST_START_FAILED',
            `Another host holds task hub ${this.container.containerName.replace(/-leases$/, '')}; stop it, or give this host its own TASKHUB_NAME.`,
          );
        }
        if (!warned) this.log.warn('Waiting for the task hub lease: another host runs this task hub, or a crashed one has not released it yet (up to 15 s).');
        warned = true;
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
    this.lease = lease;
    await blob.setMetadata({ hostname: hostname(), pid: String(process.pid) }, { conditions: { leaseId: lease.leaseId } });
    this.renewTimer = setInterval(() => {
      lease.renewLease().catch((error: unknown) => this.log.error(`Task hub lease renewal failed: ${toError(error).message}`));
    }, RENEW_EVERY_MS);
  }

  /** True when the lease holder recorded itself as a process of this machine that is gone. */
  private async ownerIsDead(): Promise<boolean> {
    const props = await this.container
      .getBlockBlobClient('owner')
      .getProperties()
      .catch(() => undefined);
    const pid = Number(props?.metadata?.pid);
    if (props?.metadata?.hostname !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
    try {
      process.kill(pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }

  async release(): Promise<void> {
    if (this.renewTimer) clearInterval(this.renewTimer);
    await this.lease?.releaseLease().catch(() => undefined);
    this.lease = undefined;
  }
}
