import { primaryCollectionIds } from '../../../src/core/groupware/primaryCollections';

describe("the user's main address book and calendar", () => {
  it('is the only one of its kind, whatever its name', () => {
    const ids = primaryCollectionIds([
      { id: 'https://dav/u/work-stuff/', kind: 'contact', displayName: 'Work stuff' },
      { id: 'https://dav/u/7f3a/', kind: 'event', displayName: 'Mein Kalender' },
    ]);
    expect([...ids].sort()).toEqual(['https://dav/u/7f3a/', 'https://dav/u/work-stuff/']);
  });

  it('is the one with a usual main name (display name or path), else the first by URL', () => {
    const ids = primaryCollectionIds([
      { id: 'https://dav/u/a-holidays/', kind: 'event', displayName: 'Holidays' },
      { id: 'https://dav/u/personal/', kind: 'event', displayName: 'Rita' },
      { id: 'https://dav/u/b-partners/', kind: 'contact', displayName: 'Partners' },
      { id: 'https://dav/u/a-family/', kind: 'contact', displayName: 'Family' },
    ]);
    expect([...ids].sort()).toEqual(['https://dav/u/a-family/', 'https://dav/u/personal/']);
  });

  it('is the same whatever order the server lists them in', () => {
    const listed = [
      { id: 'https://dav/u/x/', kind: 'contact' as const, displayName: 'Personal Address Book' },
      { id: 'https://dav/u/a/', kind: 'contact' as const, displayName: 'Colleagues' },
    ];
    expect(primaryCollectionIds(listed)).toEqual(primaryCollectionIds([...listed].reverse()));
    expect([...primaryCollectionIds(listed)]).toEqual(['https://dav/u/x/']);
  });
});
