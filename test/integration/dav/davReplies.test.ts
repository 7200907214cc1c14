import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { DavItemSource } from '../../../src/connectors/dav/davItemSource';
import { expandDavUrl } from '../../../src/connectors/dav/davUrl';
import type { ItemCollection } from '../../../src/services/ports/itemSource';

/**
 * Answers Radicale never gives: a small HTTP server on 127.0.0.1 plays a DAV server that answers
 * with HTML, leaves out properties, has no sync-collection, redirects through /.well-known, is busy,
 * throttles, or drops the connection. Every answer is written out here, so each case is exact.
 */

const LOGIN = { username: 'alice@contoso.com', password: 'alice-Secret-9' };

interface Request {
  method: string;
  path: string;
  depth?: string;
  body: string;
}
type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'reset' | 'hang';
type Route = (request: Request) => Answer | undefined;

let server: Server;
let base: string;
let route: Route = () => undefined;
const seen: Request[] = [];
const hanging: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const request: Request = { method: req.method ?? '', path: req.url ?? '', depth: req.headers.depth as string | undefined, body };
      seen.push(request);
      const answer = route(request) ?? { status: 404, body: 'not here' };
      if (answer === 'hang') return void hanging.push(res);
      if (answer === 'reset') {
        res.writeHead(207, { 'Content-Type': 'application/xml; charset=utf-8', 'Content-Length': '5000' });
        res.write('<?xml version="1.0"?><multistatus xmlns="DAV:"><response>');
        return void setImmediate(() => res.socket?.destroy());
      }
      res.writeHead(answer.status, { 'Content-Type': 'application/xml; charset=utf-8', ...answer.headers });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  route = () => undefined;
  seen.length = 0;
  for (const res of hanging.splice(0)) res.socket?.destroy();
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function multistatus(responses: { href: string; props?: string; status?: string }[], extra = ''): Answer {
  const body = responses
    .map(({ href, props, status }) =>
      props === undefined
        ? `<response><href>${href}</href><status>HTTP/1.1 ${status ?? '404 Not Found'}</status></response>`
        : `<response><href>${href}</href><propstat><prop>${props}</prop><status>HTTP/1.1 200 OK</status></propstat></response>`,
    )
    .join('');
  return {
    status: 207,
    body: `<?xml version="1.0" encoding="utf-8"?><multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:CR="urn:ietf:params:xml:ns:carddav">${body}${extra}</multistatus>`,
  };
}

/** A CalDAV-only server: principal and calendar home `/dav/alice/`, one calendar `/dav/alice/cal/` without sync-collection. */
function caldavOnly(members: Route = () => undefined): Route {
  return (request) => {
    if (request.method === 'PROPFIND' && request.path === '/dav/alice@contoso.com/' && request.depth === '0') {
      return multistatus([
        {
          href: '/dav/alice@contoso.com/',
          props:
            '<current-user-principal><href>/dav/alice@contoso.com/</href></current-user-principal><C:calendar-home-set><href>/dav/alice@contoso.com/</href></C:calendar-home-set>',
        },
      ]);
    }
    if (request.method === 'PROPFIND' && request.path === '/dav/alice@contoso.com/' && request.depth === '1') {
      return multistatus([
        { href: '/dav/alice@contoso.com/', props: '<resourcetype><collection/><principal/></resourcetype>' },
        {
          href: '/dav/alice@contoso.com/cal/',
          props:
            '<resourcetype><collection/><C:calendar/></resourcetype><displayname>Calendar</displayname>' +
            '<supported-report-set><supported-report><report><C:calendar-multiget/></report></supported-report></supported-report-set>',
        },
      ]);
    }
    return members(request);
  };
}

function source(options: { url?: string; requestTimeoutMs?: number } = {}): DavItemSource {
  return new DavItemSource({ url: options.url ?? `${base}/dav/{user}/`, credentials: LOGIN, requestTimeoutMs: options.requestTimeoutMs });
}

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string; errorClass?: string; retryAfterSeconds?: number }> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: Error) => error,
  );
}

async function using<T>(dav: DavItemSource, use: (dav: DavItemSource) => Promise<T>): Promise<T> {
  try {
    return await use(dav);
  } finally {
    await dav.close();
  }
}

const CALENDAR = (): ItemCollection => ({ id: `${base}/dav/alice@contoso.com/cal/`, kind: 'event', displayName: 'Calendar', primary: true });

