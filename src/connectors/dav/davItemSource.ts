import { primaryCollectionIds } from '../../core/groupware/primaryCollections';
import type { CollectionChanges, ItemCollection, ItemSource, SourceItem } from '../../services/ports/itemSource';
import { listDavCollections } from './davCollections';
import { davChanges } from './davChanges';
import { createDavHttp, type DavHttp } from './davHttp';
import { davMultiget } from './davMultiget';
import { expandDavUrl } from './davUrl';
import { type DavDiscovery, discoverDav } from './discoverDav';

export interface DavSourceOptions {
  /**
   * The endpoint's DAV URL: a template such as `https://mail.contoso.com/dav/{user}/` (see
   * expandDavUrl for the placeholders), filled in with `credentials.username`, or a plain URL.
   */
  url: string;
  /** The mailbox's own login, sent as HTTP Basic auth. */
  credentials: { username: string; password: string };
  /** Hrefs per calendar-multiget / addressbook-multiget request (default 100). */
  pageSize?: number;
  /** A request with no complete answer after this long fails with ConnectionLost (default 60 s). */
  requestTimeoutMs?: number;
  /** Extra CA (PEM) to trust for an https server with a private certificate. */
  caCertificatePem?: string;
}

const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/**
 * A CalDAV/CardDAV server (Zimbra, SOGo, Kerio, Nextcloud, Radicale...) as an ItemSource, over tsdav.
 * One instance serves one mailbox; it discovers the user's homes once (discoverDav), lists their
 * address books and VEVENT calendars, reports changes with sync-collection where the server offers
 * it (ETag listings where it does not), and fetches items with multiget in pages.
 *
 * Every failure is a MigrationError with a ItemSourceErrorCode: a refused login is permanent, an
 * unreachable server, a lost connection, a 5xx or a 429 transient; messages name the server and
 * the login, never the password.
 */
export class DavItemSource implements ItemSource {
  private readonly http: DavHttp;
  private readonly startUrl: string;
  private readonly pageSize: number;
  private discovery?: Promise<DavDiscovery>;
  /** Per collection id: false once its server refused sync-collection, so later passes go straight to PROPFIND. */
  private readonly syncSupport = new Map<string, boolean>();
  private closed = false;

  constructor(options: DavSourceOptions) {
    const url = expandDavUrl(options.url, options.credentials.username);
    this.startUrl = url.href;
    this.pageSize = Math.max(1, options.pageSize ?? DEFAULT_PAGE_SIZE);
    this.http = createDavHttp({
      username: options.credentials.username,
      password: options.credentials.password,
      server: url.host,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      caCertificatePem: options.caCertificatePem,
    });
  }

  /** The user's principal and homes, found once (a failed discovery is tried again on the next call). */
  discover(): Promise<DavDiscovery> {
    this.assertOpen();
    this.discovery ??= discoverDav(this.startUrl, this.http).catch((error: unknown) => {
      this.discovery = undefined;
      throw error;
    });
    return this.discovery;
  }

  async listCollections(): Promise<ItemCollection[]> {
    const found = await listDavCollections(await this.discover(), this.http);
    for (const { collection, syncCollection } of found) if (syncCollection !== undefined) this.syncSupport.set(collection.id, syncCollection);
    const primary = primaryCollectionIds(found.map(({ collection }) => collection));
    return found.map(({ collection }) => (primary.has(collection.id) ? { ...collection, primary: true } : collection));
  }

  async changes(collection: ItemCollection, syncToken?: string): Promise<CollectionChanges> {
    this.assertOpen();
    const result = await davChanges(collection, syncToken, this.syncSupport.get(collection.id) !== false, this.http);
    this.syncSupport.set(collection.id, result.syncCollection);
    return result.changes;
  }

  async fetch(collection: ItemCollection, hrefs: readonly string[]): Promise<SourceItem[]> {
    this.assertOpen();
    return davMultiget(collection, hrefs, this.pageSize, this.http);
  }

  /** HTTP requests sent so far (for the benchmark's requests per item). */
  requestCount(): number {
    return this.http.requests();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.http.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('DavItemSource: used after close()');
  }
}
