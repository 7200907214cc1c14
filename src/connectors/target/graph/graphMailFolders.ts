import type { Client } from '@microsoft/microsoft-graph-client';
import type { TargetFolderPath } from '../../../core/folders/targetFolderPath';

/**
 * Finds or creates target folders. Well-known folders are addressed by their well-known names;
 * other folders are looked up by display name under their parent and created when missing.
 * https://learn.microsoft.com/graph/api/resources/mailfolder
 */
export class GraphMailFolders {
  private readonly ids = new Map<string, string>();

  constructor(private readonly client: Client, private readonly userPath: string) {}

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

  private async wellKnownId(name: string): Promise<string> {
    const known = this.ids.get(name);
    if (known) return known;
    const folder = (await this.client.api(`${this.userPath}/mailFolders/${name}`).select('id').get()) as { id: string };
    this.ids.set(name, folder.id);
    return folder.id;
  }

  private async childId(parentId: string, displayName: string): Promise<string> {
    const existing = await this.findChild(parentId, displayName);
    if (existing) return existing;
    try {
      const created = (await this.client.api(`${this.userPath}/mailFolders/${parentId}/childFolders`).post({ displayName })) as { id: string };
      return created.id;
    } catch (error) {
      // Another run created it first (ErrorFolderExists, 409): take that one.
      if ((error as { statusCode?: number }).statusCode !== 409) throw error;
      const raced = await this.findChild(parentId, displayName);
      if (!raced) throw error;
      return raced;
    }
  }

  private async findChild(parentId: string, displayName: string): Promise<string | undefined> {
    const escaped = displayName.replace(/'/g, "''");
    const page = (await this.client
      .api(`${this.userPath}/mailFolders/${parentId}/childFolders`)
      .filter(`displayName eq '${escaped}'`)
      .select('id,displayName')
      .get()) as { value: { id: string; displayName: string }[] };
    return page.value.find((f) => f.displayName.toLowerCase() === displayName.toLowerCase())?.id;
  }
}
