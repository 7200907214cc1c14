import type { Attachment as GraphAttachment, Message } from '@microsoft/microsoft-graph-types';
import { type Attachment, simpleParser } from 'mailparser';
import type { TargetFolderPath } from '../../core/folders/targetFolderPath';
import { readHeaderSummary } from '../../core/mime/readHeaderSummary';
import type { CopyItem, CopyTarget, CreateOutcome, FlagChange } from '../../services/ports/copyTarget';
import { type BatchAnswer, type BatchContext, type BatchItem, describeGraphError, MAX_BATCH_REQUESTS, sendBatch } from './graphBatch';
import type { GraphSession } from './graphConnection';
import { GraphMailFolders } from './graphMailFolders';
import {
  attachmentName,
  type GraphMessagePlan,
  headerBlockOf,
  isInline,
  MAPI,
  MAX_CREATE_BODY_BYTES,
  planGraphMessage,
  toFileAttachment,
  toGraphFlagPatch,
  UnplannableMessage,
} from './graphMessageJson';
import { retryAfterSeconds, tryBudgetExhausted } from './graphPacing';
import { OUTLOOK_LIMITS } from './mailboxBudget';
import { odataString, pathSegment, withQuery } from './odataQuery';
import { uploadLargeAttachment } from './uploadLargeAttachment';

/**
 * Creates run in lanes: each lane sends fully sequential `$batch`es (each create depends on the one
 * before), so a lane holds one of the mailbox's 4 concurrent requests; 4 lanes keep the mailbox busy
 * without being throttled. This is the second shape Graph's throttling page offers for one mailbox:
 * "Use the dependsOn property for each batch request and have up to 4 such batch requests running
 * concurrently" (https://learn.microsoft.com/graph/throttling-limits, "Outlook service limits for JSON
 * batching"). Mixed batches, such as several chains in one batch, are refused by Graph.
 */
const LANES = OUTLOOK_LIMITS.concurrency;

interface Planned {
  index: number;
  item: CopyItem;
  plan: GraphMessagePlan;
}

/** Shared by the lanes of one call: once the mailbox's budget is spent, no lane starts new work. */
interface RunState {
  stop?: { resumeAt: string };
}

/**
 * The copy engine's view of a Microsoft 365 mailbox through Graph. Each message is created from its
 * parsed MIME as a non-draft with its original dates (graphMessageJson.ts) and the attachments that fit
 * in the create; the others follow (`POST .../attachments` under 3 MB, upload sessions from 3 MB), and
 * only then is the message reported copied. Every request is paced through the mailbox's budget.
 */
export class GraphCopyTarget implements CopyTarget {
  /** A whole page at once, so the lanes stay busy from its first message to its last. */
  readonly preferredBatchSize = 1000;
  private readonly userPath: string;
  private readonly folders: GraphMailFolders;

  constructor(
    private readonly graph: GraphSession,
    private readonly userId: string,
  ) {
    this.userPath = `/users/${pathSegment(userId)}`;
    this.folders = new GraphMailFolders(graph.client, this.userPath);
  }

  ensureFolder(folder: TargetFolderPath): Promise<string> {
    return this.folders.ensure(folder);
  }

  async createItems(folderId: string, items: CopyItem[]): Promise<CreateOutcome[]> {
    const outcomes = new Array<CreateOutcome>(items.length);
    const queue = new GroupQueue();
    const run: RunState = {};
    // Messages are parsed while the lanes send what is parsed already, so the mailbox is not idle meanwhile.
    const planning = this.planInto(items, outcomes, queue).finally(() => queue.close());
    const lane = async (): Promise<void> => {
      for (let group = await queue.next(); group; group = await queue.next()) {
        if (run.stop) {
          for (const entry of group) outcomes[entry.index] = { ok: false, reason: 'Deferred', resumeAt: run.stop.resumeAt };
        } else {
          await this.createGroup(folderId, group, outcomes, run);
        }
      }
    };
    await Promise.all([planning, ...Array.from({ length: LANES }, lane)]);
    if (outcomes.some((o) => !o.ok && o.reason === 'FolderMissing')) this.folders.forget(folderId);
    return outcomes;
  }

