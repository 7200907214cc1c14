export type CsvDelimiter = ',' | ';' | '\t';

/** In order of preference when counts tie: comma is the RFC 4180 default. */
const CANDIDATES: readonly CsvDelimiter[] = [',', ';', '\t'];

/**
 * The delimiter of a CSV, from its header line: the candidate that occurs most often outside
 * quotes. Excel writes commas, or semicolons where the decimal separator is a comma (most of
 * Europe); its "Unicode text" is tab-separated. A one-column header has none of them: comma.
 */
export function detectCsvDelimiter(headerLine: string): CsvDelimiter {
  const counts = new Map<CsvDelimiter, number>(CANDIDATES.map((c) => [c, 0]));
  let inQuotes = false;
  for (const char of headerLine) {
    if (char === '"') inQuotes = !inQuotes;
    else if (!inQuotes && counts.has(char as CsvDelimiter)) counts.set(char as CsvDelimiter, (counts.get(char as CsvDelimiter) ?? 0) + 1);
  }
  let best: CsvDelimiter = ',';
  for (const candidate of CANDIDATES) {
    if ((counts.get(candidate) ?? 0) > (counts.get(best) ?? 0)) best = candidate;
  }
  return best;
}
