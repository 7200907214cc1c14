import type { FunctionRegistry } from '../functionRegistry';
import type { HostConfig } from '../hostConfig';
import type { HostLog } from '../hostLog';
import { ActivityWorker } from './activityWorker';
import { CompletionBatcher } from './completionBatcher';
import { HistoryStore } from './historyStore';
import { InstanceStore } from './instanceStore';
import { MessageSender } from './messageSender';
import { OrchestrationWorker } from './orchestrationWorker';
import { TaskHubClient } from './taskHubClient';
import { TaskHubLease } from './taskHubLease';
import { TaskHubStorage } from './taskHubStorage';

/** The Durable Task side of the host: one task hub in Azure Storage, its workers and its client. */
export class DurableEngine {
  readonly client: TaskHubClient;
  private readonly storage: TaskHubStorage;
  private readonly orchestrations: OrchestrationWorker;
  private readonly activities: ActivityWorker;
  private readonly lease: TaskHubLease;

  constructor(connectionString: string, config: HostConfig, registry: FunctionRegistry, log: HostLog) {
    this.storage = new TaskHubStorage(connectionString, config.hubName, config.partitionCount);
    const instances = new InstanceStore(this.storage);
    const history = new HistoryStore(this.storage);
    // The sender wakes the workers, which are built next; the callbacks run only after both exist.
    const sender = new MessageSender(this.storage, {
      control: () => this.orchestrations.sleeper.wake(),
      workItems: () => this.activities.sleeper.wake(),
    });
    const orchestrations = new OrchestrationWorker({
      storage: this.storage,
      instances,
      history,
      sender,
      registry,
      log,
      maxConcurrentOrchestrations: config.maxConcurrentOrchestratorFunctions,
    });
    const activities = new ActivityWorker(this.storage, registry, new CompletionBatcher(sender), log, config.maxConcurrentActivityFunctions);
    this.orchestrations = orchestrations;
    this.activities = activities;
    this.lease = new TaskHubLease(this.storage.leases, log);
    this.client = new TaskHubClient(instances, history, sender, (id) => orchestrations.evict(id));
  }

  async start(): Promise<void> {
    await this.storage.create();
    await this.lease.acquire();
    this.orchestrations.start();
    this.activities.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.orchestrations.stop(), this.activities.stop()]);
    await this.lease.release();
  }
}
