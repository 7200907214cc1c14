import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../../config';
import type { CopyPageSummary, CopyPlan, MailboxRef } from '../../contract/stepResults';
import { progressOf } from '../../core/copy/mailboxProgress';
import { MigrationError } from '../../core/errors/migrationError';
import type { ContainerState } from '../../core/ledger/containerState';
import type { MigrationMailbox } from '../../core/mailbox/migrationMailbox';
import { CopyEngine, type CopySettings } from '../copy/copyEngine';
import { GroupwareAdapter } from '../copy/groupware/groupwareAdapter';
import { mapGroupwareItem } from '../copy/groupware/mapGroupwareItem';
import type { ItemAdapter } from '../copy/itemAdapter';
import { type FolderRemap, MailAdapter, RECREATED_FOLDER } from '../copy/mail/mailAdapter';
import { updateMailbox } from '../copy/mailboxStatistics';
import { runClockFrom } from '../copy/runClock';
import type { CopyTarget } from '../ports/copyTarget';
import type { GroupwareTarget } from '../ports/groupwareTarget';
import type { ItemSource } from '../ports/itemSource';
import type { MailSource } from '../ports/mailSource';
import type { MigrationConnectors } from '../ports/migrationConnectors';
import { ConnectionPool } from './connectionPool';
import type { MigrationStores } from './migrationStores';

/** A mailbox's open connections, kept between its pages, with the row's settings they were opened for. */
interface MailboxConnections {
  mailbox: MigrationMailbox;
  mail: { source: MailSource; target: CopyTarget };
  groupware?: { source: ItemSource; target: GroupwareTarget };
  close(): Promise<void>;
}

/**
 * A mailbox's copy, as Durable activities: a pass's preparation (the source's folders, address books and
 * calendars as containers of the ledger) and its pages, each bounded by count, bytes and time, through the
 * one copy engine (services/copy/copyEngine.ts). Every step reads what it needs by id and leaves its result
 * in storage; the mailbox's statistics are computed whole from the containers after each one.
 */
export class CopySteps {
  private readonly pool = new ConnectionPool<MailboxConnections>();

  constructor(
    private readonly config: AppConfig,
    private readonly stores: MigrationStores,
    private readonly connectors: MigrationConnectors,
  ) {}

  /** Lists what the source holds now and records it in the ledger's containers; the mailbox is Syncing. */
  async prepare(ref: MailboxRef, pass: string, now: string): Promise<CopyPlan> {
    return this.withEngine(ref, pass, now, async (engine, mail) => {
      const containers = await engine.prepare();
      const progress = progressOf(containers, now);
      await updateMailbox(this.stores.mailboxes, ref.batchId, ref.mailboxKey, (m) => ({
        ...m,
        ...progress,
        status: 'Syncing',
        // Folders re-created earlier stay reported; the name remaps are the listing's.
        folderRemapsJson: remapsJson([...mail.remaps, ...remapsOf(m).filter((r) => r.reason === RECREATED_FOLDER)]),
      }));
      const present = containers.filter((c) => !c.gone);
      return { containers: present.length, items: present.reduce((n, c) => n + c.counts.sourceItems, 0) };
    });
  }

  /**
   * The next page of the mailbox's copy. When another run holds the mailbox (a page run twice, or still
   * running after Stop and Resume) nothing is done: the page answers when to come back, and the orchestration
   * waits for it on a durable timer.
   */
  async copyPage(ref: MailboxRef, pass: string, now: string): Promise<CopyPageSummary> {
    return this.withEngine(ref, pass, now, async (engine, mail) => {
      const page = await engine.copyPage();
      await this.recordProgress(ref, page.containers, mail.remaps, now);
      const created = Object.values(page.byType).reduce((n, t) => n + t.created, 0);
      const bytes = Object.values(page.byType).reduce((n, t) => n + t.bytes, 0);
      if (created > 0) await this.stores.throughput.record(ref.batchId, ref.mailboxKey, now, created, bytes);
      return { done: page.done, byType: page.byType, ...(page.resumeAt ? { resumeAt: page.resumeAt } : {}) };
    });
  }

