import type { Client } from '@microsoft/microsoft-graph-client';
import { simpleParser } from 'mailparser';
import type { TargetFolderPath } from '../../../core/folders/targetFolderPath';
import { readHeaderSummary } from '../../../core/mime/readHeaderSummary';
import type { CopyItem, CopyTarget, CreateOutcome } from '../../../services/copy/copyTarget';
import { type BatchAnswer, type BatchItem, describeGraphError, MAX_BATCH_REQUESTS, sendBatch } from './graphBatch';
import { createBodyBytes, fitCreateBody, type GraphMessagePlan, headerBlockOf, MAPI, toCreateBody, toGraphMessage } from './graphMessageJson';
import type { GraphSession } from './graphConnection';
import { GraphMailFolders } from './graphMailFolders';
import { uploadLargeAttachment } from './uploadLargeAttachment';

/**
 * Exchange Online allows 4 concurrent requests per mailbox, and counts each request of a `$batch`
 * on its own. A batch of up to 20 creates in 4 `dependsOn` chains runs 4 at a time: the mailbox
 * stays busy, and is not throttled, for one round trip per 20 messages.
 * https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits
 * https://learn.microsoft.com/graph/json-batching#sequencing-requests-with-the-dependson-property
 */
export const MAILBOX_CONCURRENCY = 4;
/** Stay under Graph's 4 MB request limit with room for the batch envelope. */
const MAX_BATCH_BODY_BYTES = 3_500_000;

/**
 * The copy engine's view of a Microsoft 365 mailbox through Graph. Each message is created from
 * its parsed MIME as a non-draft with its original dates (see graphMessageJson.ts), one create
 * request per message, four per `$batch`; attachments over 3 MB follow through upload sessions.
 */
export class GraphCopyTarget implements CopyTarget {
  readonly preferredBatchSize = 20;
  private readonly userPath: string;
  private readonly folders: GraphMailFolders;

  private readonly client: Client;

  constructor(private readonly graph: GraphSession, userId: string) {
    this.client = graph.client;
    this.userPath = `/users/${encodeURIComponent(userId)}`;
    this.folders = new GraphMailFolders(graph.client, this.userPath);
  }

  ensureFolder(folder: TargetFolderPath): Promise<string> {
    return this.folders.ensure(folder);
  }

  async createItems(folderId: string, items: CopyItem[]): Promise<CreateOutcome[]> {
    const outcomes = new Array<CreateOutcome>(items.length);
    const plans: { index: number; plan: GraphMessagePlan }[] = [];
    for (const [index, item] of items.entries()) {
      try {
        plans.push({ index, plan: await planMessage(item) });
      } catch (error) {
        outcomes[index] = { ok: false, reason: 'Unparseable', detail: `The message could not be read as MIME: ${(error as Error).message}`, subject: readHeaderSummary(item.raw).subject };
      }
    }
    for (const group of packBatches(plans)) {
      const requests: BatchItem[] = group.map(({ index, plan }, position) => ({
        id: String(index),
        method: 'POST',
        url: `${this.userPath}/mailFolders/${folderId}/messages`,
        body: toCreateBody(plan),
        ...(position >= MAILBOX_CONCURRENCY ? { dependsOn: [String(group[position - MAILBOX_CONCURRENCY]!.index)] } : {}),
      }));
      const answers = await sendBatch(this.client, requests);
      for (const { index, plan } of group) {
        outcomes[index] = await this.settle(answers.get(String(index)), plan);
      }
    }
    return outcomes;
  }

  async findExisting(folderId: string, item: CopyItem): Promise<string | undefined> {
    const filter = `singleValueExtendedProperties/Any(ep: ep/id eq '${MAPI.sourceMarker}' and ep/value eq '${item.marker}')`;
    const page = (await this.client.api(`${this.userPath}/mailFolders/${folderId}/messages`).filter(filter).select('id').top(2).get()) as { value: { id: string }[] };
    return page.value[0]?.id;
  }

  async setFlags(_folderId: string, changes: { targetId: string; flags: string[] }[]): Promise<void> {
    for (let start = 0; start < changes.length; start += MAILBOX_CONCURRENCY) {
      const chunk = changes.slice(start, start + MAILBOX_CONCURRENCY);
      const answers = await sendBatch(this.client, chunk.map((change, i) => ({
        id: String(i),
        method: 'PATCH',
        url: `${this.userPath}/messages/${change.targetId}`,
        body: { isRead: change.flags.includes('\\Seen'), flag: { flagStatus: change.flags.includes('\\Flagged') ? 'flagged' : 'notFlagged' } },
      })));
      for (const answer of answers.values()) {
        if (answer.status >= 400 && answer.status !== 404) throw new Error(`Updating read/flag state failed: ${describeGraphError(answer)}`);
      }
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private async settle(answer: BatchAnswer | undefined, plan: GraphMessagePlan): Promise<CreateOutcome> {
    if (!answer) return { ok: false, reason: 'RejectedByTarget', detail: 'Microsoft Graph gave no answer for this message.', subject: plan.subject };
    if (answer.status === 429 || answer.status >= 500) {
      throw new Error(`Microsoft Graph kept refusing messages after retries: ${describeGraphError(answer)}`);
    }
    if (answer.status >= 400) return { ok: false, reason: 'RejectedByTarget', detail: describeGraphError(answer), subject: plan.subject };
    const id = (answer.body as { id: string }).id;
    try {
      for (const attachment of plan.largeAttachments) await uploadLargeAttachment(this.graph, this.userPath, id, attachment);
    } catch (error) {
      // A copy without all its attachments must not stay: its marker would make the retried page
      // take it for a finished copy. Remove it, so the retry creates the message whole.
      await this.client.api(`${this.userPath}/messages/${id}`).delete().catch(() => undefined);
      throw error;
    }
    return { ok: true, targetId: id };
  }
}

async function planMessage(item: CopyItem): Promise<GraphMessagePlan> {
  const mail = await simpleParser(item.raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, keepCidLinks: true });
  const plan = toGraphMessage(mail, { flags: item.flags, internalDate: item.internalDate, marker: item.marker, headerBlock: headerBlockOf(item.raw) });
  return fitCreateBody(plan, MAX_BATCH_BODY_BYTES);
}

/** Groups creates into batches of at most 20 requests and about 3.5 MB. */
function packBatches<T extends { plan: GraphMessagePlan }>(plans: T[]): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const entry of plans) {
    const size = createBodyBytes(entry.plan);
    if (current.length > 0 && (current.length >= MAX_BATCH_REQUESTS || bytes + size > MAX_BATCH_BODY_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
