/** The batch CSV rules: pure functions over the bytes of an uploaded file, no I/O. */
export { MAX_BATCH_CSV_ROWS, type BatchCsvColumn } from './batchCsvSchema';
export type { BatchCsvKind, BatchCsvRow, ParseBatchCsvOptions, ParseBatchCsvResult } from './batchCsvTypes';
export { CsvRejectedError, type CsvError, type CsvErrorCode } from './csvErrors';
export { isValidEmailAddress } from './isValidEmailAddress';
export { parseBatchCsv } from './parseBatchCsv';
export { removePasswordColumn } from './removePasswordColumn';
export { toErrorsCsv } from './toErrorsCsv';
export { writeCsv } from './writeCsv';