  private async recordProgress(ref: MailboxRef, containers: ContainerState[], remaps: FolderRemap[], now: string): Promise<void> {
    if (containers.length === 0) return;
    await this.stores.mailboxes.mergeFields(ref.batchId, ref.mailboxKey, progressOf(containers, now));
    const recreated = remaps.filter((r) => r.reason === RECREATED_FOLDER);
    if (recreated.length > 0) {
      await updateMailbox(this.stores.mailboxes, ref.batchId, ref.mailboxKey, (m) => ({ ...m, folderRemapsJson: remapsJson([...remapsOf(m), ...recreated]) }));
    }
  }

  /**
   * Runs work with an engine over the mailbox's pooled connections (opened with the endpoint's or the row's
   * credentials when none are open). A failure closes them: the next try starts clean.
   */
  private async withEngine<T>(ref: MailboxRef, pass: string, now: string, work: (engine: CopyEngine, mail: MailAdapter) => Promise<T>): Promise<T> {
    const pooled = await this.pool.acquire(`${ref.batchId}|${ref.mailboxKey}`, () => this.openConnections(ref));
    const { mailbox, mail, groupware } = pooled.value;
    const mailAdapter = new MailAdapter(mail.source, mail.target);
    const adapters: ItemAdapter[] = [mailAdapter, ...(groupware ? [new GroupwareAdapter(groupware.source, groupware.target, mapGroupwareItem)] : [])];
    const engine = new CopyEngine(
      this.stores.ledger,
      adapters,
      { mailboxKey: ref.mailboxKey, pass, runId: randomUUID(), clock: runClockFrom(now) },
      this.settingsFor(mailbox),
    );
    try {
      const result = await work(engine, mailAdapter);
      pooled.release(true);
      return result;
    } catch (error) {
      pooled.release(false);
      throw error;
    }
  }

  private settingsFor(mailbox: MigrationMailbox): CopySettings {
    const copy = this.config.copy;
    return {
      pageMaxCount: copy.pageMaxCount,
      pageMaxBytes: copy.pageMaxMb * 1024 * 1024,
      pageMaxSeconds: copy.pageMaxSeconds,
      largeItemLimitBytes: copy.largeItemLimitMb * 1024 * 1024,
      badItemLimit: mailbox.badItemLimit ?? copy.badItemLimit,
      leaseSeconds: copy.leaseSeconds,
    };
  }

  private async openConnections(ref: MailboxRef): Promise<MailboxConnections> {
    const [stored, batch] = await Promise.all([this.stores.mailboxes.get(ref.batchId, ref.mailboxKey), this.stores.batches.get(ref.batchId)]);
    if (!stored || !batch) throw new MigrationError('MailboxNotFound', `The mailbox ${ref.mailboxKey} is not in batch ${ref.batchId}.`);
    const mailbox = stored.mailbox;
    const endpoint = await this.stores.endpoints.get(batch.batch.endpoint);
    if (!endpoint) throw new MigrationError('EndpointNotFound', `The migration endpoint "${batch.batch.endpoint}" no longer exists.`);
    const rowPassword = batch.batch.kind === 'imap' ? await this.stores.mailboxSecrets.read(ref.batchId, ref.mailboxKey) : undefined;
    const endpointPassword = await this.stores.endpoints.password(endpoint);
    const credentials = { ...(rowPassword ? { rowPassword } : {}), ...(endpointPassword ? { endpointPassword } : {}) };
    const source = await this.connectors.openSource(endpoint, mailbox, credentials);
    let target: CopyTarget;
    try {
      target = await this.connectors.openTarget(mailbox);
    } catch (error) {
      await source.close();
      throw error;
    }
    // Contacts and calendars move when the endpoint names a DAV URL and the target is Microsoft 365.
    const groupwareTarget = endpoint.davUrl ? this.connectors.groupwareTarget(mailbox) : undefined;
    const groupware = groupwareTarget ? { source: this.connectors.openItemSource(endpoint, mailbox, credentials), target: groupwareTarget } : undefined;
    return {
      mailbox,
      mail: { source, target },
      ...(groupware ? { groupware } : {}),
      close: async () => {
        await Promise.allSettled([source.close(), target.close(), groupware?.source.close()]);
      },
    };
  }
}

/** The remaps a mailbox row lists (its errors report shows them). */
function remapsOf(mailbox: MigrationMailbox): FolderRemap[] {
  return mailbox.folderRemapsJson ? (JSON.parse(mailbox.folderRemapsJson) as FolderRemap[]) : [];
}

function remapsJson(remaps: FolderRemap[]): string | undefined {
  return remaps.length > 0 ? JSON.stringify(remaps) : undefined;
}
