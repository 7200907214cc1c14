import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { readConnectionSetting } from '../appSettings';
import { toError } from '../errors';
import type { RegisteredFunction } from '../functionRegistry';
import { WakeableSleep } from '../wakeableSleep';
import type { BlobPathPattern } from './blobPathPattern';
import { type BlobTriggerSource, blobTriggerSource, runBlobFunction } from './blobFunction';
import type { TriggerDeps } from './startTriggerListeners';
import type { TriggerListener } from './triggerListener';

/** The real host keeps receipts and timer status in this container. */
export const HOSTS_CONTAINER = 'azure-webjobs-hosts';
const POISON_QUEUE = 'webjobs-blobtrigger-poison';
const SCAN_INTERVAL_MS = 1000;

interface Receipt {
  status: 'done' | 'failed' | 'poison';
  attempts: number;
}

/**
 * A blob trigger as the Storage Blobs extension's polling scanner runs it: every new or changed
 * blob (new ETag) fires once. A receipt blob per (function, ETag, blob) in `azure-webjobs-hosts`
 * (`blobreceipts/<hostId>/<function>/<etag>/<container>/<blob>`) remembers it across restarts; a
 * blob whose function fails `poisonBlobThreshold` times is written to `webjobs-blobtrigger-poison`
 * and reported, not retried again.
 */
export class BlobTriggerListener implements TriggerListener {
  private readonly sleeper = new WakeableSleep();
  private readonly settled = new Set<string>();
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly source: BlobTriggerSource;
  private readonly pattern: BlobPathPattern;
  private readonly container: ContainerClient;
  private readonly hosts: ContainerClient;

  constructor(
    private readonly fn: RegisteredFunction,
    private readonly deps: TriggerDeps,
    private readonly hostId: string,
  ) {
    this.source = blobTriggerSource(fn);
    this.pattern = this.source.pattern;
    this.container = this.source.container;
    // Receipts live in the host's own storage (AzureWebJobsStorage), as in Azure.
    this.hosts = BlobServiceClient.fromConnectionString(readConnectionSetting('AzureWebJobsStorage')).getContainerClient(HOSTS_CONTAINER);
  }

  async start(): Promise<void> {
    await Promise.all([this.container.createIfNotExists(), this.hosts.createIfNotExists()]);
    this.running = true;
    this.loop = this.scanLoop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.sleeper.wake();
    await this.loop;
  }

  private async scanLoop(): Promise<void> {
    while (this.running) {
      try {
        await this.scan();
      } catch (error) {
        this.deps.log.error(`Blob trigger ${this.fn.metadata.name}: scan failed: ${toError(error).message}`);
      }
      if (this.running) await this.sleeper.sleep(SCAN_INTERVAL_MS);
    }
  }

  private async scan(): Promise<void> {
    const due: { name: string; etag: string; bindings: Record<string, string> }[] = [];
    for await (const blob of this.container.listBlobsFlat()) {
      const etag = blob.properties.etag ?? '';
      const key = `${blob.name}\u0000${etag}`;
      if (this.settled.has(key)) continue;
      const bindings = this.pattern.match(blob.name);
      if (!bindings) continue;
      due.push({ name: blob.name, etag, bindings });
    }
    const limit = Math.max(1, this.deps.config.blobs.maxDegreeOfParallelism);
    for (let i = 0; i < due.length && this.running; i += limit) {
      await Promise.all(due.slice(i, i + limit).map((b) => this.process(b.name, b.etag, b.bindings)));
    }
  }

  private receiptName(blobName: string, etag: string): string {
    return `blobreceipts/${this.hostId}/${this.fn.metadata.name}/${etag.replace(/"/g, '')}/${this.pattern.container}/${blobName}`;
  }

  private async readReceipt(name: string): Promise<Receipt | undefined> {
    try {
      const props = await this.hosts.getBlockBlobClient(name).getProperties();
      return { status: (props.metadata?.status ?? 'done') as Receipt['status'], attempts: Number(props.metadata?.attempts ?? '0') };
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  private async writeReceipt(name: string, receipt: Receipt): Promise<void> {
    await this.hosts.getBlockBlobClient(name).upload('', 0, { metadata: { status: receipt.status, attempts: String(receipt.attempts) } });
  }

  private async process(blobName: string, etag: string, bindings: Record<string, string>): Promise<void> {
    const key = `${blobName}\u0000${etag}`;
    const receiptName = this.receiptName(blobName, etag);
    const receipt = await this.readReceipt(receiptName);
    if (receipt && receipt.status !== 'failed') {
      this.settled.add(key);
      return;
    }
    const error = await runBlobFunction(this.deps, this.fn, this.source, blobName, etag, bindings);
    if (error === 'gone') return;
    const attempts = (receipt?.attempts ?? 0) + 1;
    if (!error) {
      await this.writeReceipt(receiptName, { status: 'done', attempts });
      this.settled.add(key);
      return;
    }
    if (attempts < this.deps.config.blobs.poisonBlobThreshold) {
      await this.writeReceipt(receiptName, { status: 'failed', attempts });
      return;
    }
    await this.writeReceipt(receiptName, { status: 'poison', attempts });
    this.settled.add(key);
    const poison = QueueServiceClient.fromConnectionString(readConnectionSetting('AzureWebJobsStorage')).getQueueClient(POISON_QUEUE);
    await poison.createIfNotExists();
    const body = { FunctionId: this.fn.metadata.name, BlobType: 'BlockBlob', ContainerName: this.pattern.container, BlobName: blobName, ETag: etag };
    await poison.sendMessage(Buffer.from(JSON.stringify(body)).toString('base64'));
    this.deps.log.error(
      `Blob '${this.pattern.container}/${blobName}' failed ${attempts} times in ${this.fn.metadata.name}; it was written to the '${POISON_QUEUE}' queue and will not be retried.`,
    );
  }
}
