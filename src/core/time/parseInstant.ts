/**
 * The moment an ISO 8601 text names. Orchestrators may not use `Date` themselves (the lint rule
 * keeps clocks out of replayed code); parsing a time an activity returned is deterministic, so they
 * do it through here.
 */
export function parseInstant(iso: string): Date {
  return new Date(iso);
}
