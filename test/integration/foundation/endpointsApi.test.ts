import { createEndpoint, getEndpoint, listEndpoints } from '../../../src/functions/endpointsApi';
import { newContext, newRequest, useAppTestEnvironment } from '../../support/appTestEnvironment';

const env = useAppTestEnvironment();

function post(body: unknown) {
  return createEndpoint(
    newRequest({
      method: 'POST',
      path: '/api/endpoints',
      body: { string: typeof body === 'string' ? body : JSON.stringify(body) },
      headers: { 'content-type': 'application/json' },
    }),
    newContext(env, 'createEndpoint'),
  );
}

describe('migration endpoints API', () => {
  it('creates an endpoint with the default limits and never shows its password', async () => {
    const response = await post({
      name: 'legacy-imap',
      host: 'mail.contoso.local',
      security: 'starttls',
      adminUserName: 'admin',
      password: 'Endpoint-Secret-1',
    });
    expect(response.status).toBe(201);
    expect(response.headers).toMatchObject({ location: '/api/endpoints/legacy-imap' });
    expect(response.jsonBody).toMatchObject({
      name: 'legacy-imap',
      host: 'mail.contoso.local',
      port: 143,
      security: 'starttls',
      maxConcurrentMigrations: 20,
      maxConcurrentIncrementalSyncs: 10,
      hasPassword: true,
    });
    expect(JSON.stringify(response.jsonBody)).not.toContain('Endpoint-Secret-1');
    expect(response.jsonBody).not.toHaveProperty('passwordSecretRef');

    const fetched = await getEndpoint(
      newRequest({ method: 'GET', path: '/api/endpoints/legacy-imap', params: { name: 'legacy-imap' } }),
      newContext(env, 'getEndpoint'),
    );
    expect(fetched.status).toBe(200);
    expect(fetched.jsonBody).toMatchObject({ name: 'legacy-imap', hasPassword: true });
    const listed = await listEndpoints(newRequest({ method: 'GET', path: '/api/endpoints' }), newContext(env, 'listEndpoints'));
    expect((listed.jsonBody as { value: { name: string }[] }).value.map((e) => e.name)).toContain('legacy-imap');
  });

  it('refuses a second endpoint with the same name, in any case, with 409', async () => {
    await post({ name: 'dup-endpoint', host: 'a.local' });
    const second = await post({ name: 'DUP-endpoint', host: 'b.local' });
    expect(second.status).toBe(409);
    expect(second.jsonBody).toMatchObject({ errors: [{ code: 'EndpointExists', field: 'name' }] });
  });

  it('lists every invalid field at once as problem+json', async () => {
    const response = await post({
      name: 'bad endpoint!',
      host: '',
      port: 70000,
      maxConcurrentMigrations: 101,
      maxConcurrentIncrementalSyncs: 0,
      colour: 'blue',
    });
    expect(response.status).toBe(400);
    expect(response.headers).toMatchObject({ 'content-type': 'application/problem+json; charset=utf-8' });
    const fields = (response.jsonBody as { errors: { field: string }[] }).errors.map((e) => e.field).sort();
    expect(fields).toEqual(['colour', 'host', 'maxConcurrentIncrementalSyncs', 'maxConcurrentMigrations', 'name', 'port']);
  });

  it('answers a body that is not JSON with a clear 400', async () => {
    const response = await post('{"name": ');
    expect(response.status).toBe(400);
    expect(response.jsonBody).toMatchObject({ errors: [{ code: 'InvalidJson', message: 'Send the endpoint as a JSON object.' }] });
  });

  it('answers 404 for an endpoint that does not exist', async () => {
    const response = await getEndpoint(newRequest({ method: 'GET', path: '/api/endpoints/nope', params: { name: 'nope' } }), newContext(env, 'getEndpoint'));
    expect(response.status).toBe(404);
    expect(response.jsonBody).toMatchObject({ errors: [{ code: 'EndpointNotFound', message: 'No migration endpoint is named "nope".' }] });
  });
});
