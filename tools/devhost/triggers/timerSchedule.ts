import { Cron } from 'croner';
import { DevHostError } from '../errors';

/** A timer trigger schedule: six-field NCRONTAB (`{second} {minute} {hour} {day} {month} {day-of-week}`) or a `hh:mm:ss` interval. */
export interface TimerSchedule {
  next(after: Date): Date;
  /** The gap between two occurrences, to decide `useMonitor`'s default as the host does. */
  intervalMs(): number;
}

export function parseTimerSchedule(expression: string): TimerSchedule {
  const span = /^(\d+\.)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(expression.trim());
  if (span) {
    const ms = ((Number(span[1]?.replace('.', '') ?? 0) * 24 + Number(span[2])) * 3600 + Number(span[3]) * 60 + Number(span[4])) * 1000;
    if (ms <= 0) throw new DevHostError('DEVHOST_BAD_SCHEDULE', `Timer interval "${expression}" must be longer than zero.`);
    return { next: (after) => new Date(after.getTime() + ms), intervalMs: () => ms };
  }
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new DevHostError(
      'DEVHOST_BAD_SCHEDULE',
      `Timer schedule "${expression}" must have six NCRONTAB fields: {second} {minute} {hour} {day} {month} {day-of-week}.`,
    );
  }
  let cron: Cron;
  try {
    // Azure evaluates schedules in UTC unless WEBSITE_TIME_ZONE says otherwise.
    cron = new Cron(expression, { paused: true, timezone: process.env.WEBSITE_TIME_ZONE || 'UTC' });
  } catch (error) {
    throw new DevHostError('DEVHOST_BAD_SCHEDULE', `Timer schedule "${expression}" is not valid: ${(error as Error).message}`);
  }
  const next = (after: Date): Date => {
    const found = cron.nextRun(after);
    if (!found) throw new DevHostError('DEVHOST_BAD_SCHEDULE', `Timer schedule "${expression}" never fires.`);
    return found;
  };
  return {
    next,
    intervalMs: () => {
      const first = next(new Date());
      return next(first).getTime() - first.getTime();
    },
  };
}
