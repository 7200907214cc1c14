import { collectionIdentity, collectionKey, groupwareMarker } from '../../../src/core/groupware/groupwareKeys';

describe('groupware item map keys', () => {
  it('name a DAV collection by its decoded path, whatever host, port or scheme reached it', () => {
    const urls = [
      'http://127.0.0.1:5232/ann%40contoso.com/contacts/',
      'https://dav.contoso.com/ann@contoso.com/contacts/',
      'https://dav.contoso.com/ann@contoso.com/contacts',
    ];
    expect(new Set(urls.map(collectionIdentity))).toEqual(new Set(['/ann@contoso.com/contacts/']));
    expect(new Set(urls.map(collectionKey)).size).toBe(1);
    expect(new Set(urls.map((url) => groupwareMarker('ann@contoso.com', 'contact', url, '/ann@contoso.com/contacts/1.vcf'))).size).toBe(1);
  });

  it('keep other collections apart, and an id that is not a URL as it is', () => {
    expect(collectionKey('https://dav/ann/contacts/')).not.toBe(collectionKey('https://dav/ann/partners/'));
    expect(collectionIdentity('AAMkADk0Zj=')).toBe('AAMkADk0Zj=');
    expect(collectionIdentity('https://dav/a%zz/')).toBe('/a%zz/');
  });
});
