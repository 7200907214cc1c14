/**
 * Every error a batch CSV can have, with its exact text, and the `<name>.errors.csv` that lists them
 * for the administrator. Sits just above batchCsvSchema: every other module reports through it.
 */

import { USAGE_LOCATION_RULE } from '../mailbox/usageLocation';
import { writeReportCsv } from '../reports/reportCsv';
import { BATCH_CSV_SCHEMAS, MAX_BATCH_CSV_ROWS, type BatchCsvKind } from './batchCsvSchema';

/**
 * What is wrong with a batch CSV. Callers branch on `code`; `message` is a full sentence for the
 * administrator. Messages never contain a password: values are only echoed from columns that hold
 * no secret, and never when they equal a password of the same file (a row with shifted columns).
 */
export interface CsvError {
  /** 1-based physical line of the file where the record starts. */
  line: number;
  /** The header name as the administrator wrote it (the canonical name for a missing column). */
  column?: string;
  code: CsvErrorCode;
  message: string;
}

export type CsvErrorCode =
  | 'EmptyFile'
  | 'TooManyRows'
  | 'InvalidEncoding'
  | 'UnterminatedQuote'
  | 'InvalidQuote'
  | 'MissingHeader'
  | 'UnknownColumn'
  | 'MissingColumn'
  | 'DuplicateColumn'
  | 'WrongCsvKind'
  | 'WrongFieldCount'
  | 'MissingValue'
  | 'InvalidEmailAddress'
  | 'InvalidBoolean'
  | 'InvalidUsageLocation'
  | 'DuplicateEmailAddress'
  | 'AddressInActiveBatch';

/** Thrown by `removePasswordColumn` when given bytes that `parseBatchCsv` would reject. */
export class CsvRejectedError extends Error {
  readonly code = 'CsvRejected';
  constructor(readonly errors: readonly CsvError[]) {
    super(`The CSV file cannot be read: ${errors[0]?.message ?? 'it has errors.'}`);
    this.name = 'CsvRejectedError';
  }
}

const SAVE_AS_UTF8 = 'Save it as "CSV UTF-8 (Comma delimited)" in Excel and upload it again.';
const MAX_ECHOED_LENGTH = 80;

const KIND_NAME: Record<BatchCsvKind, string> = { staged: 'a staged', imap: 'an IMAP' };

/** "A, B and C". */
function toList(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** A value quoted for a message: control characters made visible, long values shortened. */
function quoteValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  const visible = value.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const short = visible.length > MAX_ECHOED_LENGTH ? `${visible.slice(0, MAX_ECHOED_LENGTH)}...` : visible;
  return `"${short}"`;
}

function error(line: number, code: CsvErrorCode, message: string, column?: string): CsvError {
  return column === undefined ? { line, code, message } : { line, column, code, message };
}

