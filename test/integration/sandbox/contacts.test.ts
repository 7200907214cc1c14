import { tinyJpeg } from './jpegFixture';
import { expectGraphErrorBody, graphFailure, type SandboxHarness, startSandboxHarness } from './sandboxGraphClient';

interface GraphErrorJson {
  error: { code: string; message: string };
}

const UPN = 'cora@contoso.onmicrosoft.com';
const ORIGIN_ID = 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name MigrationSource';
const LABELS_ID = 'StringArray {66f5a359-4659-4830-9070-00047ec6ac6e} Name Labels';

describe('m365-sandbox contacts as Graph serves them to an application', () => {
  let h: SandboxHarness;
  const base = `/users/${UPN}`;
  beforeAll(async () => {
    h = await startSandboxHarness();
    h.sandbox.addUser({ userPrincipalName: UPN, licensed: true });
  });
  afterAll(async () => h.sandbox.stop());

  /** A raw request, for exact statuses and bodies (binary photo bodies included). */
  const send = async (method: string, path: string, body?: Buffer | string, contentType = 'application/json'): Promise<Response> =>
    h.rawFetch(`${h.sandbox.graphBaseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${await h.token()}`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
      ...(body !== undefined ? { body } : {}),
    });

  test('contact folders: created under the default Contacts folder, child folders under them, contacts in a child folder', async () => {
    const first = await h.graph.api(`${base}/contacts`).post({ givenName: 'Dana' });
    const defaultFolderId = first.parentFolderId as string;
    const family = await h.graph.api(`${base}/contactFolders`).post({ displayName: 'Family' });
    expect(family).toMatchObject({ displayName: 'Family', parentFolderId: defaultFolderId });
    const cousins = await h.graph.api(`${base}/contactFolders/${family.id}/childFolders`).post({ displayName: 'Cousins' });
    expect(cousins.parentFolderId).toBe(family.id);
    const duplicate = await graphFailure(async () => h.graph.api(`${base}/contactFolders/${family.id}/childFolders`).post({ displayName: 'cousins' }));
    expect(duplicate).toMatchObject({ statusCode: 409, code: 'ErrorFolderExists' });

    const ivo = await h.graph.api(`${base}/contactFolders/${family.id}/childFolders/${cousins.id}/contacts`).post({ givenName: 'Ivo', surname: 'Grant' });
    expect(ivo).toMatchObject({ parentFolderId: cousins.id, displayName: 'Ivo Grant' });
    expect((await h.graph.api(`${base}/contactFolders/${family.id}/childFolders`).get()).value.map((f: { displayName: string }) => f.displayName)).toEqual([
      'Cousins',
    ]);
    expect((await h.graph.api(`${base}/contactFolders`).get()).value.map((f: { displayName: string }) => f.displayName)).toEqual(['Family']);
    expect((await h.graph.api(`${base}/contactFolders/${cousins.id}/contacts/${ivo.id}`).get()).givenName).toBe('Ivo');
    const wrongFolder = await graphFailure(async () => h.graph.api(`${base}/contactFolders/${family.id}/contacts/${ivo.id}`).get());
    expect(wrongFolder).toMatchObject({ statusCode: 404, code: 'ErrorItemNotFound' });
  });

  test('a contact comes back with every property of graph.contact, unset ones null or empty', async () => {
    const created = await h.graph.api(`${base}/contacts`).post({
      givenName: 'Ada',
      surname: 'Lovelace',
      emailAddresses: [{ address: 'ada@legacy.example', name: 'Ada' }],
      businessPhones: ['+44 20 7946 0000'],
      birthday: '1815-12-10T00:00:00Z',
      homeAddress: { city: 'London', countryOrRegion: 'United Kingdom' },
      categories: ['Friends'],
    });
    const fetched = await h.graph.api(`${base}/contacts/${created.id}`).get();
    expect(fetched).toMatchObject({
      displayName: 'Ada Lovelace',
      birthday: '1815-12-10T00:00:00Z',
      homeAddress: { city: 'London', countryOrRegion: 'United Kingdom' },
      businessAddress: {},
      homePhones: [],
      mobilePhone: null,
      nickName: null,
      categories: ['Friends'],
      changeKey: expect.any(String),
    });
    expect(Object.keys(fetched)).toEqual(
      expect.arrayContaining(['yomiGivenName', 'spouseName', 'children', 'imAddresses', 'personalNotes', 'primaryEmailAddress']),
    );
  });

  test('lists page with $top and @odata.nextLink, as Graph pages (default 10)', async () => {
    const folder = await h.graph.api(`${base}/contactFolders`).post({ displayName: 'Paged' });
    for (let i = 0; i < 12; i += 1) await h.graph.api(`${base}/contactFolders/${folder.id}/contacts`).post({ displayName: `P${i}` });
    const first = await h.graph.api(`${base}/contactFolders/${folder.id}/contacts`).get();
    expect(first.value).toHaveLength(10);
    const second = await h.graph.api(first['@odata.nextLink']).get();
    expect(second.value.map((c: { displayName: string }) => c.displayName)).toEqual(['P10', 'P11']);
    expect(second['@odata.nextLink']).toBeUndefined();
    const small = await h.graph.api(`${base}/contactFolders/${folder.id}/contacts`).top(5).select('displayName').get();
    expect(small.value).toHaveLength(5);
    expect(Object.keys(small.value[0]).sort()).toEqual(['@odata.etag', 'displayName', 'id']);
  });

  test('a list with $select still returns the extended property $expand asks for', async () => {
    const marker = 'String {00020329-0000-0000-C000-000000000046} Name ListedMarker';
    const folder = await h.graph.api(`${base}/contactFolders`).post({ displayName: 'Marked' });
    await h.graph
      .api(`${base}/contactFolders/${folder.id}/contacts`)
      .post({ displayName: 'M1', singleValueExtendedProperties: [{ id: marker, value: 'm-1' }] });
    await h.graph.api(`${base}/contactFolders/${folder.id}/contacts`).post({ displayName: 'M2' });
    const listed = await h.graph
      .api(`${base}/contactFolders/${folder.id}/contacts`)
      .select('id')
      .expand(`singleValueExtendedProperties($filter=id eq '${marker}')`)
      .get();
    const values = (listed.value as { singleValueExtendedProperties?: { value: string }[] }[]).map((c) => c.singleValueExtendedProperties?.[0]?.value);
    expect(values.sort()).toEqual(['m-1', undefined]);
  });

  test('PATCH changes the given properties and keeps the others; DELETE removes the contact', async () => {
    const contact = await h.graph.api(`${base}/contacts`).post({ givenName: 'Bea', jobTitle: 'Engineer', homePhones: ['1'] });
    const patched = await h.graph.api(`${base}/contacts/${contact.id}`).patch({ jobTitle: 'Director', homePhones: ['2', '3'] });
    expect(patched).toMatchObject({ givenName: 'Bea', jobTitle: 'Director', homePhones: ['2', '3'] });
    expect(patched.lastModifiedDateTime >= contact.lastModifiedDateTime).toBe(true);
    const deleted = await send('DELETE', `${base}/contacts/${contact.id}`);
    expect(deleted.status).toBe(204);
    expect(await graphFailure(async () => h.graph.api(`${base}/contacts/${contact.id}`).get())).toMatchObject({ statusCode: 404, code: 'ErrorItemNotFound' });
  });

  test('a property graph.contact does not define is refused with RequestBodyRead, on create and on PATCH', async () => {
    const created = await send('POST', `${base}/contacts`, JSON.stringify({ givenName: 'X', email2: 'x@y.example' }));
    expect(created.status).toBe(400);
    const body = (await created.json()) as GraphErrorJson;
    expectGraphErrorBody(body, 'RequestBodyRead');
    expect(body.error.message).toBe(
      "The property 'email2' does not exist on type 'Microsoft.OutlookServices.Contact'. Make sure to only use property names that are defined by the type or mark the type as open type.",
    );
    const contact = await h.graph.api(`${base}/contacts`).post({ givenName: 'Y' });
    const patched = await graphFailure(async () => h.graph.api(`${base}/contacts/${contact.id}`).patch({ otherPhones: ['1'] }));
    expect(patched).toMatchObject({ statusCode: 400, code: 'RequestBodyRead' });
  });

  test('a fourth email address (or a third business phone) is refused, as Exchange refuses it', async () => {
    const emails = [1, 2, 3, 4].map((n) => ({ address: `a${n}@legacy.example` }));
    const tooMany = await graphFailure(async () => h.graph.api(`${base}/contacts`).post({ givenName: 'Many', emailAddresses: emails }));
    expect(tooMany).toMatchObject({
      statusCode: 400,
      code: 'ErrorInvalidProperty',
      message: 'The multi value property emailAddresses has 4 entries, that exceeds the max allowed value of 3.',
    });
    const three = await h.graph.api(`${base}/contacts`).post({ givenName: 'Three', emailAddresses: emails.slice(0, 3), businessPhones: ['1', '2'] });
    expect(three.emailAddresses).toHaveLength(3);
    const phones = await graphFailure(async () => h.graph.api(`${base}/contacts/${three.id}`).patch({ businessPhones: ['1', '2', '3'] }));
    expect(phones).toMatchObject({ statusCode: 400, code: 'ErrorInvalidProperty', message: expect.stringContaining('businessPhones has 3 entries') });
  });

  test('extended properties set at creation come back only through $expand, and $filter finds a contact by one', async () => {
    const contact = await h.graph.api(`${base}/contacts`).post({
      givenName: 'Eve',
      singleValueExtendedProperties: [{ id: ORIGIN_ID, value: 'carddav:/eve.vcf' }],
      multiValueExtendedProperties: [{ id: LABELS_ID, value: ['a', 'b'] }],
    });
    expect(contact.singleValueExtendedProperties).toBeUndefined();
    const expanded = await h.graph
      .api(`${base}/contacts/${contact.id}`)
      .expand(`singleValueExtendedProperties($filter=id eq '${ORIGIN_ID}'),multiValueExtendedProperties($filter=id eq '${LABELS_ID}')`)
      .get();
    expect(expanded.singleValueExtendedProperties).toEqual([{ id: ORIGIN_ID, value: 'carddav:/eve.vcf' }]);
    expect(expanded.multiValueExtendedProperties).toEqual([{ id: LABELS_ID, value: ['a', 'b'] }]);
    const found = await h.graph
      .api(`${base}/contacts`)
      .filter(`singleValueExtendedProperties/Any(ep: ep/id eq '${ORIGIN_ID}' and ep/value eq 'carddav:/eve.vcf')`)
      .get();
    expect(found.value.map((c: { id: string }) => c.id)).toEqual([contact.id]);
    const badId = await graphFailure(async () =>
      h.graph.api(`${base}/contacts`).post({ givenName: 'Z', singleValueExtendedProperties: [{ id: 'Text 0x1234', value: 'x' }] }),
    );
    expect(badId).toMatchObject({ statusCode: 400, code: 'ErrorInvalidProperty' });
  });

  test('photo round trip: PUT image/jpeg to photo/$value (in the default folder and in a folder), GET the metadata and the same bytes', async () => {
    const contact = await h.graph.api(`${base}/contacts`).post({ givenName: 'Pia' });
    const photo = tinyJpeg(96, 64, 2048);
    const put = await send('PUT', `${base}/contacts/${contact.id}/photo/$value`, photo, 'image/jpeg');
    expect(put.status).toBe(200);
    const metadata = await h.graph.api(`${base}/contacts/${contact.id}/photo`).get();
    expect(metadata).toMatchObject({ width: 96, height: 64, '@odata.mediaContentType': 'image/jpeg' });
    const bytes = await send('GET', `${base}/contacts/${contact.id}/photo/$value`);
    expect(bytes.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await bytes.arrayBuffer()).equals(photo)).toBe(true);

    const folder = await h.graph.api(`${base}/contactFolders`).post({ displayName: 'Photos' });
    const inFolder = await h.graph.api(`${base}/contactFolders/${folder.id}/contacts`).post({ givenName: 'Quin' });
    const patch = await send('PATCH', `${base}/contactFolders/${folder.id}/contacts/${inFolder.id}/photo/$value`, tinyJpeg(48, 48), 'image/jpeg');
    expect(patch.status).toBe(200);
    expect(h.sandbox.listMailbox(UPN).contacts.find((c) => c.id === inFolder.id)?.photo).toMatchObject({ width: 48, height: 48, contentType: 'image/jpeg' });
  });

  test('photos: another content type, bytes that are not a JPEG, more than 4 MB, and no photo are refused', async () => {
    const contact = await h.graph.api(`${base}/contacts`).post({ givenName: 'Rex' });
    const png = await send('PUT', `${base}/contacts/${contact.id}/photo/$value`, Buffer.from('\x89PNG\r\n\x1a\n', 'binary'), 'image/png');
    expect(png.status).toBe(400);
    const notJpeg = await send('PUT', `${base}/contacts/${contact.id}/photo/$value`, Buffer.from('hello'), 'image/jpeg');
    expect(notJpeg.status).toBe(400);
    const large = await send('PUT', `${base}/contacts/${contact.id}/photo/$value`, tinyJpeg(648, 648, 4 * 1024 * 1024), 'image/jpeg');
    expect(large.status).toBe(413);
    expectGraphErrorBody(await large.json(), 'RequestEntityTooLarge');
    const missing = await send('GET', `${base}/contacts/${contact.id}/photo/$value`);
    expect(missing.status).toBe(404);
  });

  test("an app with only Contacts.Read cannot write a contact photo (403 ErrorAccessDenied, from profilephoto-update's permissions)", async () => {
    const readOnly = await startSandboxHarness({ https: true, app: { roles: ['Contacts.Read'] } });
    try {
      readOnly.sandbox.addUser({ userPrincipalName: UPN, licensed: true });
      const put = await readOnly.rawFetch(`${readOnly.sandbox.graphBaseUrl}${base}/contacts/any/photo/$value`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${await readOnly.token()}`, 'content-type': 'image/jpeg' },
        body: tinyJpeg(48, 48),
      });
      expect(put.status).toBe(403);
      expectGraphErrorBody(await put.json(), 'ErrorAccessDenied');
    } finally {
      await readOnly.sandbox.stop();
    }
  });
});
