import { parseBatchCsv } from '../../../src/core/csv/parseBatchCsv';
import { type CsvError } from '../../../src/core/csv/csvErrors';
import { stagedCsv, utf16leWithBom, utf8 } from './csvBytes';

const errorsOf = (bytes: Uint8Array, options?: Parameters<typeof parseBatchCsv>[1]): CsvError[] => {
  const result = parseBatchCsv(bytes, options);
  if (result.ok) throw new Error('expected the CSV to be rejected');
  return result.errors;
};

describe('parseBatchCsv rejects a CSV with every error at once', () => {
  it.each<[string, string, CsvError[]]>([
    [
      'an empty file',
      '',
      [
        {
          line: 1,
          code: 'EmptyFile',
          message: 'The file is empty. It needs a header line, for example "EmailAddress,Password,ForceChangePassword", and at least one row.',
        },
      ],
    ],
    [
      'blank lines only',
      '\r\n  \r\n',
      [
        {
          line: 1,
          code: 'EmptyFile',
          message: 'The file is empty. It needs a header line, for example "EmailAddress,Password,ForceChangePassword", and at least one row.',
        },
      ],
    ],
    [
      'a header without rows',
      'EmailAddress\r\n\r\n',
      [{ line: 1, code: 'EmptyFile', message: 'The file has a header on line 1 but no rows. Add at least one mailbox.' }],
    ],
    [
      'a file without its header line, never echoing its first row',
      'ann@contoso.com,Secret1!,True\nbob@contoso.com,Secret2!,True\n',
      [
        {
          line: 1,
          code: 'MissingHeader',
          message:
            'Line 1 is not a header: none of its names is a column of a migration CSV. The first line must name the columns, for example "EmailAddress,Password,ForceChangePassword".',
        },
      ],
    ],
    [
      'an unknown column',
      'EmailAddress,Department\nann@contoso.com,Sales\n',
      [
        {
          line: 1,
          column: 'Department',
          code: 'UnknownColumn',
          message:
            'Line 1: "Department" is not a column of a staged migration CSV. Its columns are EmailAddress, Password, ForceChangePassword and UsageLocation.',
        },
      ],
    ],
    [
      'an IMAP column in a staged CSV',
      'EmailAddress,UserRoot\nann@contoso.com,/u\n',
      [
        {
          line: 1,
          column: 'UserRoot',
          code: 'UnknownColumn',
          message:
            'Line 1: "UserRoot" is not a column of a staged migration CSV. Its columns are EmailAddress, Password, ForceChangePassword and UsageLocation.',
        },
      ],
    ],
    [
      'a staged column in an IMAP CSV',
      'EmailAddress,UserName,Password,ForceChangePassword\nann@contoso.com,ann,pw,True\n',
      [
        {
          line: 1,
          column: 'ForceChangePassword',
          code: 'UnknownColumn',
          message:
            'Line 1: "ForceChangePassword" is not a column of an IMAP migration CSV. Its columns are EmailAddress, UserName, Password, UserRoot and UsageLocation.',
        },
      ],
    ],
    [
      'a missing EmailAddress column',
      'Password\nsecret\n',
      [
        {
          line: 1,
          column: 'EmailAddress',
          code: 'MissingColumn',
          message: 'Line 1: the required column EmailAddress is missing. A staged migration CSV needs the column EmailAddress.',
        },
      ],
    ],
    [
      'an IMAP CSV without Password',
      'EmailAddress,UserName\nann@contoso.com,ann\n',
      [
        {
          line: 1,
          column: 'Password',
          code: 'MissingColumn',
          message: 'Line 1: the required column Password is missing. An IMAP migration CSV needs the columns EmailAddress, UserName and Password.',
        },
      ],
    ],
    [
      'a repeated column',
      'EmailAddress,emailaddress\nann@contoso.com,ann@contoso.com\n',
      [
        {
          line: 1,
          column: 'emailaddress',
          code: 'DuplicateColumn',
          message: 'Line 1: the column "emailaddress" appears twice (columns 1 and 2). Keep only one.',
        },
      ],
    ],
    [
      'a value in a column without a name',
      'EmailAddress,,Password\nann@contoso.com,x,pw\nbob@contoso.com,,pw\n',
      [{ line: 2, code: 'UnknownColumn', message: 'Line 2: column 2 has a value but no name in the header. Remove the value or name the column.' }],
    ],
    [
      'rows with the wrong number of fields',
      'EmailAddress,Password\nann@contoso.com,pass,word\nbob@contoso.com\n',
      [
        {
          line: 2,
          code: 'WrongFieldCount',
          message: 'Line 2 has 3 values, but the header on line 1 has 2 columns. Put any value that contains a comma in double quotes.',
        },
        {
          line: 3,
          code: 'WrongFieldCount',
          message: 'Line 3 has 1 value, but the header on line 1 has 2 columns. Put any value that contains a comma in double quotes.',
        },
      ],
    ],
    [
      'empty and invalid values',
      'EmailAddress;Password;ForceChangePassword\n;pw;True\nann@;pw;yes\n',
      [
        {
          line: 2,
          column: 'EmailAddress',
          code: 'MissingValue',
          message: 'Line 2: the EmailAddress value is empty. Every row needs the email address of a mailbox.',
        },
        { line: 3, column: 'EmailAddress', code: 'InvalidEmailAddress', message: 'Line 3: "ann@" in column EmailAddress is not a valid email address.' },
        {
          line: 3,
          column: 'ForceChangePassword',
          code: 'InvalidBoolean',
          message: 'Line 3: "yes" in column ForceChangePassword must be True or False (or empty for False).',
        },
      ],
    ],
    [
      'a usage location that is not a two-letter country code',
      'EmailAddress,UsageLocation\nann@contoso.com,USA\nbob@contoso.com,1x\n',
      [
        {
          line: 2,
          column: 'UsageLocation',
          code: 'InvalidUsageLocation',
          message: 'Line 2: "USA" in column UsageLocation must be a two-letter country code such as US, GB or DE (ISO 3166), or empty.',
        },
        {
          line: 3,
          column: 'UsageLocation',
          code: 'InvalidUsageLocation',
          message: 'Line 3: "1x" in column UsageLocation must be a two-letter country code such as US, GB or DE (ISO 3166), or empty.',
        },
      ],
    ],
    [
      'empty IMAP values',
      'EmailAddress,UserName,Password\nann@contoso.com,,\n',
      [
        {
          line: 2,
          column: 'Password',
          code: 'MissingValue',
          message: 'Line 2: the Password value is empty. An IMAP migration needs the password of every mailbox.',
        },
        {
          line: 2,
          column: 'UserName',
          code: 'MissingValue',
          message: 'Line 2: the UserName value is empty. An IMAP migration needs the user name that signs in to the source mailbox.',
        },
      ],
    ],
    [
      'duplicate addresses in any case',
      'EmailAddress\nann@contoso.com\nbob@contoso.com\nANN@Contoso.com\n',
      [
        {
          line: 4,
          column: 'EmailAddress',
          code: 'DuplicateEmailAddress',
          message: 'Line 4: ANN@Contoso.com is already on line 2. Each mailbox can appear only once in a batch.',
        },
      ],
    ],
    [
      'a quote that is never closed, still checking the lines after it',
      'EmailAddress,Password\nann@contoso.com,"secret\nnot-an-address,pw\n',
      [
        { line: 2, code: 'UnterminatedQuote', message: 'Line 2: a quoted value is never closed. Add the closing double quote (").' },
        {
          line: 3,
          column: 'EmailAddress',
          code: 'InvalidEmailAddress',
          message: 'Line 3: "not-an-address" in column EmailAddress is not a valid email address.',
        },
      ],
    ],
    [
      'text after a closing quote',
      'EmailAddress,Password\n"ann@contoso.com"x,pw\nbob@\n',
      [
        {
          line: 2,
          code: 'InvalidQuote',
          message: 'Line 2: a quoted value has text after its closing quote. To put a double quote inside a value, write it twice ("").',
        },
        {
          line: 3,
          code: 'WrongFieldCount',
          message: 'Line 3 has 1 value, but the header on line 1 has 2 columns. Put any value that contains a comma in double quotes.',
        },
      ],
    ],
  ])('reports %s', (_name, csv, expected) => {
    expect(errorsOf(utf8(csv))).toEqual(expected);
  });

  it('allows rows to leave out the trailing columns without a name', () => {
    expect(parseBatchCsv(utf8('EmailAddress,Password,,\nann@contoso.com,pw\nbob@contoso.com,pw,,\n')).ok).toBe(true);
    expect(errorsOf(utf8('EmailAddress,Password,,\nann@contoso.com\n'))).toEqual([
      {
        line: 2,
        code: 'WrongFieldCount',
        message: 'Line 2 has 1 value, but the header on line 1 has 2 columns. Put any value that contains a comma in double quotes.',
      },
    ]);
  });

  it('reads the rows around a badly quoted one, however many rows the file has', () => {
    const lines = stagedCsv(300).split('\r\n');
    lines[150] = '"user150@contoso.com"x,pw,True';
    lines[250] = 'user250.contoso.com,pw,True';
    expect(errorsOf(utf8(lines.join('\r\n'))).map((e) => [e.line, e.code])).toEqual([
      [151, 'InvalidQuote'],
      [251, 'InvalidEmailAddress'],
    ]);
  });

  it('reports only the unreadable header when the header line cannot be read', () => {
    expect(errorsOf(utf8('"EmailAddress,Password\nann@contoso.com,pw\n'))).toEqual([
      { line: 1, code: 'UnterminatedQuote', message: 'Line 1: a quoted value is never closed. Add the closing double quote (").' },
    ]);
  });

  it('stops looking for more unclosed quotes after ten', () => {
    // Each line leaves a quote open, whether it starts inside quotes or not: every line is reported.
    const csv = ['EmailAddress,Password', ...Array.from({ length: 12 }, () => 'b",x,"')].join('\n');
    expect(errorsOf(utf8(csv)).map((e) => [e.line, e.code])).toEqual(Array.from({ length: 10 }, (_, i) => [i + 2, 'UnterminatedQuote']));
  });

  it('refuses UTF-16 with an odd number of bytes', () => {
    const odd = Buffer.concat([Buffer.from(utf16leWithBom('EmailAddress\nann@contoso.com')), Buffer.from([0x0a])]);
    expect(errorsOf(new Uint8Array(odd)).map((e) => [e.line, e.code])).toEqual([[2, 'InvalidEncoding']]);
  });

  it('names each line that is not UTF-8 (an ANSI file), never decoding it into mojibake', () => {
    const ansi = Buffer.concat([
      Buffer.from('EmailAddress,Password\r\nann@contoso.com,Gr'),
      Buffer.from([0xfc]),
      Buffer.from('n\r\nbob@contoso.com,x\r\nj'),
      Buffer.from([0xe9]),
      Buffer.from('r@contoso.com,y\r\n'),
    ]);
    expect(errorsOf(new Uint8Array(ansi))).toEqual([
      { line: 2, code: 'InvalidEncoding', message: 'Line 2 is not valid UTF-8 text. Save it as "CSV UTF-8 (Comma delimited)" in Excel and upload it again.' },
      { line: 4, code: 'InvalidEncoding', message: 'Line 4 is not valid UTF-8 text. Save it as "CSV UTF-8 (Comma delimited)" in Excel and upload it again.' },
    ]);
  });

  it('names the line of a broken UTF-16 file, and refuses UTF-16 without a BOM', () => {
    const broken = Buffer.concat([Buffer.from(utf16leWithBom('EmailAddress\r\nann@contoso.com\r\n')), Buffer.from([0x00, 0xd8, 0x41, 0x00])]);
    expect(errorsOf(new Uint8Array(broken))).toEqual([
      { line: 3, code: 'InvalidEncoding', message: 'Line 3 is not valid UTF-16 text. Save it as "CSV UTF-8 (Comma delimited)" in Excel and upload it again.' },
    ]);
    const noBom = new Uint8Array(Buffer.from('EmailAddress\nann@contoso.com\n', 'utf16le'));
    expect(errorsOf(noBom).map((e) => [e.line, e.code, e.message])).toEqual([
      [
        1,
        'InvalidEncoding',
        'Line 1 contains a NUL character, so the file is not a text CSV file. Save it as "CSV UTF-8 (Comma delimited)" in Excel and upload it again.',
      ],
      [
        2,
        'InvalidEncoding',
        'Line 2 contains a NUL character, so the file is not a text CSV file. Save it as "CSV UTF-8 (Comma delimited)" in Excel and upload it again.',
      ],
      [
        3,
        'InvalidEncoding',
        'Line 3 contains a NUL character, so the file is not a text CSV file. Save it as "CSV UTF-8 (Comma delimited)" in Excel and upload it again.',
      ],
    ]);
  });

  it('reports all 50 bad rows of a 2,000-row CSV with their line numbers', () => {
    const lines = stagedCsv(2000).split('\r\n');
    const badLines = Array.from({ length: 50 }, (_, i) => 2 + i * 39);
    for (const line of badLines) lines[line - 1] = `user${line}.contoso.com,pw,False`;
    const errors = errorsOf(utf8(lines.join('\r\n')));
    expect(errors.map((e) => e.line)).toEqual(badLines);
    expect(errors[1]).toEqual({
      line: 41,
      column: 'EmailAddress',
      code: 'InvalidEmailAddress',
      message: 'Line 41: "user41.contoso.com" in column EmailAddress is not a valid email address.',
    });
  });

  it('accepts 2,000 rows', () => {
    const result = parseBatchCsv(utf8(stagedCsv(2000)));
    expect(result.ok && [result.rows.length, result.rows[1999]]).toEqual([
      2000,
      { line: 2001, emailAddress: 'user2000@contoso.com', password: 'Pa55-2000', forceChangePassword: false },
    ]);
  });

  it('rejects a CSV with 2,001 rows with one error and no row errors', () => {
    const csv = stagedCsv(2001).replace('user7@contoso.com', 'not an address');
    expect(errorsOf(utf8(csv))).toEqual([
      {
        line: 2002,
        code: 'TooManyRows',
        message:
          'The file has 2,001 rows, but a batch can have at most 2,000 rows (line 2002 is the first row over the limit). Split the file into several batches.',
      },
    ]);
  });

  it('names the active batch of each address already being migrated', () => {
    const activeAddresses = new Map([
      ['ann@contoso.com', 'Wave 1'],
      ['cat@contoso.com', 'Wave 2'],
    ]);
    expect(errorsOf(utf8('EmailAddress\nAnn@Contoso.com\nbob@contoso.com\ncat@contoso.com\n'), { activeAddresses })).toEqual([
      {
        line: 2,
        column: 'EmailAddress',
        code: 'AddressInActiveBatch',
        message:
          'Line 2: Ann@Contoso.com is already in the batch "Wave 1", which is still active. Remove it from this file or wait until that batch is complete.',
      },
      {
        line: 4,
        column: 'EmailAddress',
        code: 'AddressInActiveBatch',
        message:
          'Line 4: cat@contoso.com is already in the batch "Wave 2", which is still active. Remove it from this file or wait until that batch is complete.',
      },
    ]);
  });

  it.each<['staged' | 'imap', string, string]>([
    [
      'imap',
      'EmailAddress,Password\nann@contoso.com,pw\n',
      'Line 1: this batch is an IMAP migration, but the file is a staged migration CSV (it has no UserName column). An IMAP migration CSV needs the columns EmailAddress, UserName and Password.',
    ],
    [
      'staged',
      'EmailAddress,UserName,Password\nann@contoso.com,ann,pw\n',
      'Line 1: this batch is a staged migration, but the file is an IMAP migration CSV (it has a UserName column). A staged migration CSV has the columns EmailAddress, Password, ForceChangePassword and UsageLocation.',
    ],
  ])('rejects a CSV of the wrong kind for a %s batch', (expectedKind, csv, message) => {
    expect(errorsOf(utf8(csv), { expectedKind })).toEqual([{ line: 1, code: 'WrongCsvKind', message }]);
  });

  it('keeps the header column name as the administrator wrote it', () => {
    expect(errorsOf(utf8('EMAILADDRESS\nnope\n'))).toEqual([
      { line: 2, column: 'EMAILADDRESS', code: 'InvalidEmailAddress', message: 'Line 2: "nope" in column EMAILADDRESS is not a valid email address.' },
    ]);
  });

  it('never puts a password in a message, even when it lands in another column', () => {
    const csv = [
      'EmailAddress,Password,ForceChangePassword,Pasword',
      'Tr0ub4dor&3,Tr0ub4dor&3,True,x',
      'ann@contoso.com,hunter2hunter2,hunter2hunter2,x',
      'bob@contoso.com,,,Sup3rS3cret',
      'Sup3rS3cret,pw,False,',
      'cat@contoso.com,"un""closed,x,y',
    ].join('\n');
    const messages = errorsOf(utf8(csv)).map((e) => e.message);
    expect(messages).toContain('Line 2: the value in column EmailAddress is not a valid email address.');
    expect(messages).toContain('Line 3: the value in column ForceChangePassword must be True or False (or empty for False).');
    expect(messages).toContain('Line 5: the value in column EmailAddress is not a valid email address.');
    for (const secret of ['Tr0ub4dor', 'hunter2', 'Sup3rS3cret', 'un"closed']) {
      expect(messages.join('\n')).not.toContain(secret);
    }
  });

  it('quotes no value at all when the Password column holds addresses (columns swapped)', () => {
    expect(errorsOf(utf8('EmailAddress,Password\nP@ssw0rd!,ann@contoso.com\nbob@contoso,bob@contoso.com\n')).map((e) => e.message)).toEqual([
      'Line 2: the value in column EmailAddress is not a valid email address.',
      'Line 3: the value in column EmailAddress is not a valid email address.',
    ]);
  });

  it('quotes no value that holds a delimiter: it is a whole row, password and all', () => {
    expect(errorsOf(utf8('EmailAddress\nann@contoso.com;S3cret!\n')).map((e) => e.message)).toEqual([
      'Line 2: the value in column EmailAddress is not a valid email address.',
    ]);
  });

  it('shows control characters in echoed values and shortens long ones', () => {
    expect(errorsOf(utf8(`EmailAddress\n"a\u0001b"\n${'x'.repeat(300)}\n`)).map((e) => e.message)).toEqual([
      'Line 2: "a\\u0001b" in column EmailAddress is not a valid email address.',
      `Line 3: "${'x'.repeat(80)}..." in column EmailAddress is not a valid email address.`,
    ]);
  });
});
