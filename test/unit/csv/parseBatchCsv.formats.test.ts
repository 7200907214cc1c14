import { parseBatchCsv } from '../../../src/core/csv/parseBatchCsv';
import { utf16beWithBom, utf16leWithBom, utf8, utf8WithBom } from './csvBytes';

const STAGED_ROWS = [
  { line: 2, emailAddress: 'ann@contoso.com', password: 'Secret1!', forceChangePassword: true },
  { line: 3, emailAddress: 'Bob.Smith@Contoso.com', password: 'Secret2!', forceChangePassword: false },
];

describe('parseBatchCsv reads files as administrators save them', () => {
  const text = 'EmailAddress,Password,ForceChangePassword\r\nann@contoso.com,Secret1!,True\r\nBob.Smith@Contoso.com,Secret2!,false\r\n';

  it.each([
    ['UTF-8 without BOM', utf8(text)],
    ['UTF-8 with BOM (Excel "CSV UTF-8")', utf8WithBom(text)],
    ['UTF-16 LE with BOM (Excel "Unicode text", tab-separated)', utf16leWithBom(text.replace(/,/g, '\t'))],
    ['UTF-16 BE with BOM', utf16beWithBom(text)],
    ['tabs in UTF-8', utf8(text.replace(/,/g, '\t'))],
    ['semicolons (European Excel)', utf8(text.replace(/,/g, ';'))],
    ['LF line breaks', utf8(text.replace(/\r\n/g, '\n'))],
    [
      'mixed CRLF, LF and CR line breaks',
      utf8('EmailAddress,Password,ForceChangePassword\nann@contoso.com,Secret1!,True\rBob.Smith@Contoso.com,Secret2!,false'),
    ],
    ['trailing blank lines', utf8(`${text}\r\n\r\n   \r\n`)],
    ['lines of empty cells at the end (Excel)', utf8(`${text},,\r\n,,\r\n`)],
    [
      'whitespace around values',
      utf8('EmailAddress , Password ,ForceChangePassword\n  ann@contoso.com , Secret1! ,\tTrue \nBob.Smith@Contoso.com,"Secret2!" , FALSE\n'),
    ],
    ['header names in any case', utf8(text.replace('EmailAddress,Password,ForceChangePassword', 'emailaddress,PASSWORD,forcechangepassword'))],
    ['a trailing delimiter on every line (Excel)', utf8(text.replace(/\r\n/g, ',\r\n'))],
  ])('accepts %s', (_name, bytes) => {
    expect(parseBatchCsv(bytes)).toEqual({
      ok: true,
      kind: 'staged',
      rows: STAGED_ROWS,
      columns: ['EmailAddress', 'Password', 'ForceChangePassword'],
    });
  });

  it('reads quoted fields with delimiters, quotes and line breaks, and still numbers later lines right', () => {
    const csv = [
      'EmailAddress;Password',
      'ann@contoso.com;"semi;colon"',
      'bob@contoso.com;"say ""hi"""',
      'cat@contoso.com;"two',
      'lines"',
      '',
      'dan@contoso.com;"three\r\nlines\r\nhere"',
      'bad address;x',
    ].join('\r\n');
    expect(parseBatchCsv(utf8(csv))).toEqual({
      ok: false,
      errors: [
        {
          line: 10,
          column: 'EmailAddress',
          code: 'InvalidEmailAddress',
          message: 'Line 10: "bad address" in column EmailAddress is not a valid email address.',
        },
      ],
    });
    const good = parseBatchCsv(utf8(csv.replace('bad address;x', 'eve@contoso.com;x')));
    expect(good.ok && good.rows.map((row) => [row.line, row.password])).toEqual([
      [2, 'semi;colon'],
      [3, 'say "hi"'],
      [4, 'two\r\nlines'],
      [7, 'three\r\nlines\r\nhere'],
      [10, 'x'],
    ]);
  });

  it('accepts a staged CSV with only the EmailAddress column', () => {
    expect(parseBatchCsv(utf8('EmailAddress\nann@contoso.com\n'))).toEqual({
      ok: true,
      kind: 'staged',
      rows: [{ line: 2, emailAddress: 'ann@contoso.com' }],
      columns: ['EmailAddress'],
    });
  });

  it('accepts ForceChangePassword without a Password column, an empty cell meaning False', () => {
    expect(parseBatchCsv(utf8('ForceChangePassword,EmailAddress\nTRUE,ann@contoso.com\n,bob@contoso.com\n'))).toEqual({
      ok: true,
      kind: 'staged',
      rows: [
        { line: 2, emailAddress: 'ann@contoso.com', forceChangePassword: true },
        { line: 3, emailAddress: 'bob@contoso.com', forceChangePassword: false },
      ],
      columns: ['ForceChangePassword', 'EmailAddress'],
    });
  });

  it('reads an optional UsageLocation column in either kind of CSV, in upper case, an empty cell meaning none', () => {
    expect(parseBatchCsv(utf8('EmailAddress,UsageLocation\nann@contoso.com,gb\nbob@contoso.com,\n'))).toEqual({
      ok: true,
      kind: 'staged',
      rows: [
        { line: 2, emailAddress: 'ann@contoso.com', usageLocation: 'GB' },
        { line: 3, emailAddress: 'bob@contoso.com' },
      ],
      columns: ['EmailAddress', 'UsageLocation'],
    });
    const imap = parseBatchCsv(utf8('EmailAddress,UserName,Password,UsageLocation\nann@contoso.com,ann,pw,DE\n'));
    expect(imap).toMatchObject({ ok: true, kind: 'imap', rows: [{ emailAddress: 'ann@contoso.com', usageLocation: 'DE' }] });
  });

  it('leaves the password out of a staged row whose Password cell is empty', () => {
    const result = parseBatchCsv(utf8('EmailAddress,Password\nann@contoso.com,\n'));
    expect(result).toEqual({ ok: true, kind: 'staged', rows: [{ line: 2, emailAddress: 'ann@contoso.com' }], columns: ['EmailAddress', 'Password'] });
  });

  it('reads an IMAP CSV, detected from its UserName column', () => {
    const csv = 'EmailAddress,UserName,Password,UserRoot\r\nann@contoso.com,ann,S3cret!,/users/ann\r\nbob@contoso.com,CONTOSO/bob,S3cret?,\r\n';
    expect(parseBatchCsv(utf8(csv))).toEqual({
      ok: true,
      kind: 'imap',
      rows: [
        { line: 2, emailAddress: 'ann@contoso.com', userName: 'ann', password: 'S3cret!', userRoot: '/users/ann' },
        { line: 3, emailAddress: 'bob@contoso.com', userName: 'CONTOSO/bob', password: 'S3cret?' },
      ],
      columns: ['EmailAddress', 'UserName', 'Password', 'UserRoot'],
    });
    expect(parseBatchCsv(utf8(csv), { expectedKind: 'imap' }).ok).toBe(true);
  });

  it('reads a UTF-16 file with non-ASCII passwords', () => {
    const result = parseBatchCsv(utf16leWithBom('EmailAddress\tPassword\r\nzoe@contoso.com\tGrüße€1\r\n'));
    expect(result.ok && result.rows).toEqual([{ line: 2, emailAddress: 'zoe@contoso.com', password: 'Grüße€1' }]);
  });
});
