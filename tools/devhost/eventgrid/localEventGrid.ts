import { randomUUID } from 'node:crypto';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { readConnectionSetting } from '../appSettings';
import { toError } from '../errors';
import type { RegisteredFunction } from '../functionRegistry';
import type { HostLog } from '../hostLog';
import { blobTriggerSource } from '../triggers/blobFunction';
import type { TriggerListener } from '../triggers/triggerListener';
import { WakeableSleep } from '../wakeableSleep';
import { BLOB_CREATED, type BlobCreatedData, type EventGridEvent, SUBSCRIPTION_VALIDATION } from './blobEvents';

const SCAN_INTERVAL_MS = 1000;
/** Event Grid's retry schedule begins 10 s, 30 s, 1 min, 5 min... (webhook-event-delivery, "retry schedule"). */
const RETRY_DELAYS_MS = [10_000, 30_000, 60_000, 300_000];
const RECEIPTS_CONTAINER = 'azure-webjobs-hosts';

interface Pending {
  name: string;
  etag: string;
  length: number;
  attempts: number;
  notBefore: number;
}

/**
 * What Azure gives an Event Grid-sourced blob trigger, played locally: a system topic on the storage
 * account and a subscription to the host's blobs webhook, filtered to the trigger's container. It first
 * validates the subscription (the handshake Event Grid does), then publishes one BlobCreated event per new
 * or changed blob (new ETag) to the webhook, and delivers again on a failure, on Event Grid's schedule.
 * A delivered event is remembered in the host's storage, so a restart does not publish it again.
 */
export class LocalEventGrid implements TriggerListener {
  private readonly sleeper = new WakeableSleep();
  private readonly delivered = new Set<string>();
  private readonly pending = new Map<string, Pending>();
  private readonly container: ContainerClient;
  private readonly receipts: ContainerClient;
  private readonly containerName: string;
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly fn: RegisteredFunction,
    private readonly webhookUrl: string,
    private readonly hostId: string,
    private readonly log: HostLog,
  ) {
    const source = blobTriggerSource(fn);
    this.containerName = source.pattern.container;
    this.container = source.container;
    this.receipts = BlobServiceClient.fromConnectionString(readConnectionSetting('AzureWebJobsStorage')).getContainerClient(RECEIPTS_CONTAINER);
  }

  async start(): Promise<void> {
    await Promise.all([this.container.createIfNotExists(), this.receipts.createIfNotExists()]);
    await this.validateSubscription();
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.sleeper.wake();
    await this.loop;
  }

  /** The handshake: the endpoint must echo the validation code, or Event Grid never delivers to it. */
  private async validateSubscription(): Promise<void> {
    const validationCode = randomUUID();
    const event = this.event(SUBSCRIPTION_VALIDATION, `/providers/Microsoft.EventGrid/systemTopics/local/eventSubscriptions/${this.fn.metadata.name}`, {
      validationCode,
    });
    const response = await fetch(this.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'aeg-event-type': 'SubscriptionValidation' },
      body: JSON.stringify([event]),
    });
    const answer = (await response.json().catch(() => ({}))) as { validationResponse?: string };
    if (!response.ok || answer.validationResponse !== validationCode) {
      throw new Error(`The blobs webhook of ${this.fn.metadata.name} did not validate the Event Grid subscription (HTTP ${response.status}).`);
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.scan();
        await this.deliverDue();
      } catch (error) {
        this.log.error(`Event Grid (local) for ${this.fn.metadata.name}: ${toError(error).message}`);
      }
      if (this.running) await this.sleeper.sleep(SCAN_INTERVAL_MS);
    }
  }

  private async scan(): Promise<void> {
    for await (const blob of this.container.listBlobsFlat()) {
      const etag = blob.properties.etag ?? '';
      const key = `${blob.name}\u0000${etag}`;
      if (this.delivered.has(key) || this.pending.has(key)) continue;
      if (await this.wasDelivered(blob.name, etag)) {
        this.delivered.add(key);
        continue;
      }
      this.pending.set(key, { name: blob.name, etag, length: blob.properties.contentLength ?? 0, attempts: 0, notBefore: 0 });
    }
  }

  private async deliverDue(): Promise<void> {
    for (const [key, item] of this.pending) {
      if (!this.running || item.notBefore > Date.now()) continue;
      const data: BlobCreatedData = {
        api: 'PutBlob',
        eTag: item.etag,
        contentLength: item.length,
        blobType: 'BlockBlob',
        url: this.container.getBlobClient(item.name).url,
      };
      const event = this.event(BLOB_CREATED, `/blobServices/default/containers/${this.containerName}/blobs/${item.name}`, data);
      const ok = await fetch(this.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' },
        body: JSON.stringify([event]),
      }).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) {
        this.pending.delete(key);
        this.delivered.add(key);
        await this.receipts.getBlockBlobClient(this.receiptName(item.name, item.etag)).upload('', 0);
      } else {
        item.attempts += 1;
        item.notBefore = Date.now() + RETRY_DELAYS_MS[Math.min(item.attempts - 1, RETRY_DELAYS_MS.length - 1)]!;
      }
    }
  }

  private event<T>(eventType: string, subject: string, data: T): EventGridEvent<T> {
    return {
      id: randomUUID(),
      topic: '/subscriptions/local/resourceGroups/local/providers/Microsoft.Storage/storageAccounts/local',
      subject,
      eventType,
      eventTime: new Date().toISOString(),
      data,
      dataVersion: '',
      metadataVersion: '1',
    };
  }

  private receiptName(blobName: string, etag: string): string {
    return `eventgrid-deliveries/${this.hostId}/${this.fn.metadata.name}/${etag.replace(/"/g, '')}/${this.containerName}/${blobName}`;
  }

  private async wasDelivered(blobName: string, etag: string): Promise<boolean> {
    return this.receipts.getBlockBlobClient(this.receiptName(blobName, etag)).exists();
  }
}
