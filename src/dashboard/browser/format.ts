/** Numbers, sizes and times as the page shows them, in the browser's locale and time zone. */

const numberFormat = new Intl.NumberFormat();

export function formatNumber(n: number | undefined): string {
  return numberFormat.format(n || 0);
}

export function formatBytes(size: number | undefined): string {
  let n = size || 0;
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i += 1;
  }
  return `${i === 0 ? String(n) : n.toFixed(n < 10 ? 1 : 0)} ${units[i]}`;
}

const CLOCK: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit' };
const clockFormat = new Intl.DateTimeFormat(undefined, CLOCK);
const dayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', ...CLOCK });
const yearFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', ...CLOCK });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });

function parse(iso: string | undefined): Date | undefined {
  if (!iso) return undefined;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * An instant as the time of day when it is today, with its day and month when it is another day,
 * and its year too when that is not this year: "14:05", "28 Nov, 14:05", "28 Nov 2024, 14:05" in
 * en-GB ("2:05 PM", "Nov 28, 2:05 PM" in en-US). Empty when there is none.
 */
export function formatTime(iso: string | undefined, now: Date = new Date()): string {
  const date = parse(iso);
  if (!date) return '';
  if (date.toDateString() === now.toDateString()) return clockFormat.format(date);
  return (date.getFullYear() === now.getFullYear() ? dayFormat : yearFormat).format(date);
}

/** The instant in full, with seconds and the time zone (a `<time>`'s tooltip). */
export function formatFullTime(iso: string | undefined): string {
  const date = parse(iso);
  return date ? fullFormat.format(date) : '';
}

/** A time of day with seconds, for the throughput chart's axis and bars. */
export function clockTime(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
