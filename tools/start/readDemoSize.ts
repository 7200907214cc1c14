import { MAX_BATCH_CSV_ROWS } from '../../src/core/csv/batchCsvSchema';

/** How big the demo's legacy organisation is: `DEMO_MAILBOXES` people with about `DEMO_MESSAGES` messages each. */
export interface DemoSize {
  people: number;
  messagesPerPerson: number;
}

export const DEFAULT_DEMO_SIZE: DemoSize = { people: 36, messagesPerPerson: 100 };

/** Most messages seeded into one demo mailbox: at about 18 KB each, 2,000 make some 35 MB. */
export const MAX_DEMO_MESSAGES = 2_000;

/** A DEMO_* setting `npm start` refuses, with the sentence to show the user. */
export class DemoSettingError extends Error {}

/**
 * Reads DEMO_MAILBOXES and DEMO_MESSAGES (unset or empty: the default), before anything starts.
 * The demo puts every mailbox in one batch, so DEMO_MAILBOXES has the batch CSV's limit; the demo
 * seeds every message before the migration starts, so DEMO_MESSAGES is bounded to keep that finite.
 */
export function readDemoSize(env: NodeJS.ProcessEnv): DemoSize {
  return {
    people: readWholeNumber(
      env,
      'DEMO_MAILBOXES',
      DEFAULT_DEMO_SIZE.people,
      MAX_BATCH_CSV_ROWS,
      `the demo migrates every mailbox in one batch, and a batch holds at most ${formatCount(MAX_BATCH_CSV_ROWS)} mailboxes`,
    ),
    messagesPerPerson: readWholeNumber(
      env,
      'DEMO_MESSAGES',
      DEFAULT_DEMO_SIZE.messagesPerPerson,
      MAX_DEMO_MESSAGES,
      `the demo seeds every message before the migration starts, and ${formatCount(MAX_DEMO_MESSAGES)} a mailbox (about 35 MB) is already a long wait`,
    ),
  };
}

function readWholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number, why: string): number {
  const raw = env[name]?.trim() ?? '';
  if (raw === '') return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (value >= 1 && value <= max) return value;
  throw new DemoSettingError(`${name} must be a whole number from 1 to ${formatCount(max)}, since ${why}; it is "${env[name]}".`);
}

/** 2000 as "2,000", whatever the machine's locale. */
function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}
