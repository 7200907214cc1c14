import type { Client } from '@microsoft/microsoft-graph-client';
import type { MailFolder } from '@microsoft/microsoft-graph-types';
import { MigrationError } from '../../core/errors/migrationError';
import type { TargetFolderPath } from '../../core/folders/targetFolderPath';
import { odataString, pathSegment, withQuery } from './odataQuery';

/**
 * Finds or creates target folders. Well-known folders are addressed by their well-known names;
 * other folders are looked up by display name under their parent and created when missing.
 * https://learn.microsoft.com/graph/api/resources/mailfolder
 */
export class GraphMailFolders {
  private readonly ids = new Map<string, string>();

  constructor(
    private readonly client: Client,
    private readonly userPath: string,
  ) {}

  async ensure(folder: TargetFolderPath): Promise<string> {
    let parentId = await this.wellKnownId(folder.wellKnown ?? 'msgfolderroot');
    let key = folder.wellKnown ?? 'msgfolderroot';
    for (const segment of folder.segments) {
      key = `${key}/${segment.toLowerCase()}`;
      const known = this.ids.get(key);
      parentId = known ?? (await this.childId(parentId, segment));
      this.ids.set(key, parentId);
    }
    return parentId;
  }

  /** Forgets a folder id that no longer answers (the user deleted the folder), so the next ensure makes it again. */
  forget(id: string): void {
    for (const [key, value] of [...this.ids.entries()]) if (value === id) this.ids.delete(key);
  }

  private async wellKnownId(name: string): Promise<string> {
    const known = this.ids.get(name);
    if (known) return known;
    const folder = (await this.client.api(withQuery(`${this.userPath}/mailFolders/${pathSegment(name)}`, { $select: 'id' })).get()) as MailFolder;
    this.ids.set(name, folder.id!);
    return folder.id!;
  }

  private async childId(parentId: string, displayName: string): Promise<string> {
    const existing = await this.findChild(parentId, displayName);
    if (existing) return existing;
    try {
      const created = (await this.client
        .api(`${this.userPath}/mailFolders/${pathSegment(parentId)}/childFolders`)
        .post({ displayName } satisfies MailFolder)) as MailFolder;
      return created.id!;
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      // Refused for good (a name or a place Exchange will not take): the folder is reported, the others go on.
      if (status !== undefined && status >= 400 && status < 500 && status !== 409 && status !== 429 && status !== 408) {
        throw new MigrationError('TargetFolderRefused', `Microsoft 365 refused to create the folder "${displayName}": ${(error as Error).message}`);
      }
      // Another run created it first (ErrorFolderExists, 409): take that one.
      if (status !== 409) throw error;
      const raced = await this.findChild(parentId, displayName);
      if (!raced) throw error;
      return raced;
    }
  }

  /** The child named `displayName`; the name goes in the `$filter` as an encoded OData literal (odataQuery.ts). */
  private async findChild(parentId: string, displayName: string): Promise<string | undefined> {
    const url = withQuery(`${this.userPath}/mailFolders/${pathSegment(parentId)}/childFolders`, {
      $filter: `displayName eq ${odataString(displayName)}`,
      $select: 'id,displayName',
    });
    const page = (await this.client.api(url).get()) as { value: MailFolder[] };
    return page.value.find((f) => (f.displayName ?? '').toLowerCase() === displayName.toLowerCase())?.id ?? undefined;
  }
}
