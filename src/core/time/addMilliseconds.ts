/**
 * A moment after another. Orchestrators may not touch `Date` themselves (the lint rule keeps
 * clocks out of replayed code); they pass `context.df.currentUtcDateTime` through this.
 */
export function addMilliseconds(moment: Date, milliseconds: number): Date {
  return new Date(moment.getTime() + milliseconds);
}
