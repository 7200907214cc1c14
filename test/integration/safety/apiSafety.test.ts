import path from 'node:path';
import { buildServices } from '../../../src/compositionRoot';
import { readConfig } from '../../../src/config';
import { type DevHostProcess, startDevHost } from '../../../tools/devhost';
import { useAppTestEnvironment } from '../../support/appTestEnvironment';

/**
 * Issue 11, hole 12, against the running app (the devhost on the shared Azurite): every route
 * answers a bad path or query value with 400 (404 for a well-formed name that does not exist)
 * naming the parameter, never 500; cleartext needs MIGRATION_ALLOW_CLEARTEXT_HOSTS and the
 * endpoint says so; endpoints whose names the old secret names folded together keep their own
 * passwords; and no password reaches an answer or the host's log.
 */
const env = useAppTestEnvironment();
const CLEARTEXT_HOST = 'imap.cleartext.test';
const PASSWORDS = { dot: 'Pw-Dot-7c1e', underscore: 'Pw-Underscore-2b9d', dash: 'Pw-Dash-90fa', patched: 'Pw-Patched-51d3', tls: 'Pw-Tls-0e77' };
const APP_ROOT = path.resolve(__dirname, '..', '..', '..');

let host: DevHostProcess;
/** Every answer's text, for the "no password in any answer" check. */
const answers: string[] = [];

interface Answer {
  status: number;
  contentType: string;
  text: string;
  body: { errors?: { code: string; field?: string; message: string }[]; [key: string]: unknown };
}

async function api(route: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(`${host.baseUrl}${route}`, { ...init, headers: { 'x-functions-key': host.functionKey, ...(init.headers ?? {}) } });
  const text = await response.text();
  answers.push(text);
  let body: Answer['body'] = {};
  try {
    body = JSON.parse(text) as Answer['body'];
  } catch {
    // a CSV report or an empty 204
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, body };
}

