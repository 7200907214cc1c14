import { CsvRejectedError } from '../../../src/core/csv/csvErrors';
import { parseBatchCsv } from '../../../src/core/csv/parseBatchCsv';
import { removePasswordColumn } from '../../../src/core/csv/removePasswordColumn';
import { utf16leWithBom, utf8 } from './csvBytes';

describe('removePasswordColumn', () => {
  it('keeps every other column and row, as UTF-8 CSV with commas and CRLF', () => {
    const csv = 'emailaddress;PASSWORD;ForceChangePassword\n ann@contoso.com ;"p;w";True\n\n"Bob, Jr.";x;say "hi"\n';
    expect(removePasswordColumn(utf8(csv))).toBe('emailaddress,ForceChangePassword\r\nann@contoso.com,True\r\n"Bob, Jr.","say ""hi"""\r\n');
  });

  it('round-trips: the stored copy parses to the same rows without their passwords', () => {
    const csv = 'EmailAddress\tPassword\tForceChangePassword\r\nann@contoso.com\tS3cret!\tTrue\r\nbob@contoso.com\t"a\tb"\tfalse\r\n';
    const original = parseBatchCsv(utf16leWithBom(csv));
    const stored = removePasswordColumn(utf16leWithBom(csv));
    expect(stored).not.toContain('S3cret!');
    const reparsed = parseBatchCsv(utf8(stored));
    expect(original.ok && reparsed.ok).toBe(true);
    expect(reparsed.ok && reparsed.rows).toEqual(original.ok && original.rows.map(({ password: _password, ...row }) => row));
    expect(reparsed.ok && reparsed.columns).toEqual(['EmailAddress', 'ForceChangePassword']);
  });

  it('removes the password of an IMAP CSV too', () => {
    expect(removePasswordColumn(utf8('EmailAddress,UserName,Password,UserRoot\nann@contoso.com,ann,pw,/u/ann\n'))).toBe(
      'EmailAddress,UserName,UserRoot\r\nann@contoso.com,ann,/u/ann\r\n',
    );
  });

  it('returns a CSV without a Password column unchanged but for its format', () => {
    expect(removePasswordColumn(utf8('EmailAddress\r\nann@contoso.com'))).toBe('EmailAddress\r\nann@contoso.com\r\n');
  });

  it('refuses a file whose rows do not line up with the header, without showing a password', () => {
    const attempt = (): string => removePasswordColumn(utf8('EmailAddress,Password\nann@contoso.com,pass,word\n'));
    expect(attempt).toThrow(CsvRejectedError);
    expect(attempt).toThrow(
      'The CSV file cannot be read: Line 2 has 3 values, but the header on line 1 has 2 columns. Put any value that contains a comma in double quotes.',
    );
  });

  it('drops columns that are not batch columns, such as a misspelt Pasword', () => {
    expect(removePasswordColumn(utf8('EmailAddress,Pasword,\nann@contoso.com,S3cret!,\n'))).toBe('EmailAddress\r\nann@contoso.com\r\n');
  });

  it('refuses a file without a header rather than keep its first row', () => {
    expect(() => removePasswordColumn(utf8('ann@contoso.com,S3cret!\n'))).toThrow(
      'The CSV file cannot be read: Line 1 is not a header: none of its names is a column of a migration CSV. The first line must name the columns, for example "EmailAddress,Password,ForceChangePassword".',
    );
  });

  it('refuses a file that is not text', () => {
    try {
      removePasswordColumn(new Uint8Array([0x45, 0xff, 0x0a]));
      throw new Error('expected a CsvRejectedError');
    } catch (error) {
      expect(error).toBeInstanceOf(CsvRejectedError);
      expect((error as CsvRejectedError).code).toBe('CsvRejected');
      expect((error as CsvRejectedError).errors.map((e) => e.code)).toEqual(['InvalidEncoding']);
    }
  });
});
