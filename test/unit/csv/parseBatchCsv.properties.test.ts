import fc from 'fast-check';

import { type BatchCsvRow } from '../../../src/core/csv/batchCsvSchema';
import { CsvRejectedError, toErrorsCsv } from '../../../src/core/csv/csvErrors';
import { parseBatchCsv } from '../../../src/core/csv/parseBatchCsv';
import { removePasswordColumn } from '../../../src/core/csv/removePasswordColumn';
import { utf16beWithBom, utf16leWithBom, utf8, utf8WithBom } from './csvBytes';

/** Bytes that look like CSV often enough to reach the deeper rules, and break it in every way. */
const csvLikeBytes = fc.oneof(
  fc.uint8Array({ maxLength: 400 }),
  fc
    .tuple(
      fc.constantFrom([], [0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff]),
      fc.constantFrom('', 'EmailAddress,Password,ForceChangePassword\r\n', 'EmailAddress;UserName;Password;UserRoot\n', 'emailaddress\tpassword\n'),
      fc.array(fc.constantFrom(...'a@.,;\t"\r\n xTrueFalse'.split(''), 'ann@contoso.com', 'é', '\u0000', '\uD800'), { maxLength: 200 }),
    )
    .map(([bom, header, parts]) => new Uint8Array([...bom, ...Buffer.from(header + parts.join(''), 'utf8')])),
);

describe('parseBatchCsv properties', () => {
  it('answers ok or a non-empty list of line-sorted errors for any bytes, and never throws', () => {
    fc.assert(
      fc.property(csvLikeBytes, (bytes) => {
        const result = parseBatchCsv(bytes, { expectedKind: 'staged', activeAddresses: new Map([['ann@contoso.com', 'Wave 1']]) });
        if (result.ok) return;
        expect(result.errors.length).toBeGreaterThan(0);
        for (const error of result.errors) {
          expect(Number.isInteger(error.line) && error.line >= 1).toBe(true);
          expect(error.message).toMatch(/^(Line \d+\b|The file ).*\.$/s);
          if (error.message.startsWith('Line ')) expect(error.message).toMatch(new RegExp(`^Line ${error.line}\\b`));
        }
        expect(result.errors.map((e) => e.line)).toEqual([...result.errors.map((e) => e.line)].sort((a, b) => a - b));
        expect(toErrorsCsv(result.errors).startsWith('\uFEFFLine,Column,Code,Message\r\n')).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('removePasswordColumn either writes a CSV or throws CsvRejectedError, for any bytes', () => {
    fc.assert(
      fc.property(csvLikeBytes, (bytes) => {
        try {
          expect(typeof removePasswordColumn(bytes)).toBe('string');
        } catch (error) {
          expect(error).toBeInstanceOf(CsvRejectedError);
        }
      }),
      { numRuns: 500 },
    );
  });

  const atom = fc.string({ unit: fc.constantFrom(..."abcXYZ019!#$%&'*+/=?^_`{|}~-".split('')), minLength: 1, maxLength: 8 });
  const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/);
  const emailAddress = fc
    .tuple(fc.array(atom, { minLength: 1, maxLength: 3 }), fc.array(label, { minLength: 1, maxLength: 3 }), fc.stringMatching(/^[A-Za-z]{2,6}$/))
    .map(([atoms, labels, tld]) => `${atoms.join('.')}@${[...labels, tld].join('.')}`);
  /** Passwords with delimiters, quotes, line breaks and non-ASCII; no surrounding whitespace (values are trimmed). */
  const password = fc
    .string({ unit: fc.constantFrom(...'aZ9 ,;\t"\'\r\n'.split(''), 'é', '€', '😀'), minLength: 1, maxLength: 12 })
    .filter((p) => p.trim() === p && p !== '');
  const stagedRow = fc.record({
    emailAddress,
    password: fc.option(password, { nil: undefined }),
    forceChangePassword: fc.boolean(),
    blankLineAfter: fc.boolean(),
  });

  it('reads back exactly the rows a serialiser wrote, in any encoding, delimiter and line break', () => {
    const format = fc.record({
      encode: fc.constantFrom(utf8, utf8WithBom, utf16leWithBom, utf16beWithBom),
      delimiter: fc.constantFrom(',', ';', '\t'),
      lineBreak: fc.constantFrom('\r\n', '\n'),
      spacing: fc.constantFrom('', ' '),
    });
    fc.assert(
      fc.property(fc.uniqueArray(stagedRow, { minLength: 1, maxLength: 30, selector: (row) => row.emailAddress.toLowerCase() }), format, (rows, f) => {
        const quote = (value: string): string => (/[",;\t\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
        const cells = rows.map((row) => [row.emailAddress, row.password ?? '', row.forceChangePassword ? 'TRUE' : 'false'].map(quote));
        const joined = cells.map((fields, index) => fields.join(`${f.spacing}${f.delimiter}${f.spacing}`) + (rows[index]!.blankLineAfter ? f.lineBreak : ''));
        const lines = ['EmailAddress,Password,ForceChangePassword'.replace(/,/g, f.delimiter), ...joined];
        let line = 2;
        const expected: BatchCsvRow[] = rows.map((row, index) => {
          const start = line;
          line += 1 + (row.blankLineAfter ? 1 : 0) + (cells[index]!.join('').match(/\r\n|\r|\n/g)?.length ?? 0);
          const { password: secret, blankLineAfter: _blank, ...rest } = row;
          return secret === undefined ? { line: start, ...rest } : { line: start, ...rest, password: secret };
        });
        const bytes = f.encode(lines.join(f.lineBreak) + f.lineBreak);
        expect(parseBatchCsv(bytes)).toEqual({ ok: true, kind: 'staged', rows: expected, columns: ['EmailAddress', 'Password', 'ForceChangePassword'] });
        const stored = parseBatchCsv(utf8(removePasswordColumn(bytes)));
        expect(stored.ok && stored.rows.map((row) => [row.emailAddress, row.forceChangePassword, row.password])).toEqual(
          rows.map((row) => [row.emailAddress, row.forceChangePassword, undefined]),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('never puts a password into an error message', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{6,10}$/).map((s) => `Pw#${s}`);
    const cell = fc.string({ unit: fc.constantFrom(...'ab@. -'.split('')), maxLength: 12 });
    const row = fc.record({ email: fc.oneof(cell, emailAddress), secret, force: fc.oneof(cell, fc.constant('True')), swap: fc.nat(3) });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 20 }), fc.constantFrom('staged', 'imap'), (rows, kind) => {
        // `swap` puts the password into another column, as a row with shifted cells would.
        const lines = rows.map((r) => {
          const email = r.swap === 0 ? r.secret : r.email;
          const force = r.swap === 1 ? r.secret : r.force;
          return kind === 'imap' ? [email, r.swap === 2 ? r.secret : 'user', r.secret].join(',') : [email, r.secret, force].join(',');
        });
        const header = kind === 'imap' ? 'EmailAddress,UserName,Password' : 'EmailAddress,Password,ForceChangePassword';
        const result = parseBatchCsv(utf8([header, ...lines].join('\n')));
        const text = result.ok ? '' : result.errors.map((e) => e.message).join('\n');
        for (const r of rows) expect(text).not.toContain(r.secret);
      }),
      { numRuns: 500 },
    );
  });
});