function postJson(route: string, body: unknown, method = 'POST'): Promise<Answer> {
  return api(route, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

beforeAll(async () => {
  host = await startDevHost({
    appRoot: APP_ROOT,
    settings: {
      AzureWebJobsStorage: env.connection,
      TASKHUB_NAME: `hub${env.prefix}`,
      MIGRATION_STORAGE_PREFIX: env.prefix,
      MIGRATION_ENCRYPTION_KEY: process.env.MIGRATION_ENCRYPTION_KEY!,
      MIGRATION_INTAKE_CONTAINER: process.env.MIGRATION_INTAKE_CONTAINER!,
      MIGRATION_PROCESSED_CONTAINER: process.env.MIGRATION_PROCESSED_CONTAINER!,
      MIGRATION_REPORTS_CONTAINER: process.env.MIGRATION_REPORTS_CONTAINER!,
      NOTIFICATION_QUEUE: process.env.NOTIFICATION_QUEUE!,
      SECRETS_PROVIDER: 'local',
      MIGRATION_ALLOW_CLEARTEXT_HOSTS: `${CLEARTEXT_HOST}, 192.0.2.10`,
    },
  });
  process.env.MIGRATION_ALLOW_CLEARTEXT_HOSTS = `${CLEARTEXT_HOST}, 192.0.2.10`;
  const endpoint = await postJson('/api/endpoints', { name: 'safety-ep', host: 'imap.contoso.test', adminUserName: 'admin', password: PASSWORDS.tls });
  expect(endpoint.status).toBe(201);
  const batch = await api('/api/batches?name=Safety%20wave&endpoint=safety-ep&autoStart=false', {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: 'EmailAddress\nann@contoso.com\nbob@contoso.com\ncyd@contoso.com\n',
  });
  expect(batch.status).toBe(201);
}, 240_000);

afterAll(async () => {
  await host?.stop();
});

/** Route ids no batch or endpoint can have: `#`, `/` (as %2F), `?`, `\`, NUL and other control characters, spaces, and too long. */
const BAD_NAMES: [string, string][] = [
  ['#', 'a%23b'],
  ['/ as %2F', 'a%2Fb'],
  ['?', 'a%3Fb'],
  ['\\', 'a%5Cb'],
  ['NUL', 'a%00b'],
  ['line feed', 'a%0Ab'],
  ['escape', 'a%1B%5B2Jb'],
  ['DEL', 'a%7Fb'],
  ['space', 'a%20b'],
  ['quote', 'a%22b'],
  ['65 characters', 'x'.repeat(65)],
  ['5,000 characters', 'y'.repeat(5000)],
];

/** Every route with a path parameter, its method and a body where one is needed. */
const ID_ROUTES: { route: (id: string) => string; method: string; body?: string; field: string }[] = [
  { route: (v) => `/api/endpoints/${v}`, method: 'GET', field: 'name' },
  { route: (v) => `/api/endpoints/${v}`, method: 'PATCH', body: JSON.stringify({ password: 'never-stored' }), field: 'name' },
  { route: (v) => `/api/batches/${v}`, method: 'GET', field: 'id' },
  { route: (v) => `/api/batches/${v}`, method: 'DELETE', field: 'id' },
  { route: (v) => `/api/batches/${v}/mailboxes`, method: 'GET', field: 'id' },
  { route: (v) => `/api/batches/${v}/throughput`, method: 'GET', field: 'id' },
  ...['start', 'stop', 'resume', 'complete', 'retry'].map((action) => ({ route: (v: string) => `/api/batches/${v}/${action}`, method: 'POST', field: 'id' })),
  { route: (v) => `/api/batches/${v}/reports/errors`, method: 'GET', field: 'id' },
  { route: (v) => `/api/batches/${v}/reports/statistics`, method: 'GET', field: 'id' },
];

function expectProblem(answer: Answer, status: 400 | 404, field: string): void {
  expect({ status: answer.status, contentType: answer.contentType, field: answer.body.errors?.[0]?.field }).toEqual({
    status,
    contentType: 'application/problem+json; charset=utf-8',
    field,
  });
  // The answer says what was wrong, without carrying the request's control characters (a terminal would run them).
  const message = answer.body.errors![0]!.message;
  expect(message.length).toBeGreaterThan(10);
  // eslint-disable-next-line no-control-regex -- what must not come back
  expect(message).not.toMatch(/[\u0000-\u001f\u007f]/);
}

describe('bad route values', () => {
  it.each(ID_ROUTES.map((r) => [`${r.method} ${r.route('{…}')}`, r] as const))(
    '%s answers 400 for every id no batch or endpoint can have',
    async (_label, route) => {
      for (const [what, value] of BAD_NAMES) {
        const answer = await api(route.route(value), {
          method: route.method,
          ...(route.body ? { body: route.body, headers: { 'content-type': 'application/json' } } : {}),
        });
        try {
          expectProblem(answer, 400, route.field);
        } catch (error) {
          throw new Error(`${route.method} with ${what}: ${answer.status} ${answer.text.slice(0, 300)}\n${String(error)}`);
        }
      }
    },
  );

  it.each(ID_ROUTES.map((r) => [`${r.method} ${r.route('{…}')}`, r] as const))(
    '%s answers 404 for a well-formed id that does not exist',
    async (_label, route) => {
      const answer = await api(route.route('no-such-thing'), {
        method: route.method,
        ...(route.body ? { body: route.body, headers: { 'content-type': 'application/json' } } : {}),
      });
      expect(answer.status).toBe(404);
      expect(answer.contentType).toBe('application/problem+json; charset=utf-8');
    },
  );

  it('answers 404 naming the parameter for an unknown action, report or dashboard file, even with control characters', async () => {
    for (const value of ['frobnicate', 'st%00art', 'a%2Fb', 'constructor', '__proto__']) {
      expectProblem(await api(`/api/batches/safety-wave/${value}`, { method: 'POST' }), 404, 'action');
      expectProblem(await api(`/api/batches/safety-wave/reports/${value}`), 404, 'kind');
      expectProblem(await api(`/api/dashboard/${value}`), 404, 'asset');
    }
  });

  it('lists every bad parameter at once', async () => {
    const answer = await api('/api/batches/a%23b/mailboxes?pageSize=0&continuationToken=%00');
    expect(answer.status).toBe(400);
    expect(answer.body.errors!.map((e) => e.field)).toEqual(['id', 'pageSize', 'continuationToken']);
  });
});

describe('bad query values', () => {
  it('answers 400 InvalidContinuationToken for a token that is not base64, not JSON, or another shape', async () => {
    const tokens = [
      'not base64!!',
      'abc',
      '%00',
      '====',
      b64('not json'),
      b64('[1,2]'),
      b64('"text"'),
      b64('null'),
      b64('{}'),
      b64('{"nextPartitionKey":5}'),
      b64('{"nextPartitionKey":""}'),
      b64('{"foo":"bar"}'),
      b64('{"nextPartitionKey":"p","nextRowKey":7}'),
      b64('{"nextPartitionKey":"p","extra":"x"}'),
      b64('{"nextPartitionKey":"a\\u0000b"}'),
      b64(`{"nextPartitionKey":"${'p'.repeat(2000)}"}`),
      'A'.repeat(6000),
    ];
    for (const token of tokens) {
      const answer = await api(`/api/batches/safety-wave/mailboxes?continuationToken=${encodeURIComponent(token)}`);
      try {
        expectProblem(answer, 400, 'continuationToken');
      } catch (error) {
        throw new Error(`token ${JSON.stringify(token.slice(0, 60))}: ${answer.status} ${answer.text.slice(0, 300)}\n${String(error)}`);
      }
    }
  });

  it('follows a real nextLink, and answers a well-shaped token with keys of its own making without a 500', async () => {
    const first = await api('/api/batches/safety-wave/mailboxes?pageSize=1');
    expect(first.status).toBe(200);
    const second = await api(first.body.nextLink as string);
    expect(second.status).toBe(200);
    expect((second.body.value as unknown[]).length).toBe(1);
    for (const shaped of [
      b64('{"nextPartitionKey":"x\'y","nextRowKey":"#?/"}'),
      b64('{"nextPartitionKey":"1!8!YmF0Y2g-"}'),
      b64('{"nextPartitionKey":"other-batch"}'),
    ]) {
      const answer = await api(`/api/batches/safety-wave/mailboxes?continuationToken=${encodeURIComponent(shaped)}`);
      expect([200, 400]).toContain(answer.status);
    }
  });

  it('answers 400 naming pageSize for a page size that is not a whole number from 1 to 1000', async () => {
    for (const size of ['0', '1001', 'abc', '1.5', '', '-1', '1e3x', '%00'])
      expectProblem(await api(`/api/batches/safety-wave/mailboxes?pageSize=${size}`), 400, 'pageSize');
  });

  it('answers 400 naming each bad query value of POST /api/batches, and 404 for an endpoint that does not exist', async () => {
    const create = (query: string) =>
      api(`/api/batches?${query}`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'EmailAddress\nzed@contoso.com\n' });
    const cases: [string, string][] = [
      ['name=q1&endpoint=bad%23ep', 'endpoint'],
      ['name=q1&endpoint=a%2Fb', 'endpoint'],
      ['name=q1&endpoint=a%00b', 'endpoint'],
      [`name=q1&endpoint=${'e'.repeat(65)}`, 'endpoint'],
      ['name=q%00&endpoint=safety-ep', 'name'],
      [`name=${'n'.repeat(300)}&endpoint=safety-ep`, 'name'],
      ['name=q1&endpoint=safety-ep&notify=not-an-address', 'notify'],
      ['name=q1&endpoint=safety-ep&autoStart=maybe', 'autoStart'],
      ['name=q1&endpoint=safety-ep&incrementalSyncIntervalHours=0', 'incrementalSyncIntervalHours'],
      ['name=q1&endpoint=safety-ep&incrementalSyncIntervalHours=abc', 'incrementalSyncIntervalHours'],
      ['name=q1&endpoint=safety-ep&usageLocation=XYZ', 'usageLocation'],
    ];
    for (const [query, field] of cases) expectProblem(await create(query.includes('autoStart=') ? query : `${query}&autoStart=false`), 400, field);
    expectProblem(await create('name=q1&endpoint=no-such-endpoint&autoStart=false'), 404, 'endpoint');
    expectProblem(await create('name=q%23wave&endpoint=safety-ep&autoStart=false'), 400, 'name');
  });
});

describe('cleartext logins', () => {
  it('refuses an endpoint with security none whose host is not in MIGRATION_ALLOW_CLEARTEXT_HOSTS, naming the field and the setting', async () => {
    for (const host of ['mail.contoso.test', '127.0.0.1']) {
      const answer = await postJson('/api/endpoints', {
        name: `plain-${host.replace(/\./g, '-')}`,
        host,
        security: 'none',
        adminUserName: 'admin',
        password: 'Pw-Refused-1',
      });
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toEqual([
        expect.objectContaining({ code: 'CleartextNotAllowed', field: 'security', message: expect.stringContaining('MIGRATION_ALLOW_CLEARTEXT_HOSTS') }),
      ]);
    }
    expect((await api('/api/endpoints/plain-mail-contoso-test')).status).toBe(404);
  });

  it('accepts one for a listed host, and the endpoint says what allowed it', async () => {
    const created = await postJson('/api/endpoints', {
      name: 'plain-listed',
      host: CLEARTEXT_HOST.toUpperCase(),
      security: 'none',
      adminUserName: 'admin',
      password: 'Pw-Listed-1',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ security: 'none', port: 143, cleartext: 'allowed by MIGRATION_ALLOW_CLEARTEXT_HOSTS' });
    expect((await api('/api/endpoints/plain-listed')).body.cleartext).toBe('allowed by MIGRATION_ALLOW_CLEARTEXT_HOSTS');
    expect((await api('/api/endpoints/safety-ep')).body.cleartext).toBe('never: implicit TLS');
    const listed = (await api('/api/endpoints')).body.value as { name: string; cleartext: string }[];
    expect(listed.find((e) => e.name === 'plain-listed')?.cleartext).toBe('allowed by MIGRATION_ALLOW_CLEARTEXT_HOSTS');
  });

  it('refuses a host that is not a host name or address', async () => {
    const answer = await postJson('/api/endpoints', { name: 'bad-host', host: 'mail.contoso.test\r\nX-Injected: 1' });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([expect.objectContaining({ field: 'host' })]);
  });
});

describe('endpoint passwords', () => {
  it('keeps three different passwords for ex.2007, ex_2007 and ex-2007 created through the API, and sets one again with PATCH', async () => {
    for (const [name, password] of [
      ['ex.2007', PASSWORDS.dot],
      ['ex_2007', PASSWORDS.underscore],
      ['ex-2007', PASSWORDS.dash],
    ] as const) {
      const created = await postJson('/api/endpoints', { name, host: `${name.replace(/[._]/g, '-')}.contoso.test`, adminUserName: 'admin', password });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ hasPassword: true });
    }
    // What the copy would send: read in this process from the same storage, as the activities read it.
    const services = buildServices(readConfig());
    const passwordOf = async (name: string) => services.endpoints.password((await services.endpoints.get(name))!);
    expect([await passwordOf('ex.2007'), await passwordOf('ex_2007'), await passwordOf('ex-2007')]).toEqual([
      PASSWORDS.dot,
      PASSWORDS.underscore,
      PASSWORDS.dash,
    ]);

    const patched = await postJson('/api/endpoints/ex_2007', { password: PASSWORDS.patched }, 'PATCH');
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'ex_2007', hasPassword: true });
    expect([await passwordOf('ex.2007'), await passwordOf('ex_2007'), await passwordOf('ex-2007')]).toEqual([PASSWORDS.dot, PASSWORDS.patched, PASSWORDS.dash]);

    const badBody = await postJson('/api/endpoints/ex_2007', { password: PASSWORDS.patched, host: 'elsewhere.test' }, 'PATCH');
    expect(badBody.status).toBe(400);
    expect(badBody.body.errors).toEqual([expect.objectContaining({ code: 'InvalidField', field: 'host' })]);
  });

  it("never puts a password in an answer or the host's log", () => {
    const haystack = [...answers, host.output()].join('\n');
    expect(haystack).toContain('ex_2007');
    for (const password of [...Object.values(PASSWORDS), 'Pw-Refused-1', 'Pw-Listed-1', 'never-stored']) expect(haystack).not.toContain(password);
  });
});
