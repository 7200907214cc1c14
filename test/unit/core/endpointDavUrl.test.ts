import { endpointInputSchema, endpointItemTypes } from '../../../src/core/endpoint/migrationEndpoint';

describe('an endpoint names where contacts and calendars are', () => {
  const base = { name: 'zimbra', host: 'mail.contoso.com' };

  it('accepts an http(s) DAV URL template with {user}, {localpart} or {domain}', () => {
    for (const davUrl of ['https://mail.contoso.com/dav/{user}/', 'http://127.0.0.1:5232/{localpart}@{domain}/', 'https://dav.contoso.com/']) {
      expect(endpointInputSchema.parse({ ...base, davUrl }).davUrl).toBe(davUrl);
    }
  });

  it('refuses other schemes, a login in the URL and unknown placeholders, naming the field', () => {
    for (const davUrl of [
      'ftp://mail.contoso.com/dav/',
      'https://admin:secret@mail.contoso.com/dav/{user}/',
      'https://mail.contoso.com/dav/{username}/',
      'mail.contoso.com/dav',
    ]) {
      const parsed = endpointInputSchema.safeParse({ ...base, davUrl });
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues.map((i) => i.path.join('.'))).toEqual(['davUrl']);
      expect(JSON.stringify(parsed.error!.issues)).not.toContain('secret');
    }
  });

  it('says which item types the endpoint moves', () => {
    expect(endpointItemTypes({})).toEqual(['mail']);
    expect(endpointItemTypes({ davUrl: 'https://mail.contoso.com/dav/{user}/' })).toEqual(['mail', 'contacts', 'calendars']);
  });
});
