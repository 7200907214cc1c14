import type { GroupwareKind } from '../../core/groupware/groupwareKind';
import type { GraphContact } from '../../core/groupware/graphShapes';
import { MigrationError } from '../../core/errors/migrationError';
import { type GroupwareFile, type GroupwareOutcome, type GroupwarePayload, type GroupwareTarget } from '../../services/ports/groupwareTarget';
import type { GraphSession } from './graphConnection';
import { MAPI } from './graphMessageJson';
import { tryBudgetExhausted } from './graphPacing';
import { uploadLargeAttachment } from './uploadLargeAttachment';
import { odataString, pathSegment, withQuery } from './odataQuery';
import { createGroupwareCopies, groupwareAccessDenied, type CopyTargetHooks } from './createGroupwareCopies';
import { ServiceErrorCode } from '../../core/errors/migrationErrorCode';

/** The collection id that stands for the mailbox's default Contacts folder or Calendar (a Graph id is never this short). */
const DEFAULT_COLLECTION = 'default';

interface Identified {
  id: string;
}

/**
 * A mailbox's contacts and calendars through Microsoft Graph. Copies carry the migration's marker as a
 * single-value extended property (as messages do), so a create whose answer was lost is found by a
 * `$filter` on it. Events are created without attendees (the mapping keeps them in the body), so no
 * request here makes Exchange send an invitation or a cancellation: "When an event is sent, the server
 * sends invitations to all the attendees" (https://learn.microsoft.com/graph/api/user-post-events).
 */
export class GraphGroupwareTarget implements GroupwareTarget {
  private readonly userPath: string;

  constructor(
    private readonly graph: GraphSession,
    private readonly userId: string,
  ) {
    this.userPath = `/users/${pathSegment(userId)}`;
  }

  async ensureCollection(kind: GroupwareKind, displayName: string, primary = false): Promise<string> {
    if (primary) return DEFAULT_COLLECTION;
    return this.call(async () => {
      // https://learn.microsoft.com/graph/api/user-list-contactfolders, user-post-contactfolders, user-list-calendars, user-post-calendars
      const list = kind === 'contact' ? `${this.userPath}/contactFolders` : `${this.userPath}/calendars`;
      const nameField = kind === 'contact' ? 'displayName' : 'name';
      const existing = (await this.graph.client.api(withQuery(list, { $filter: `${nameField} eq ${odataString(displayName)}`, $select: 'id' })).get()) as {
        value: Identified[];
      };
      if (existing.value[0]) return existing.value[0].id;
      return ((await this.graph.client.api(list).post({ [nameField]: displayName })) as Identified).id;
    });
  }

  async findByMarker(kind: GroupwareKind, collectionId: string, marker: string): Promise<string[]> {
    return this.call(async () => {
      const filter = `singleValueExtendedProperties/Any(ep: ep/id eq ${odataString(MAPI.sourceMarker)} and ep/value eq ${odataString(marker)})`;
      const page = (await this.graph.client.api(withQuery(this.itemsPath(kind, collectionId), { $filter: filter, $select: 'id', $top: 10 })).get()) as {
        value: Identified[];
      };
      return page.value.map((item) => item.id);
    });
  }

  async listMarked(kind: GroupwareKind, collectionId: string): Promise<Map<string, string[]>> {
    return this.call(async () => {
      // https://learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-get: "$expand=singleValueExtendedProperties($filter=id eq '…')".
      const marked = new Map<string, string[]>();
      let url: string | undefined = withQuery(this.itemsPath(kind, collectionId), {
        $select: 'id',
        $expand: `singleValueExtendedProperties($filter=id eq ${odataString(MAPI.sourceMarker)})`,
        $top: 100,
      });
      while (url) {
        const page = (await this.graph.client.api(url).get()) as {
          value: (Identified & { singleValueExtendedProperties?: { id: string; value: string }[] })[];
          '@odata.nextLink'?: string;
        };
        for (const item of page.value) {
          const marker = item.singleValueExtendedProperties?.[0]?.value;
          if (marker) marked.set(marker, [...(marked.get(marker) ?? []), item.id]);
        }
        url = page['@odata.nextLink'];
      }
      return marked;
    });
  }

  /** In `$batch`es over the mailbox's 4 lanes (createGroupwareCopies.ts): a few requests for many items. */
  async createMany(collectionId: string, items: readonly { payload: GroupwarePayload; marker: string }[]): Promise<GroupwareOutcome[]> {
    return this.call(() => createGroupwareCopies(this.hooks(), collectionId, items));
  }

