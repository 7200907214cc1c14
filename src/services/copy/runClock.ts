/**
 * The time of one activity run, starting from the clock its input carries (the orchestration's
 * `currentUtcDateTime` when it called the step) and advancing with the run's own elapsed time. A resume
 * time answered to the orchestration is then in the orchestration's own terms, and two deliveries of the
 * same activity (Durable runs activities at least once) read their leases on the same clock.
 */
export interface RunClock {
  /** Milliseconds since the epoch, as this run reckons them. */
  now(): number;
  /** Milliseconds since the run started. */
  elapsed(): number;
}

export function runClockFrom(inputNow: string): RunClock {
  const started = performance.now();
  const base = Date.parse(inputNow);
  if (Number.isNaN(base)) throw new Error(`The step's clock "${inputNow}" is not a date.`);
  return { now: () => base + (performance.now() - started), elapsed: () => performance.now() - started };
}
