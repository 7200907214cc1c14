import { isValidEmailAddress } from '../csv/batchCsvRules';

/**
 * The batch settings that come as text, read one way whether they arrive as query parameters
 * (POST /api/batches) or as the metadata of a dropped CSV (blob intake).
 */

/** Exchange Online's incremental sync interval runs from 1 hour to 30 days (720 hours). */
export const SYNC_INTERVAL_HOURS = { min: 1, max: 720 } as const;

/** A list of addresses separated by commas, semicolons or spaces. */
export function parseAddressList(text: string | null | undefined): string[] {
  return (text ?? '')
    .split(/[;,\s]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Addresses of the list that are not email addresses (at most 20 characters of each, for the message). */
export function invalidAddresses(addresses: readonly string[]): string[] {
  return addresses.filter((a) => !isValidEmailAddress(a)).map((a) => a.slice(0, 20));
}

export type SyncIntervalReading = { ok: true; hours?: number } | { ok: false; message: string };

/** The incremental sync interval in hours; absent text means the default. */
export function parseSyncIntervalHours(text: string | null | undefined): SyncIntervalReading {
  if (text === null || text === undefined || text.trim() === '') return { ok: true };
  const hours = /^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/.test(text) ? Number(text) : Number.NaN;
  if (hours >= SYNC_INTERVAL_HOURS.min && hours <= SYNC_INTERVAL_HOURS.max) return { ok: true, hours };
  return {
    ok: false,
    message: `"${text.slice(0, 20)}" is not an incremental sync interval: give a number of hours from ${SYNC_INTERVAL_HOURS.min} to ${SYNC_INTERVAL_HOURS.max}.`,
  };
}