  async update(
    collectionId: string,
    targetId: string,
    payload: GroupwarePayload,
    marker: string,
  ): Promise<GroupwareOutcome & { replaced?: boolean; made?: boolean }> {
    if (payload.kind === 'contact') {
      const patched = await this.refused(() =>
        this.call(async () => {
          try {
            await this.graph.client.api(`${this.itemsPath('contact', collectionId)}/${pathSegment(targetId)}`).patch(payload.contact satisfies GraphContact);
            if (payload.photo) await this.putPhoto(collectionId, targetId, payload.photo);
            return true;
          } catch (error) {
            if ((error as { statusCode?: number }).statusCode === 404) return false; // deleted in the cloud: made again
            throw error;
          }
        }),
      );
      if (patched === true) return { ok: true, targetId };
      if (patched !== false) return patched;
      const [made] = await this.createMany(collectionId, [{ payload, marker }]);
      return made!.ok ? { ...made!, made: true } : made!;
    }
    // A series' exceptions and cancellations cannot be patched back into shape: the event is made again, and the
    // old copy is the caller's to remove once the new one is recorded (so a copy the ledger names is never lost).
    const [made] = await this.createMany(collectionId, [{ payload, marker }]);
    return made!.ok ? { ...made!, made: true, replaced: true } : made!;
  }

  /** The target's refusal of the item itself, as an outcome; anything else is thrown. */
  private async refused<T>(work: () => Promise<T>): Promise<T | GroupwareOutcome> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof MigrationError && error.code === ServiceErrorCode.RejectedByTarget)
        return { ok: false, refused: true, code: error.code, detail: error.message };
      throw error;
    }
  }

  /** What the batched creates need: the paths, removal, large uploads, listing pages, and the clock. */
  private hooks(): CopyTargetHooks {
    return {
      batch: { client: this.graph.client, budgets: this.graph, counter: this.graph.counter, mailbox: this.userId },
      userPath: this.userPath,
      itemsPath: (kind, collectionId) => this.itemsPath(kind, collectionId),
      remove: (kind, collectionId, id) => this.remove(kind, collectionId, id),
      uploadLarge: (eventId, file) =>
        uploadLargeAttachment(this.graph, this.userId, `${this.userPath}/events/${pathSegment(eventId)}`, {
          name: file.name,
          contentType: file.contentType,
          content: file.bytes,
          isInline: false,
        }),
      get: async (url) => (await this.graph.client.api(url).get()) as { value: unknown[]; '@odata.nextLink'?: string },
      now: () => Date.now(),
    };
  }

  async remove(kind: GroupwareKind, collectionId: string, targetId: string): Promise<void> {
    await this.call(async () => {
      try {
        // An event without attendees: deleting it sends no cancellation.
        await this.graph.client.api(`${this.itemsPath(kind, collectionId)}/${pathSegment(targetId)}`).delete();
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode !== 404) throw error;
      }
    });
  }

  private itemsPath(kind: GroupwareKind, collectionId: string): string {
    // The default folders: "Add a contact to the root contacts folder" (/contacts, contactfolder-post-contacts)
    // and "the user's default calendar" (/calendar/events, user-post-events).
    if (collectionId === DEFAULT_COLLECTION) return kind === 'contact' ? `${this.userPath}/contacts` : `${this.userPath}/calendar/events`;
    return kind === 'contact'
      ? `${this.userPath}/contactFolders/${pathSegment(collectionId)}/contacts`
      : `${this.userPath}/calendars/${pathSegment(collectionId)}/events`;
  }

  /** https://learn.microsoft.com/graph/api/profilephoto-update: PUT the bytes with their content type. */
  private async putPhoto(collectionId: string, contactId: string, photo: GroupwareFile): Promise<void> {
    await this.graph.client
      .api(`${this.itemsPath('contact', collectionId)}/${pathSegment(contactId)}/photo/$value`)
      .header('content-type', photo.contentType)
      .put(photo.bytes);
  }

  /**
   * Graph's throttling ends a call with BudgetExhausted, which the steps turn into a later retry. A 400,
   * 413 or 422 is Exchange refusing what was sent (a value it will not hold, an attachment over the 3 MB a
   * single request takes): that item is skipped with Graph's reason. 401 and 403 are the app's permissions,
   * and stop the collection with the fix. Anything else (5xx, a cut connection) is tried again.
   */
  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const exhausted = tryBudgetExhausted(error);
      if (exhausted) throw exhausted;
      // An upload session that failed for good (a range refused, not throttled or lost): the item is refused.
      if (error instanceof MigrationError && error.code === ServiceErrorCode.AttachmentUploadFailed && error.errorClass === 'permanent')
        throw new MigrationError(ServiceErrorCode.RejectedByTarget, `Microsoft 365 refused an attachment of the item (${error.message}).`, 'permanent');
      const { statusCode, code, message } = error as { statusCode?: number; code?: string; message?: string };
      const graphSaid = `${code ?? `HTTP ${statusCode}`}: ${message ?? ''}`.trim();
      if (statusCode === 400 || statusCode === 413 || statusCode === 422)
        throw new MigrationError(ServiceErrorCode.RejectedByTarget, `Microsoft 365 refused the item (${graphSaid}).`, 'permanent');
      if (statusCode === 401 || statusCode === 403) throw groupwareAccessDenied(graphSaid);
      throw error;
    }
  }
}
