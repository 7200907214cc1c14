import { BlobServiceClient, type BlockBlobClient, type ContainerClient } from '@azure/storage-blob';
import { readConnectionSetting, resolveSettingReferences } from '../appSettings';
import { toError } from '../errors';
import type { RegisteredFunction } from '../functionRegistry';
import { WakeableSleep } from '../wakeableSleep';
import { HOSTS_CONTAINER } from './blobTriggerListener';
import { invokeTriggeredFunction } from './invokeTriggeredFunction';
import type { TriggerDeps } from './startTriggerListeners';
import { parseTimerSchedule, type TimerSchedule } from './timerSchedule';
import type { TriggerListener } from './triggerListener';

interface ScheduleStatus {
  Last: string;
  Next: string;
  LastUpdated: string;
}

const MAX_SLEEP_MS = 30_000;

/**
 * A timer trigger as the Timers extension runs it: NCRONTAB or interval schedule, `runOnStartup`,
 * and with `useMonitor` (default when occurrences are a minute or more apart) a schedule status
 * blob `timers/<hostId>/<function>/status` in `azure-webjobs-hosts`, so an occurrence missed while
 * the host was down fires at start with `isPastDue: true`.
 */
export class TimerTriggerListener implements TriggerListener {
  private readonly sleeper = new WakeableSleep();
  private readonly schedule: TimerSchedule;
  private readonly monitor: boolean;
  private readonly hosts: ContainerClient;
  private readonly statusBlob: BlockBlobClient;
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly fn: RegisteredFunction,
    private readonly deps: TriggerDeps,
    hostId: string,
  ) {
    this.schedule = parseTimerSchedule(resolveSettingReferences(String(fn.trigger.schedule), `function ${fn.metadata.name} schedule`));
    this.monitor = typeof fn.trigger.useMonitor === 'boolean' ? fn.trigger.useMonitor : this.schedule.intervalMs() >= 60_000;
    this.hosts = BlobServiceClient.fromConnectionString(readConnectionSetting('AzureWebJobsStorage')).getContainerClient(HOSTS_CONTAINER);
    this.statusBlob = this.hosts.getBlockBlobClient(`timers/${hostId}/${fn.metadata.name}/status`);
  }

  async start(): Promise<void> {
    let status: ScheduleStatus | undefined;
    if (this.monitor) {
      await this.hosts.createIfNotExists();
      status = await this.readStatus();
      // The first start records the next occurrence, so a later start can tell it was missed.
      if (!status) {
        const now = new Date();
        status = await this.writeStatus({ Last: '0001-01-01T00:00:00.000Z', Next: this.schedule.next(now).toISOString(), LastUpdated: now.toISOString() });
      }
    }
    this.running = true;
    this.loop = this.run(status);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.sleeper.wake();
    await this.loop;
  }

  private async run(initial: ScheduleStatus | undefined): Promise<void> {
    try {
      let status = initial;
      const now = new Date();
      if (status && Date.parse(status.Next) < now.getTime()) {
        status = await this.fire(status, true, now);
      } else if (this.fn.trigger.runOnStartup === true) {
        status = await this.fire(status, false, now);
      }
      let next = this.schedule.next(new Date());
      while (this.running) {
        const wait = next.getTime() - Date.now();
        if (wait > 0) {
          await this.sleeper.sleep(Math.min(wait, MAX_SLEEP_MS));
          continue;
        }
        status = await this.fire(status, false, next);
        next = this.schedule.next(new Date(Math.max(Date.now(), next.getTime())));
      }
    } catch (error) {
      this.deps.log.error(`Timer ${this.fn.metadata.name} stopped: ${toError(error).message}`);
    }
  }

  private async fire(status: ScheduleStatus | undefined, isPastDue: boolean, occurrence: Date): Promise<ScheduleStatus | undefined> {
    const timer = { Schedule: { AdjustForDST: true }, ScheduleStatus: status ?? null, IsPastDue: isPastDue };
    await invokeTriggeredFunction(this.deps, this.fn, { json: JSON.stringify(timer) }, {});
    if (!this.monitor) return undefined;
    const now = new Date();
    return this.writeStatus({ Last: occurrence.toISOString(), Next: this.schedule.next(now).toISOString(), LastUpdated: now.toISOString() });
  }

  private async readStatus(): Promise<ScheduleStatus | undefined> {
    try {
      return JSON.parse((await this.statusBlob.downloadToBuffer()).toString('utf8')) as ScheduleStatus;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  private async writeStatus(status: ScheduleStatus): Promise<ScheduleStatus> {
    const text = JSON.stringify(status);
    await this.statusBlob.upload(text, Buffer.byteLength(text), { blobHTTPHeaders: { blobContentType: 'application/json' } });
    return status;
  }
}