/** Every error of the CSV rules, with its exact text (tests check it word for word). */
export const csvErrors = {
  emptyFile: (): CsvError =>
    error(1, 'EmptyFile', 'The file is empty. It needs a header line, for example "EmailAddress,Password,ForceChangePassword", and at least one row.'),
  noRows: (headerLine: number): CsvError =>
    error(headerLine, 'EmptyFile', `The file has a header on line ${headerLine} but no rows. Add at least one mailbox.`),
  tooManyRows: (firstLineOverLimit: number, rowCount: number): CsvError =>
    error(
      firstLineOverLimit,
      'TooManyRows',
      `The file has ${rowCount.toLocaleString('en-US')} rows, but a batch can have at most ${MAX_BATCH_CSV_ROWS.toLocaleString('en-US')} rows ` +
        `(line ${firstLineOverLimit} is the first row over the limit). Split the file into several batches.`,
    ),
  invalidEncoding: (line: number, encoding: 'UTF-8' | 'UTF-16'): CsvError =>
    error(line, 'InvalidEncoding', `Line ${line} is not valid ${encoding} text. ${SAVE_AS_UTF8}`),
  nulCharacter: (line: number): CsvError =>
    error(line, 'InvalidEncoding', `Line ${line} contains a NUL character, so the file is not a text CSV file. ${SAVE_AS_UTF8}`),
  unterminatedQuote: (line: number): CsvError =>
    error(line, 'UnterminatedQuote', `Line ${line}: a quoted value is never closed. Add the closing double quote (").`),
  invalidQuote: (line: number): CsvError =>
    error(line, 'InvalidQuote', `Line ${line}: a quoted value has text after its closing quote. To put a double quote inside a value, write it twice ("").`),
  missingHeader: (line: number): CsvError =>
    error(
      line,
      'MissingHeader',
      `Line ${line} is not a header: none of its names is a column of a migration CSV. The first line must name the columns, for example "EmailAddress,Password,ForceChangePassword".`,
    ),
  unknownColumn: (line: number, column: string, kind: BatchCsvKind): CsvError =>
    error(
      line,
      'UnknownColumn',
      `Line ${line}: ${quoteValue(column)} is not a column of ${KIND_NAME[kind]} migration CSV. Its columns are ${toList(BATCH_CSV_SCHEMAS[kind].columns)}.`,
      column,
    ),
  valueInUnnamedColumn: (line: number, position: number): CsvError =>
    error(line, 'UnknownColumn', `Line ${line}: column ${position} has a value but no name in the header. Remove the value or name the column.`),
  missingColumn: (line: number, column: string, kind: BatchCsvKind): CsvError => {
    const required = BATCH_CSV_SCHEMAS[kind].required;
    const needs = required.length === 1 ? `the column ${toList(required)}` : `the columns ${toList(required)}`;
    return error(
      line,
      'MissingColumn',
      `Line ${line}: the required column ${column} is missing. ${capitalise(KIND_NAME[kind])} migration CSV needs ${needs}.`,
      column,
    );
  },
  duplicateColumn: (line: number, column: string, firstPosition: number, position: number): CsvError =>
    error(
      line,
      'DuplicateColumn',
      `Line ${line}: the column ${quoteValue(column)} appears twice (columns ${firstPosition} and ${position}). Keep only one.`,
      column,
    ),
  wrongCsvKind: (line: number, expected: BatchCsvKind): CsvError =>
    error(
      line,
      'WrongCsvKind',
      expected === 'imap'
        ? `Line ${line}: this batch is an IMAP migration, but the file is a staged migration CSV (it has no UserName column). An IMAP migration CSV needs the columns ${toList(BATCH_CSV_SCHEMAS.imap.required)}.`
        : `Line ${line}: this batch is a staged migration, but the file is an IMAP migration CSV (it has a UserName column). A staged migration CSV has the columns ${toList(BATCH_CSV_SCHEMAS.staged.columns)}.`,
    ),
  wrongFieldCount: (line: number, values: number, headerLine: number, columns: number, delimiter: string): CsvError =>
    error(
      line,
      'WrongFieldCount',
      `Line ${line} has ${count(values, 'value')}, but the header on line ${headerLine} has ${count(columns, 'column')}. Put any value that contains a ${delimiterName(delimiter)} in double quotes.`,
    ),
  missingValue: (line: number, column: string, why: string): CsvError =>
    error(line, 'MissingValue', `Line ${line}: the ${column} value is empty. ${why}`, column),
  invalidEmailAddress: (line: number, column: string, value: string | undefined): CsvError =>
    error(line, 'InvalidEmailAddress', `Line ${line}: ${describe(value)} in column ${column} is not a valid email address.`, column),
  invalidBoolean: (line: number, column: string, value: string | undefined): CsvError =>
    error(line, 'InvalidBoolean', `Line ${line}: ${describe(value)} in column ${column} must be True or False (or empty for False).`, column),
  invalidUsageLocation: (line: number, column: string, value: string | undefined): CsvError =>
    error(line, 'InvalidUsageLocation', `Line ${line}: ${describe(value)} in column ${column} must be ${USAGE_LOCATION_RULE}, or empty.`, column),
  duplicateEmailAddress: (line: number, column: string, address: string | undefined, firstLine: number): CsvError =>
    error(
      line,
      'DuplicateEmailAddress',
      `Line ${line}: ${address ?? 'this address'} is already on line ${firstLine}. Each mailbox can appear only once in a batch.`,
      column,
    ),
  addressInActiveBatch: (line: number, column: string, address: string | undefined, batchName: string): CsvError =>
    error(
      line,
      'AddressInActiveBatch',
      `Line ${line}: ${address ?? 'this address'} is already in the batch ${quoteValue(batchName)}, which is still active. ` +
        'Remove it from this file or wait until that batch is complete.',
      column,
    ),
};

/** Why an empty cell is an error, per column. */
export const MISSING_VALUE_REASONS = {
  EmailAddress: 'Every row needs the email address of a mailbox.',
  Password: 'An IMAP migration needs the password of every mailbox.',
  UserName: 'An IMAP migration needs the user name that signs in to the source mailbox.',
} as const;

function describe(value: string | undefined): string {
  return value === undefined ? 'the value' : quoteValue(value);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function delimiterName(delimiter: string): string {
  if (delimiter === ';') return 'semicolon';
  if (delimiter === '\t') return 'tab';
  return 'comma';
}

/** A CSV error, or an intake error about the file as a whole (no line; a field such as the endpoint). */
export type ErrorsCsvRow = Pick<CsvError, 'column' | 'message'> & { line?: number; field?: string; code: string };

/** Excel opens a CSV without a byte order mark in the ANSI code page; with one, as UTF-8. */
const UTF8_BOM = '\uFEFF';

/**
 * The `<name>.errors.csv` an administrator downloads: columns Line, Column, Code, Message, one row
 * per error, starting with a BOM so Excel shows accented addresses correctly. Cells are written by
 * writeReportCsv, which defuses spreadsheet formulas (OWASP "CSV injection"), since Column and
 * Message echo header names and values from the uploaded file.
 */
export function toErrorsCsv(errors: readonly ErrorsCsvRow[]): string {
  const records = errors.map((error) => [error.line === undefined ? '' : String(error.line), error.column ?? error.field ?? '', error.code, error.message]);
  return UTF8_BOM + writeReportCsv([['Line', 'Column', 'Code', 'Message'], ...records]);
}
