import type { DevHostProcess } from '../../../tools/devhost/startDevHost';
import { startFixtureHost, uniqueHubName } from './fixtureHost';
import { readWorkLog } from './workLogReader';

describe('devhost HTTP triggers', () => {
  let host: DevHostProcess;
  const hub = uniqueHubName('Http');

  beforeAll(async () => {
    host = await startFixtureHost(hub);
  }, 180_000);

  afterAll(async () => {
    await host?.stop();
  });

  it('serves a route under the host.json prefix with its parameters and query', async () => {
    const response = await fetch(`${host.baseUrl}/api/hello/world?q=yes`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ hello: 'world', q: 'yes' });
  });

  it('runs appStart hooks before serving, and pre/post-invocation hooks around each invocation', async () => {
    expect(await readWorkLog(hub, 'hooks')).toEqual(['started']);
    const response = await fetch(`${host.baseUrl}/api/hello/hooks`);
    expect(response.headers.get('x-hooked')).toBe('preInvocation');
    expect(await response.json()).toEqual({ hello: 'hooks', q: null });
  });

  it('passes function logs through log hooks, which may rewrite them', async () => {
    await fetch(`${host.baseUrl}/api/hello/logged`);
    const until = Date.now() + 30_000;
    while (!host.output().includes('hello *** logged') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(host.output()).toContain('Function.hello: hello *** logged');
    expect(host.output()).not.toContain('secret-token');
  });

  it('answers 404 when a route constraint does not match and 405 for a method the function does not take', async () => {
    expect((await fetch(`${host.baseUrl}/api/hello/123`)).status).toBe(404);
    expect((await fetch(`${host.baseUrl}/api/hello/world`, { method: 'DELETE' })).status).toBe(405);
    expect((await fetch(`${host.baseUrl}/hello/world`)).status).toBe(404);
  });

  it('enforces authLevel function: no key or a wrong key is 401, the function or admin key passes', async () => {
    const url = `${host.baseUrl}/api/orchestrators/oneActivity`;
    expect((await fetch(url, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${url}?code=wrong`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(url, { method: 'POST', headers: { 'x-functions-key': host.functionKey } })).status).toBe(202);
    expect((await fetch(`${url}?code=${host.adminKey}`, { method: 'POST' })).status).toBe(202);
  });

  it('enforces authLevel admin: the function key is not enough', async () => {
    const url = `${host.baseUrl}/api/admin-only`;
    expect((await fetch(`${url}?code=${host.functionKey}`)).status).toBe(401);
    const ok = await fetch(url, { headers: { 'x-functions-key': host.adminKey } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('admin ok');
    expect(ok.headers.get('set-cookie')).toBe('session=abc; Path=/; HttpOnly; SameSite=Strict');
  });

  it('starts an orchestration through df.getClient and its statusQueryGetUri reports it complete', async () => {
    const response = await fetch(`${host.baseUrl}/api/orchestrators/fanOutFanIn?code=${host.functionKey}`, {
      method: 'POST',
      body: JSON.stringify({ count: 10 }),
    });
    expect(response.status).toBe(202);
    const links = (await response.json()) as { id: string; statusQueryGetUri: string; sendEventPostUri: string };
    expect(response.headers.get('location')).toBe(links.statusQueryGetUri);
    expect(links.statusQueryGetUri.startsWith(`${host.baseUrl}/runtime/webhooks/durabletask/instances/${links.id}`)).toBe(true);
    let status: { runtimeStatus: string; output: unknown } | undefined;
    const until = Date.now() + 90_000;
    while (Date.now() < until) {
      const poll = await fetch(links.statusQueryGetUri);
      status = (await poll.json()) as { runtimeStatus: string; output: unknown };
      if (poll.status === 200) break;
      expect(poll.status).toBe(202);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: { count: 10, sum: 385 } });
  });

  it('starts an orchestration with the instance id from the route and refuses a second start while it runs', async () => {
    const id = `http-${Date.now()}`;
    const first = await fetch(`${host.baseUrl}/api/orchestrators/waitForever/${id}?code=${host.functionKey}`, { method: 'POST' });
    expect(first.status).toBe(202);
    expect(((await first.json()) as { id: string }).id).toBe(id);
    // The starter's startNew gets 409 from the Durable API and the function fails with 500.
    const second = await fetch(`${host.baseUrl}/api/orchestrators/waitForever/${id}?code=${host.functionKey}`, { method: 'POST' });
    expect(second.status).toBe(500);
    await fetch(`${host.baseUrl}/runtime/webhooks/durabletask/instances/${id}/terminate?reason=done&code=${host.adminKey}`, { method: 'POST' });
  });

  it('guards the Durable webhooks with the admin key', async () => {
    expect((await fetch(`${host.baseUrl}/runtime/webhooks/durabletask/instances/x`)).status).toBe(401);
    expect((await fetch(`${host.baseUrl}/runtime/webhooks/durabletask/instances/x?code=${host.adminKey}`)).status).toBe(404);
  });
});
