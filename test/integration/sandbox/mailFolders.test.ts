import { PageIterator } from '@microsoft/microsoft-graph-client';
import { graphFailure, type SandboxHarness, startSandboxHarness } from './sandboxGraphClient';

const UPN = 'gus@contoso.onmicrosoft.com';

describe('m365-sandbox mail folders', () => {
  let h: SandboxHarness;
  beforeAll(async () => {
    h = await startSandboxHarness();
    h.sandbox.addUser({ userPrincipalName: UPN, licensed: true });
  });
  afterAll(async () => h.sandbox.stop());

  test.each(['inbox', 'sentitems', 'deleteditems', 'drafts', 'junkemail', 'archive', 'msgfolderroot'])(
    'the well-known name %s resolves to a folder',
    async (name) => {
      const folder = await h.graph.api(`/users/${UPN}/mailFolders/${name}`).get();
      expect(folder.id).toMatch(/^AQMk/);
      expect(folder).toHaveProperty('totalItemCount', 0);
    },
  );

  test('GET /mailFolders lists the top-level folders, not the root, 10 per page with @odata.nextLink', async () => {
    for (let i = 0; i < 6; i += 1) await h.graph.api(`/users/${UPN}/mailFolders`).post({ displayName: `Project ${i}` });
    const first = await h.graph.api(`/users/${UPN}/mailFolders`).get();
    expect(first.value).toHaveLength(10);
    expect(first['@odata.nextLink']).toContain('%24skip=10');
    const names: string[] = [];
    await new PageIterator(h.graph, first, (folder: { displayName: string }) => {
      names.push(folder.displayName);
      return true;
    }).iterate();
    expect(names).toHaveLength(8 + 6);
    expect(names).not.toContain('Top of Information Store');
    expect(names).toEqual(expect.arrayContaining(['Inbox', 'Sent Items', 'Deleted Items', 'Drafts', 'Junk Email', 'Archive', 'Project 5']));
  });

  test('child folders are created under their parent and listed with childFolders', async () => {
    const parent = await h.graph.api(`/users/${UPN}/mailFolders/inbox/childFolders`).post({ displayName: 'Customers' });
    const child = await h.graph.api(`/users/${UPN}/mailFolders/${parent.id}/childFolders`).post({ displayName: '2024' });
    expect(child.parentFolderId).toBe(parent.id);
    const inbox = await h.graph.api(`/users/${UPN}/mailFolders/inbox`).get();
    expect(parent.parentFolderId).toBe(inbox.id);
    const children = await h.graph.api(`/users/${UPN}/mailFolders/${parent.id}/childFolders`).get();
    expect(children.value.map((f: { displayName: string }) => f.displayName)).toEqual(['2024']);
  });

  test('a second folder with the same name under the same parent is 409 ErrorFolderExists', async () => {
    await h.graph.api(`/users/${UPN}/mailFolders`).post({ displayName: 'Invoices' });
    const error = await graphFailure(async () => h.graph.api(`/users/${UPN}/mailFolders`).post({ displayName: 'invoices' }));
    expect(error.statusCode).toBe(409);
    expect(error.code).toBe('ErrorFolderExists');
  });

  test('$filter on displayName finds a folder', async () => {
    const page = await h.graph.api(`/users/${UPN}/mailFolders`).filter("displayName eq 'Invoices'").get();
    expect(page.value).toHaveLength(1);
  });

  test('an unknown folder id is 404 ErrorItemNotFound', async () => {
    const error = await graphFailure(async () => h.graph.api(`/users/${UPN}/mailFolders/AQMkADnothing/messages`).get());
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe('ErrorItemNotFound');
  });

  test('reads the query string as an HTTP server does: an unencoded & cuts a $filter (400), an encoded one finds the folder', async () => {
    const created = await h.graph.api(`/users/${UPN}/mailFolders`).post({ displayName: 'R&D + 100% #1' });
    const url = (filter: string) => `${h.sandbox.graphBaseUrl}/users/${UPN}/mailFolders?$filter=${filter}`;
    const headers = { authorization: `Bearer ${await h.token()}` };
    const cut = await h.rawFetch(url("displayName eq 'R&D + 100% #1'"), { headers });
    expect(cut.status).toBe(400);
    const encoded = await h.rawFetch(url(encodeURIComponent("displayName eq 'R&D + 100% #1'")), { headers });
    expect(encoded.status).toBe(200);
    expect(((await encoded.json()) as { value: { id: string }[] }).value.map((f) => f.id)).toEqual([created.id]);
    // A raw "+" is a space to the server, so the unencoded name finds nothing.
    const plus = await h.rawFetch(url(`displayName eq 'R%26D + 100%25 %231'`), { headers });
    expect(((await plus.json()) as { value: unknown[] }).value).toEqual([]);
  });
});
