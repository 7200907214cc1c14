import { toErrorsCsv } from '../../../src/core/csv/csvErrors';

describe('toErrorsCsv', () => {
  it('writes Line, Column, Code and Message, quoted where needed, after a BOM for Excel', () => {
    expect(
      toErrorsCsv([
        { line: 1, column: 'Department', code: 'UnknownColumn', message: 'Line 1: "Department" is not a column, really.' },
        { line: 2002, code: 'TooManyRows', message: 'Too many rows.' },
      ]),
    ).toBe(
      '\uFEFFLine,Column,Code,Message\r\n' +
        '1,Department,UnknownColumn,"Line 1: ""Department"" is not a column, really."\r\n' +
        '2002,,TooManyRows,Too many rows.\r\n',
    );
  });

  it('writes just the header when there are no errors', () => {
    expect(toErrorsCsv([])).toBe('\uFEFFLine,Column,Code,Message\r\n');
  });

  it('defuses a header name that a spreadsheet would run as a formula', () => {
    expect(toErrorsCsv([{ line: 1, column: '=HYPERLINK("http://x")', code: 'UnknownColumn', message: 'm' }])).toBe(
      '\uFEFFLine,Column,Code,Message\r\n1,"\'=HYPERLINK(""http://x"")",UnknownColumn,m\r\n',
    );
  });
});
