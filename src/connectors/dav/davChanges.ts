import { propfind, syncCollection } from 'tsdav';

import { type CollectionChanges, type ItemCollection, type ItemVersion } from '../../services/ports/itemSource';
import { hrefKey, toHref } from './davHref';
import type { DavHttp } from './davHttp';
import { pathOf } from './davHttp';
import { childNames, readMultistatus, replyError, textOf } from './davXml';
import { invalidReply, statusError } from './toDavError';
import { ItemSourceErrorCode } from '../../core/errors/migrationErrorCode';

export interface DavChanges {
  changes: CollectionChanges;
  /** False once the server refused sync-collection itself (not only a token): later passes list with PROPFIND. */
  syncCollection: boolean;
}

/** Continuations of one truncated sync-collection (RFC 6578 section 3.6) followed before giving up. */
const MAX_SYNC_ROUNDS = 1_000;

/**
 * What changed in a collection since `syncToken`:
 * - with a token, and a server that offers sync-collection: a sync-collection REPORT (RFC 6578,
 *   sync-level 1) gives the changed members with their new ETags and the removed ones (404);
 * - without a token, or when the server refuses the token (the DAV:valid-sync-token precondition,
 *   or any other refusal of that report), an initial sync-collection (empty token) lists every
 *   member with its ETag and gives a fresh token;
 * - when the server does not do sync-collection at all, a PROPFIND (depth 1) for getetag lists
 *   every member, and there is no token: the caller compares ETags with its item map.
 * Members are asked for their ETag only; their text comes from fetch() (multiget).
 */
export async function davChanges(collection: ItemCollection, syncToken: string | undefined, trySync: boolean, http: DavHttp): Promise<DavChanges> {
  if (trySync && syncToken) {
    const result = await syncReport(collection.id, syncToken, http);
    if (result.kind === 'synced') {
      return { changes: { full: false, changed: result.changed, removed: result.removed, syncToken: result.syncToken }, syncCollection: true };
    }
  }
  if (trySync) {
    const result = await syncReport(collection.id, '', http);
    if (result.kind === 'synced') return { changes: { full: true, items: result.changed, syncToken: result.syncToken }, syncCollection: true };
  }
  return { changes: { full: true, items: await listMembers(collection.id, http) }, syncCollection: false };
}

type SyncResult = { kind: 'synced'; changed: ItemVersion[]; removed: string[]; syncToken: string } | { kind: 'refused'; status: number };

async function syncReport(url: string, startToken: string, http: DavHttp): Promise<SyncResult> {
  const what = `REPORT sync-collection ${pathOf(url)}`;
  const self = hrefKey(url, url);
  const changed = new Map<string, ItemVersion>();
  const removed = new Map<string, string>();
  let token = startToken;
  for (let round = 0; round < MAX_SYNC_ROUNDS; round += 1) {
    const reply = readMultistatus(
      await syncCollection({ url, props: { 'd:getetag': {} }, syncLevel: 1, syncToken: token, headers: http.headers, fetch: http.fetch }),
      http.context,
      what,
    );
    if (reply.kind === 'status') {
      if (reply.status === 404 || reply.status === 410) throw replyError(reply, http.context, what, ItemSourceErrorCode.CollectionNotFound);
      // 403/409 with DAV:valid-sync-token: the token is refused; 400, 403, 405, 501...: the report is. Either way: list.
      return { kind: 'refused', status: reply.status };
    }
    let truncated = false;
    for (const entry of reply.entries) {
      const key = hrefKey(entry.href, url);
      if (key === self) {
        truncated ||= entry.status === 507;
        continue;
      }
      const href = toHref(entry.href, url);
      if (entry.status === 404 || entry.status === 410) {
        changed.delete(key);
        removed.set(key, href);
      } else if (entry.ok) {
        if (href.endsWith('/')) continue; // a member collection (sync-level 1 lists none, but a server may)
        changed.set(key, { href, etag: requiredEtag(entry.props, href, http, what) });
        removed.delete(key);
      } else {
        throw statusError(entry.status, http.context, `${what} (member ${href})`, { notFound: ItemSourceErrorCode.CollectionNotFound });
      }
    }
    if (!reply.syncToken) throw invalidReply(http.context, what, 'without the <sync-token> RFC 6578 requires');
    token = reply.syncToken;
    if (!truncated) return { kind: 'synced', changed: [...changed.values()], removed: startToken ? [...removed.values()] : [], syncToken: token };
  }
  throw invalidReply(http.context, what, `truncated (HTTP 507) more than ${MAX_SYNC_ROUNDS} times in a row`);
}

/** Every member of the collection with its ETag (PROPFIND depth 1), for a server without sync-collection. */
async function listMembers(url: string, http: DavHttp): Promise<ItemVersion[]> {
  const what = `PROPFIND ${pathOf(url)}`;
  const reply = readMultistatus(
    await propfind({ url, depth: '1', props: { 'd:getetag': {}, 'd:resourcetype': {} }, headers: http.headers, fetch: http.fetch }),
    http.context,
    what,
  );
  if (reply.kind === 'status') throw replyError(reply, http.context, what, ItemSourceErrorCode.CollectionNotFound);
  const self = hrefKey(url, url);
  const items: ItemVersion[] = [];
  for (const entry of reply.entries) {
    if (!entry.ok || hrefKey(entry.href, url) === self || childNames(entry.props?.resourcetype).includes('collection')) continue;
    const href = toHref(entry.href, url);
    items.push({ href, etag: requiredEtag(entry.props, href, http, what) });
  }
  return items;
}

function requiredEtag(props: Record<string, unknown> | undefined, href: string, http: DavHttp, what: string): string {
  const etag = textOf(props?.getetag)?.trim();
  if (!etag) throw invalidReply(http.context, what, `without the getetag property of ${href}`);
  return etag;
}
