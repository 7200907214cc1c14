import { readConfig } from '../../../src/config';
import { endpointSecretName, legacyEndpointSecretName } from '../../../src/core/endpoint/endpointSecretName';
import { endpointInputSchema, type MigrationEndpoint } from '../../../src/core/endpoint/migrationEndpoint';
import { EndpointService } from '../../../src/services/endpointService';
import { EndpointRepository } from '../../../src/storage/endpointRepository';
import { PasswordCipher } from '../../../src/storage/passwordCipher';
import { LocalSecretStore } from '../../../src/storage/secrets/localSecretStore';
import { StorageClients } from '../../../src/storage/storageClients';
import { useAppTestEnvironment } from '../../support/appTestEnvironment';

/**
 * Endpoint passwords in the real tables (Azurite) and the local secret store: names that the old
 * scheme folded together keep their own passwords, and endpoints stored under the old scheme are
 * read only when no other endpoint can have written their secret.
 */
useAppTestEnvironment();

const NOW = '2024-05-01T10:00:00.000Z';
let service: EndpointService;
let repository: EndpointRepository;
let secrets: LocalSecretStore;

beforeAll(() => {
  const config = readConfig();
  const storage = new StorageClients(config);
  repository = new EndpointRepository(() => storage.table('endpoints'));
  secrets = new LocalSecretStore(() => storage.table('secrets'), new PasswordCipher(config.encryptionKey));
  service = new EndpointService(repository, secrets);
});

async function create(name: string, password: string): Promise<MigrationEndpoint> {
  const result = await service.create(
    endpointInputSchema.parse({ name, host: `${name.replace(/[._]/g, '-')}.contoso.local`, adminUserName: 'admin', password }),
    NOW,
  );
  if (!result.ok) throw new Error(result.message);
  return result.endpoint;
}

/** An endpoint as the code before this fix stored it: the shared name, overwritten by the last one created. */
async function createTheOldWay(name: string, password: string): Promise<MigrationEndpoint> {
  const endpoint: MigrationEndpoint = {
    name,
    sourceKind: 'imap',
    host: `${name.replace(/[._]/g, '-')}.contoso.local`,
    port: 993,
    security: 'tls',
    adminUserName: 'admin',
    passwordSecretRef: legacyEndpointSecretName(name),
    maxConcurrentMigrations: 20,
    maxConcurrentIncrementalSyncs: 10,
    createdAt: NOW,
  };
  await repository.create(endpoint);
  await secrets.set(legacyEndpointSecretName(name), password);
  return endpoint;
}

async function passwordOf(name: string): Promise<string | undefined> {
  return service.password((await service.get(name))!);
}

describe('endpoint passwords', () => {
  it('keeps three different passwords for ex.2007, ex_2007 and ex-2007', async () => {
    await create('ex.2007', 'Pw-dot-1');
    await create('ex_2007', 'Pw-underscore-2');
    await create('ex-2007', 'Pw-dash-3');
    expect(await passwordOf('ex.2007')).toBe('Pw-dot-1');
    expect(await passwordOf('ex_2007')).toBe('Pw-underscore-2');
    expect(await passwordOf('EX-2007')).toBe('Pw-dash-3');
    const refs = (await service.list()).filter((e) => e.name.startsWith('ex')).map((e) => e.passwordSecretRef);
    expect(new Set(refs).size).toBe(3);
  });

  it('still reads an endpoint stored the old way while no other endpoint points at its secret', async () => {
    await createTheOldWay('alone.2003', 'Pw-alone');
    expect(await passwordOf('alone.2003')).toBe('Pw-alone');
    // A new endpoint whose name the old scheme would have folded into the same secret does not write it.
    await create('alone_2003', 'Pw-new-neighbour');
    expect(await passwordOf('alone.2003')).toBe('Pw-alone');
    expect(await passwordOf('alone_2003')).toBe('Pw-new-neighbour');
  });

  it("refuses, naming the fix, to read a secret two old endpoints shared, and never returns the other's password", async () => {
    await createTheOldWay('old.2003', 'Pw-first');
    await createTheOldWay('old_2003', 'Pw-second'); // overwrote the first one's password, as the old code did
    for (const name of ['old.2003', 'old_2003']) {
      const attempt = passwordOf(name);
      await expect(attempt).rejects.toMatchObject({ code: 'EndpointPasswordShared', message: expect.stringContaining(`PATCH /api/endpoints/${name}`) });
      await expect(attempt).rejects.not.toMatchObject({ message: expect.stringMatching(/Pw-first|Pw-second/) });
    }
  });

  it('moves an old endpoint to its own secret when its password is set again, and deletes the shared one', async () => {
    await createTheOldWay('mv.2003', 'Pw-a');
    await createTheOldWay('mv_2003', 'Pw-b');
    const result = await service.setPassword('mv_2003', 'Pw-b-again');
    expect(result).toMatchObject({ ok: true, endpoint: { passwordSecretRef: endpointSecretName('mv_2003') } });
    expect(await passwordOf('mv_2003')).toBe('Pw-b-again');
    expect(await secrets.get(legacyEndpointSecretName('mv.2003'))).toBeUndefined();
    // The shared secret might have held mv_2003's password: mv.2003 gets no password rather than that one.
    await expect(passwordOf('mv.2003')).rejects.toMatchObject({ code: 'EndpointPasswordMissing' });
    await service.setPassword('mv.2003', 'Pw-a-again');
    expect(await passwordOf('mv.2003')).toBe('Pw-a-again');
    expect(await service.setPassword('nobody', 'x')).toMatchObject({ ok: false, code: 'EndpointNotFound' });
  });

  it('never reads a secret named for another endpoint', async () => {
    await create('victim', 'Pw-victim');
    const forged: MigrationEndpoint = { ...(await service.get('victim'))!, name: 'forger' };
    await expect(service.password(forged)).rejects.toMatchObject({ code: 'EndpointPasswordNotOwn' });
  });

  it('finds no endpoint for a name no endpoint can have, instead of failing in storage', async () => {
    for (const name of ['a#b', 'a/b', 'a\u0000b', 'x'.repeat(65), '']) expect(await service.get(name)).toBeUndefined();
  });
});
