import { MAX_BATCH_REQUESTS } from '../../../tools/m365-sandbox';
import { graphFailure, type SandboxHarness, startSandboxHarness } from './sandboxGraphClient';

const UPN = 'jon@contoso.onmicrosoft.com';

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 90_000) throw new Error('the condition did not become true in 90 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface BatchAnswer {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: { subject?: string; error?: { code: string; message: string } };
}

describe('m365-sandbox $batch', () => {
  let h: SandboxHarness;
  beforeAll(async () => {
    h = await startSandboxHarness();
    h.sandbox.addUser({ userPrincipalName: UPN, licensed: true });
  });
  afterAll(async () => h.sandbox.stop());

  const batch = async (requests: unknown[]): Promise<BatchAnswer[]> => (await h.graph.api('/$batch').post({ requests })).responses;
  const create = (id: string, subject: string, dependsOn?: string): Record<string, unknown> => ({
    id,
    method: 'POST',
    url: `/users/${UPN}/mailFolders/inbox/messages`,
    headers: { 'Content-Type': 'application/json' },
    body: { subject },
    ...(dependsOn ? { dependsOn: [dependsOn] } : {}),
  });

  test(`a batch of ${MAX_BATCH_REQUESTS + 1} requests is refused with 400`, async () => {
    const requests = Array.from({ length: MAX_BATCH_REQUESTS + 1 }, (_, i) => ({ id: String(i + 1), method: 'GET', url: '/organization' }));
    const error = await graphFailure(async () => h.graph.api('/$batch').post({ requests }));
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(/exceeds the maximum of 20/);
  });

  test('20 creates chained with dependsOn all succeed, in order, within the mailbox concurrency limit', async () => {
    const requests = Array.from({ length: 20 }, (_, i) => create(String(i + 1), `chained ${i + 1}`, i === 0 ? undefined : String(i)));
    const answers = await batch(requests);
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    expect(answers.map((a) => a.body?.subject)).toEqual(requests.map((_, i) => `chained ${i + 1}`));
  });

  test('a parallel batch runs at most 4 requests at a time, so 20 creates to one mailbox all succeed', async () => {
    const hold = h.sandbox.holdRequests('/messages$');
    const answered = batch(Array.from({ length: 20 }, (_, i) => create(String(i + 1), `parallel ${i + 1}`)));
    await waitUntil(() => hold.heldCount() >= 4);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(hold.heldCount()).toBe(4); // the fifth waits for a free place, instead of getting 429
    hold.release();
    const answers = await answered;
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
  });

  test('a batch mixing parallel requests and dependsOn chains is refused whole, as Graph refuses it', async () => {
    const requests = [create('1', 'a'), create('2', 'b'), create('3', 'c', '1'), create('4', 'd', '2')];
    const error = await graphFailure(async () => h.graph.api('/$batch').post({ requests }));
    expect(error.statusCode).toBe(400);
    expect(error.message).toBe('Batch should be either fully sequential or fully parallel');
    const before = h.sandbox
      .listMailbox(UPN)
      .folders.flatMap((f) => f.messages)
      .filter((m) => ['a', 'b', 'c', 'd'].includes(m.subject));
    expect(before).toHaveLength(0);
  });

  test('two parallel batches at once to one mailbox go over its 4 concurrent requests: the excess gets 429 inside the 200 answers', async () => {
    const hold = h.sandbox.holdRequests('/messages$');
    const first = batch(Array.from({ length: 4 }, (_, i) => create(String(i + 1), `twin A${i}`)));
    await waitUntil(() => hold.heldCount() >= 4);
    const second = await batch(Array.from({ length: 4 }, (_, i) => create(String(i + 1), `twin B${i}`)));
    hold.release();
    expect((await first).map((a) => a.status)).toEqual([201, 201, 201, 201]);
    expect(second.map((a) => a.status)).toEqual([429, 429, 429, 429]);
    expect(second[0]!.headers['Retry-After']).toMatch(/^\d+$/);
    expect(second[0]!.body?.error).toMatchObject({ code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.' });
  });

  test('independent requests to different mailboxes do not throttle each other', async () => {
    const others = ['k1', 'k2', 'k3', 'k4', 'k5'].map((name) => h.sandbox.addUser({ userPrincipalName: `${name}@contoso.onmicrosoft.com`, licensed: true }));
    const answers = await batch(others.map((user, i) => ({ id: String(i + 1), method: 'GET', url: `/users/${user.id}/mailFolders/inbox` })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
  });

  test('a failed request fails its dependants with 424', async () => {
    const answers = await batch([
      { id: '1', method: 'GET', url: `/users/${UPN}/messages/AAMkADdoesnotexist` },
      { id: '2', method: 'GET', url: `/users/${UPN}/mailFolders/inbox`, dependsOn: ['1'] },
    ]);
    expect(answers.map((a) => a.status)).toEqual([404, 424]);
    expect(answers[1]!.body?.error?.code).toBe('FailedDependency');
  });

  test('a binary answer inside a batch ($value) comes back base64-encoded with its content type', async () => {
    const created = await h.graph.api(`/users/${UPN}/messages`).post({ subject: 'as mime', body: { contentType: 'text', content: 'hello' } });
    const answers = await batch([{ id: '1', method: 'GET', url: `/users/${UPN}/messages/${created.id}/$value` }]);
    expect(answers[0]!.headers['Content-Type']).toBe('text/plain');
    expect(Buffer.from(answers[0]!.body as unknown as string, 'base64').toString()).toContain('Subject: as mime');
  });

  test('a MIME create inside a batch takes the base64 MIME as a text/plain body', async () => {
    const mime = Buffer.from('Subject: batched mime\r\nMessage-ID: <b1@legacy.example>\r\n\r\nhello\r\n').toString('base64');
    const answers = await batch([{ id: '1', method: 'POST', url: `/v1.0/users/${UPN}/messages`, headers: { 'Content-Type': 'text/plain' }, body: mime }]);
    expect(answers[0]).toMatchObject({ status: 201, body: { subject: 'batched mime', internetMessageId: '<b1@legacy.example>' } });
  });
});
