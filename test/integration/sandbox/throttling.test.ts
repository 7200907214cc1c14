import { MailboxThrottle } from '../../../tools/m365-sandbox/throttling/mailboxThrottle';
import { expectGraphErrorBody, type SandboxHarness, startSandboxHarness } from './sandboxGraphClient';

const UPN = 'lea@contoso.onmicrosoft.com';

describe('m365-sandbox per-mailbox throttling', () => {
  let h: SandboxHarness;
  beforeAll(async () => {
    h = await startSandboxHarness({ mailboxRequestBudgetPer10Min: 5 });
    h.sandbox.addUser({ userPrincipalName: UPN, licensed: true });
    h.sandbox.addUser({ userPrincipalName: 'max@contoso.onmicrosoft.com', licensed: true });
  });
  afterAll(async () => h.sandbox.stop());

  test('requests beyond the mailbox budget per 10 minutes get 429 with Retry-After; other mailboxes are unaffected', async () => {
    const headers = { authorization: `Bearer ${await h.token()}` };
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 6; i += 1) {
      last = await h.rawFetch(`${h.sandbox.graphBaseUrl}/users/${UPN}/mailFolders/inbox`, { headers });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(500);
    expectGraphErrorBody(await last!.json(), 'ApplicationThrottled');
    const other = await h.rawFetch(`${h.sandbox.graphBaseUrl}/users/max@contoso.onmicrosoft.com/mailFolders/inbox`, { headers });
    expect(other.status).toBe(200);
    const directory = await h.rawFetch(`${h.sandbox.graphBaseUrl}/organization`, { headers });
    expect(directory.status).toBe(200);
  });

  test('a fifth concurrent request to one mailbox gets 429 MailboxConcurrency while four are in flight', async () => {
    h.sandbox.setMailboxRequestBudget(10_000);
    const headers = { authorization: `Bearer ${await h.token()}` };
    const hold = h.sandbox.holdRequests('/mailFolders/inbox$');
    const inFlight = [1, 2, 3, 4].map(async () => h.rawFetch(`${h.sandbox.graphBaseUrl}/users/${UPN}/mailFolders/inbox`, { headers }));
    while (hold.heldCount() < 4) await new Promise((resolve) => setImmediate(resolve));
    const fifth = await h.rawFetch(`${h.sandbox.graphBaseUrl}/users/${UPN}/mailFolders/drafts`, { headers });
    expect(fifth.status).toBe(429);
    expect(fifth.headers.get('retry-after')).toBe('1');
    expectGraphErrorBody(await fifth.json(), 'ApplicationThrottled');
    hold.release();
    expect((await Promise.all(inFlight)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect((await h.rawFetch(`${h.sandbox.graphBaseUrl}/users/${UPN}/mailFolders/drafts`, { headers })).status).toBe(200);
  });

  test('each request inside a $batch counts against the budget', async () => {
    h.sandbox.setMailboxRequestBudget(3);
    const answers = (
      await h.graph.api('/$batch').post({
        requests: [1, 2, 3, 4].map((n) => ({
          id: String(n),
          method: 'GET',
          url: `/users/${UPN}/mailFolders/inbox`,
          ...(n > 1 ? { dependsOn: [String(n - 1)] } : {}),
        })),
      })
    ).responses as { status: number }[];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    h.sandbox.setMailboxRequestBudget(10_000);
  });
});

describe('MailboxThrottle', () => {
  test('allows 4 requests in flight per mailbox and frees a slot on release', () => {
    const throttle = new MailboxThrottle(100, () => 0);
    const slots = [1, 2, 3, 4].map(() => throttle.acquire('a'));
    expect(() => throttle.acquire('a')).toThrow('Application is over its MailboxConcurrency limit.');
    expect(() => throttle.acquire('b').release()).not.toThrow();
    slots[0]!.release();
    expect(() => throttle.acquire('a')).not.toThrow();
  });

  test('refuses more than the upload budget of bytes per 5 minutes with IncomingBytes', () => {
    let now = 0;
    const throttle = new MailboxThrottle(100, () => now, 10_000);
    throttle.acquire('a', 6_000).release();
    expect(() => throttle.acquire('a', 5_000)).toThrow('Application is over its IncomingBytes limit.');
    expect(() => throttle.acquire('a', 0).release()).not.toThrow();
    now = 5 * 60 * 1000 + 1;
    expect(() => throttle.acquire('a', 5_000).release()).not.toThrow();
  });

  test('forgets requests older than 10 minutes and says when the budget frees up', () => {
    let now = 0;
    const throttle = new MailboxThrottle(2, () => now);
    throttle.acquire('a').release();
    now = 60_000;
    throttle.acquire('a').release();
    try {
      throttle.acquire('a');
      throw new Error('expected a 429');
    } catch (error) {
      expect(error).toMatchObject({ status: 429, headers: { 'Retry-After': '540' } });
    }
    now = 600_001;
    expect(() => throttle.acquire('a').release()).not.toThrow();
  });
});