  /** Plans each item in order and hands them to the lanes in batches (see batchSizeFor). */
  private async planInto(items: CopyItem[], outcomes: CreateOutcome[], queue: GroupQueue): Promise<void> {
    const size = batchSizeFor(items.length);
    let group: Planned[] = [];
    let bytes = 0;
    for (const [index, item] of items.entries()) {
      const plan = await planItem(item);
      if ('skip' in plan) {
        outcomes[index] = plan.skip;
        continue;
      }
      if (group.length > 0 && (group.length >= size || bytes + plan.plan.createBytes > MAX_CREATE_BODY_BYTES)) {
        queue.push(group);
        group = [];
        bytes = 0;
      }
      group.push({ index, item, plan: plan.plan });
      bytes += plan.plan.createBytes;
    }
    if (group.length > 0) queue.push(group);
  }

  /**
   * Finds the copy an earlier run made by its marker. A copy with fewer attachments than the source
   * message is finished: the missing attachments are added (matched by name and size).
   */
  async findExisting(folderId: string, item: CopyItem): Promise<string | undefined> {
    try {
      return await this.findWholeCopy(folderId, item);
    } catch (error) {
      throw tryBudgetExhausted(error) ?? error;
    }
  }

  private async findWholeCopy(folderId: string, item: CopyItem): Promise<string | undefined> {
    const filter = `singleValueExtendedProperties/Any(ep: ep/id eq ${odataString(MAPI.sourceMarker)} and ep/value eq ${odataString(item.marker)})`;
    const url = withQuery(`${this.userPath}/mailFolders/${pathSegment(folderId)}/messages`, { $filter: filter, $select: 'id', $top: 2 });
    let page: { value: Message[] };
    try {
      page = (await this.graph.client.api(url).get()) as { value: Message[] };
    } catch (error) {
      // The folder itself is gone (deleted by the user): no copy can be in it.
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
    const id = page.value[0]?.id;
    if (!id) return undefined;
    const planned = await planItem(item);
    if ('skip' in planned || planned.plan.attachmentCount === 0) return id;
    // Whole means every attachment, each by name and size: a count alone would take a wrong one for a missing one.
    await this.addMissingAttachments(id, planned.plan, await this.attachmentsOf(id));
    return id;
  }

  async moveItem(_fromFolderId: string | undefined, targetId: string, toFolderId: string, item: CopyItem): Promise<string | undefined> {
    try {
      const moved = (await this.graph.client.api(`${this.userPath}/messages/${pathSegment(targetId)}/move`).post({ destinationId: toFolderId })) as Message;
      return moved.id;
    } catch (error) {
      const exhausted = tryBudgetExhausted(error);
      if (exhausted) throw exhausted;
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
    // Moved by a run that died before recording it (a move gives the message a new id), or deleted by the user.
    return this.findExisting(toFolderId, item);
  }

  async removeItem(_folderId: string, targetId: string): Promise<void> {
    try {
      await this.graph.client.api(`${this.userPath}/messages/${pathSegment(targetId)}`).delete();
    } catch (error) {
      const exhausted = tryBudgetExhausted(error);
      if (exhausted) throw exhausted;
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
  }

  /** Sends only what changed on the source: a flag the user set in Outlook survives a \Seen change, and the reverse. */
  async setFlags(_folderId: string, changes: FlagChange[]): Promise<void> {
    const patches = changes.map((change) => ({ targetId: change.targetId, body: toGraphFlagPatch(change) })).filter((p) => Object.keys(p.body).length > 0);
    for (let start = 0; start < patches.length; start += LANES) {
      const chunk = patches.slice(start, start + LANES);
      const answers = await sendBatch(
        this.batchContext(),
        chunk.map((patch, i) => ({
          id: String(i),
          method: 'PATCH',
          url: `${this.userPath}/messages/${pathSegment(patch.targetId)}`,
          body: patch.body,
        })),
        'parallel',
      );
      for (const answer of answers.values()) {
        if ((answer.status >= 400 || answer.status === 0) && answer.status !== 404)
          throw new Error(`Updating read/flag state failed: ${describeGraphError(answer)}`);
      }
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * One sequential batch of creates, then the attachments that did not fit in them. A create Graph ran
   * ends as copied or, if its attachments could not all be added yet, as Unknown (looked for and finished
   * later); it is never reported Deferred, which would let it be created a second time.
   */
  private async createGroup(folderId: string, group: Planned[], outcomes: CreateOutcome[], run: RunState): Promise<void> {
    const requests: BatchItem[] = group.map(({ index, plan }) => ({
      id: String(index),
      method: 'POST',
      url: `${this.userPath}/mailFolders/${pathSegment(folderId)}/messages`,
      body: plan.create,
    }));
    const answers = await sendBatch(this.batchContext(), requests, 'sequential');
    for (const entry of group) {
      outcomes[entry.index] = await this.settle(answers.get(String(entry.index)), entry.plan, run);
    }
  }

  private async settle(answer: BatchAnswer | undefined, plan: GraphMessagePlan, run: RunState): Promise<CreateOutcome> {
    if (!answer || answer.status === 0 || answer.status >= 500) {
      return {
        ok: false,
        reason: 'Unknown',
        detail: `Microsoft Graph did not confirm the create (${answer ? describeGraphError(answer) : 'no answer'}); it is looked for by its marker later.`,
      };
    }
    if (answer.status === 429) {
      const resumeAt = new Date(Date.now() + retryAfterSeconds(answer.headers['Retry-After'] ?? answer.headers['retry-after']) * 1000).toISOString();
      run.stop ??= { resumeAt };
      return { ok: false, reason: 'Deferred', resumeAt: run.stop.resumeAt };
    }
    if (answer.status === 401 || answer.status === 403)
      throw new Error(`Microsoft Graph refused to create messages in the mailbox: ${describeGraphError(answer)}`);
    if (answer.status === 413 || /ErrorMessageSizeExceeded/.test(describeGraphError(answer))) {
      return { ok: false, reason: 'TooLarge', detail: describeGraphError(answer), subject: plan.subject };
    }
    // The folder the copy goes to is gone (the user deleted it in Outlook): it is made again, not the item skipped.
    if (answer.status === 404) return { ok: false, reason: 'FolderMissing', detail: describeGraphError(answer) };
    if (answer.status >= 400) return { ok: false, reason: 'RejectedByTarget', detail: describeGraphError(answer), subject: plan.subject };
    const id = (answer.body as Message).id!;
    return this.finishAttachments(id, plan, run);
  }

  /** Adds the attachments that did not travel in the create; the copy counts only once they are all in. */
  private async finishAttachments(id: string, plan: GraphMessagePlan, run: RunState): Promise<CreateOutcome> {
    if (plan.postedAttachments.length + plan.uploadedAttachments.length === 0) return { ok: true, targetId: id };
    if (run.stop) return { ok: false, reason: 'Unknown', detail: `The attachments wait until ${run.stop.resumeAt}: the mailbox's budget is spent.` };
    try {
      await this.addMissingAttachments(id, plan, []);
      return { ok: true, targetId: id };
    } catch (error) {
      const exhausted = tryBudgetExhausted(error);
      if (exhausted) {
        run.stop ??= { resumeAt: exhausted.resumeAt.toISOString() };
        return { ok: false, reason: 'Unknown', detail: `The attachments wait until ${run.stop.resumeAt}: ${exhausted.message}` };
      }
      const status = (error as { statusCode?: number }).statusCode;
      const permanent =
        (error as { errorClass?: string }).errorClass === 'permanent' ||
        (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429);
      if (!permanent) return { ok: false, reason: 'Unknown', detail: `Adding the attachments was interrupted: ${(error as Error).message}` };
      // A copy without all its attachments must not stay: remove it, and report the item.
      await this.graph.client
        .api(`${this.userPath}/messages/${pathSegment(id)}`)
        .delete()
        .catch(() => undefined);
      return { ok: false, reason: 'RejectedByTarget', detail: `Microsoft Graph refused an attachment: ${(error as Error).message}`, subject: plan.subject };
    }
  }

  private async addMissingAttachments(id: string, plan: GraphMessagePlan, present: GraphAttachment[]): Promise<void> {
    const remaining = [...present];
    const missing = (list: Attachment[]) =>
      list.filter((attachment) => {
        const at = remaining.findIndex((p) => p.name === attachmentName(attachment) && p.size === attachment.content.length);
        if (at < 0) return true;
        remaining.splice(at, 1);
        return false;
      });
    // Attachments that went in the create body are part of the copy already; only the others can be missing.
    for (const attachment of missing(plan.postedAttachments)) {
      await this.graph.client.api(`${this.userPath}/messages/${pathSegment(id)}/attachments`).post(toFileAttachment(attachment));
    }
    for (const attachment of missing(plan.uploadedAttachments)) {
      await uploadLargeAttachment(this.graph, this.userId, `${this.userPath}/messages/${pathSegment(id)}`, {
        name: attachmentName(attachment),
        contentType: attachment.contentType,
        content: attachment.content,
        isInline: isInline(attachment),
        ...(attachment.cid ? { contentId: attachment.cid } : {}),
      });
    }
  }

  private async attachmentsOf(id: string): Promise<GraphAttachment[]> {
    const page = (await this.graph.client.api(withQuery(`${this.userPath}/messages/${pathSegment(id)}/attachments`, { $select: 'id,name,size' })).get()) as {
      value: GraphAttachment[];
    };
    return page.value;
  }

  private batchContext(): BatchContext {
    return { client: this.graph.client, budgets: this.graph, counter: this.graph.counter, mailbox: this.userId };
  }
}

async function planItem(item: CopyItem): Promise<{ plan: GraphMessagePlan } | { skip: CreateOutcome }> {
  let mail;
  try {
    mail = await simpleParser(item.raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, keepCidLinks: true });
  } catch (error) {
    return {
      skip: {
        ok: false,
        reason: 'Unparseable',
        detail: `The message could not be read as MIME: ${(error as Error).message}`,
        subject: readHeaderSummary(item.raw).subject,
      },
    };
  }
  try {
    return { plan: planGraphMessage(mail, { flags: item.flags, internalDate: item.internalDate, marker: item.marker, headerBlock: headerBlockOf(item.raw) }) };
  } catch (error) {
    if (!(error instanceof UnplannableMessage)) throw error;
    return { skip: { ok: false, reason: 'TooLarge', detail: error.message, subject: mail.subject ?? '' } };
  }
}

/**
 * How many creates go in one batch, so the work splits evenly over the lanes: 200 creates make 12
 * batches of 17, three rounds of 4 lanes, instead of ten of 20 that leave lanes idle in the last round.
 */
function batchSizeFor(count: number): number {
  const rounds = Math.max(1, Math.ceil(count / (LANES * MAX_BATCH_REQUESTS)));
  return Math.max(1, Math.min(MAX_BATCH_REQUESTS, Math.ceil(count / (LANES * rounds))));
}

/** Batches waiting for a lane; a lane asking an empty, still open queue waits for the next batch. */
class GroupQueue {
  private readonly groups: Planned[][] = [];
  private readonly waiting: ((group: Planned[] | undefined) => void)[] = [];
  private closed = false;

  push(group: Planned[]): void {
    const lane = this.waiting.shift();
    if (lane) lane(group);
    else this.groups.push(group);
  }

  close(): void {
    this.closed = true;
    for (const lane of this.waiting.splice(0)) lane(undefined);
  }

  next(): Promise<Planned[] | undefined> {
    const group = this.groups.shift();
    if (group || this.closed) return Promise.resolve(group);
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}