describe('DavItemSource against answers Radicale never gives', () => {
  it('lists with PROPFIND, and sends no sync-collection, when the server does not offer it', async () => {
    route = caldavOnly((request) =>
      request.method === 'PROPFIND' && request.path === '/dav/alice@contoso.com/cal/'
        ? multistatus([
            { href: '/dav/alice@contoso.com/cal/', props: '<resourcetype><collection/><C:calendar/></resourcetype><getetag>"c"</getetag>' },
            { href: '/dav/alice@contoso.com/cal/1.ics', props: '<resourcetype/><getetag>"e1"</getetag>' },
            { href: `${base}/dav/alice@contoso.com/cal/2.ics`, props: '<getetag>"e2"</getetag>' },
          ])
        : undefined,
    );
    await using(source(), async (dav) => {
      const collections = await dav.listCollections();
      expect(collections).toEqual([CALENDAR()]);
      const changes = await dav.changes(collections[0]!, 'a-token-from-an-earlier-run');
      expect(changes).toEqual({
        full: true,
        items: [
          { href: '/dav/alice@contoso.com/cal/1.ics', etag: '"e1"' },
          { href: '/dav/alice@contoso.com/cal/2.ics', etag: '"e2"' },
        ],
      });
      expect(seen.filter((r) => r.method === 'REPORT')).toEqual([]);
    });
  });

  it('finds the principal through /.well-known/caldav when the URL is only the server', async () => {
    route = (request) => {
      if (request.path === '/.well-known/caldav') return { status: 301, headers: { Location: '/dav/' } };
      if (request.method === 'PROPFIND' && request.path === '/dav/') {
        return multistatus([{ href: '/dav/', props: '<current-user-principal><href>/dav/principals/alice/</href></current-user-principal>' }]);
      }
      if (request.method === 'PROPFIND' && request.path === '/dav/principals/alice/') {
        return multistatus([
          {
            href: '/dav/principals/alice/',
            props:
              '<C:calendar-home-set><href>/dav/calendars/alice/</href></C:calendar-home-set><CR:addressbook-home-set><href>/dav/contacts/alice/</href></CR:addressbook-home-set>',
          },
        ]);
      }
      return undefined;
    };
    await using(source({ url: `${base}/` }), async (dav) => {
      await expect(dav.discover()).resolves.toEqual({
        principalUrl: `${base}/dav/principals/alice/`,
        calendarHomeUrl: `${base}/dav/calendars/alice/`,
        addressBookHomeUrl: `${base}/dav/contacts/alice/`,
      });
    });
  });

  it('says which property a server left out: the principal', async () => {
    route = (request) =>
      request.method === 'PROPFIND' ? multistatus([{ href: request.path, props: '<resourcetype><collection/></resourcetype>' }]) : undefined;
    await using(source(), async (dav) => {
      const error = await failure(dav.listCollections());
      expect(error).toMatchObject({ code: 'GroupwareDiscoveryFailed', errorClass: 'permanent' });
      expect(error.message).toContain('current-user-principal');
      expect(error.message).toContain(LOGIN.username);
    });
  });

  it('says which property a server left out: an ETag in a listing', async () => {
    route = caldavOnly((request) =>
      request.method === 'PROPFIND' && request.path === '/dav/alice@contoso.com/cal/'
        ? multistatus([{ href: '/dav/alice@contoso.com/cal/1.ics', props: '<resourcetype/>' }])
        : undefined,
    );
    await using(source(), async (dav) => {
      const [calendar] = await dav.listCollections(); // learns that the server has no sync-collection
      const error = await failure(dav.changes(calendar!));
      expect(error).toMatchObject({ code: 'GroupwareInvalidReply', errorClass: 'permanent' });
      expect(error.message).toContain('getetag');
      expect(error.message).toContain('/dav/alice@contoso.com/cal/1.ics');
    });
  });

  it('says which property a server left out: the calendar-data of a multiget', async () => {
    route = (request) =>
      request.method === 'REPORT'
        ? multistatus([
            { href: '/dav/alice@contoso.com/cal/1.ics', props: '<getetag>"e1"</getetag>' },
            { href: '/dav/alice@contoso.com/cal/2.ics' }, // gone: 404, left out without complaint
          ])
        : undefined;
    await using(source(), async (dav) => {
      const error = await failure(dav.fetch(CALENDAR(), ['/dav/alice@contoso.com/cal/1.ics', '/dav/alice@contoso.com/cal/2.ics']));
      expect(error).toMatchObject({ code: 'GroupwareInvalidReply', errorClass: 'permanent' });
      expect(error.message).toContain('calendar-data');
      expect(error.message).toContain('REPORT calendar-multiget /dav/alice@contoso.com/cal/');
    });
  });

  it('refuses an answer that is not XML, naming the request, the server and the login, not the password', async () => {
    route = () => ({ status: 200, headers: { 'Content-Type': 'text/html' }, body: '<html><body>Welcome to the webmail</body></html>' });
    await using(source(), async (dav) => {
      const error = await failure(dav.listCollections());
      expect(error).toMatchObject({ code: 'GroupwareInvalidReply', errorClass: 'permanent' });
      expect(error.message).toContain('PROPFIND /dav/alice@contoso.com/');
      expect(error.message).toContain(base.replace('http://', ''));
      expect(error.message).toContain(LOGIN.username);
      expect(error.message).toContain('not XML');
      expect(error.message).not.toContain(LOGIN.password);
    });
  });

  it('refuses XML that is not a multistatus', async () => {
    route = () => ({ status: 207, body: '<?xml version="1.0"?><error xmlns="DAV:"><unknown/></error>' });
    await using(source(), async (dav) => {
      const error = await failure(dav.changes(CALENDAR()));
      expect(error).toMatchObject({ code: 'GroupwareInvalidReply' });
      expect(error.message).toContain('multistatus');
    });
  });

  it.each<[string, Answer, string, number | undefined]>([
    ['a 503 with Retry-After', { status: 503, headers: { 'Retry-After': '7' }, body: 'maintenance' }, 'GroupwareServerError', 7],
    ['a 500', { status: 500, body: 'oops' }, 'GroupwareServerError', undefined],
    ['a 429 with Retry-After', { status: 429, headers: { 'Retry-After': '3' } }, 'Throttled', 3],
  ])('takes %s as transient', async (_what, answer, code, retryAfterSeconds) => {
    route = () => answer;
    await using(source(), async (dav) => {
      const error = await failure(dav.changes(CALENDAR()));
      expect(error).toMatchObject({ code, errorClass: 'transient', retryAfterSeconds });
    });
  });

  it('takes a 404 on the collection as a permanent CollectionNotFound', async () => {
    route = () => ({ status: 404, body: 'no such calendar' });
    await using(source(), async (dav) => {
      await expect(dav.fetch(CALENDAR(), ['/dav/alice@contoso.com/cal/1.ics'])).rejects.toMatchObject({ code: 'CollectionNotFound', errorClass: 'permanent' });
    });
  });

  it('takes a connection cut in the middle of an answer as a transient ConnectionLost', async () => {
    route = () => 'reset';
    await using(source(), async (dav) => {
      await expect(dav.changes(CALENDAR())).rejects.toMatchObject({ code: 'ConnectionLost', errorClass: 'transient' });
    });
  });

  it('gives up a request with no answer after the request timeout, as a transient ConnectionLost', async () => {
    route = () => 'hang';
    await using(source({ requestTimeoutMs: 300 }), async (dav) => {
      await expect(dav.changes(CALENDAR())).rejects.toMatchObject({ code: 'ConnectionLost', errorClass: 'transient' });
    });
  });

  it('fills in the URL template, and refuses a template it cannot use', () => {
    expect(expandDavUrl('https://mail.contoso.com/dav/{user}/', 'alice@contoso.com').href).toBe('https://mail.contoso.com/dav/alice@contoso.com/');
    expect(expandDavUrl('https://{domain}/SOGo/dav/{localpart}/', 'alice@contoso.com').href).toBe('https://contoso.com/SOGo/dav/alice/');
    expect(expandDavUrl('https://mail.contoso.com/dav/{user}/', 'Müller Anna').pathname).toBe('/dav/M%C3%BCller%20Anna/');
    expect(() => expandDavUrl('https://mail.contoso.com/dav/{mailbox}/', 'alice')).toThrow(expect.objectContaining({ code: 'GroupwareInvalidUrl' }));
    expect(() => expandDavUrl('ftp://mail.contoso.com/', 'alice')).toThrow(expect.objectContaining({ code: 'GroupwareInvalidUrl' }));
    const withLogin = (() => {
      try {
        expandDavUrl('https://admin:hunter2@mail.contoso.com/dav/{user}/', 'alice');
      } catch (error) {
        return error as Error & { code: string };
      }
      return undefined;
    })();
    expect(withLogin).toMatchObject({ code: 'GroupwareInvalidUrl' });
    expect(withLogin?.message).not.toContain('hunter2');
  });
});
