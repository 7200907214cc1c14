/**
 * Every error the devhost raises carries a stable `code`: callers and tests branch on the code,
 * never on the text, and the text says what to do about it.
 */
export type DevHostErrorCode =
  | 'DEVHOST_APP_NOT_FOUND'
  | 'DEVHOST_BAD_SETTINGS'
  | 'DEVHOST_BAD_HOST_JSON'
  | 'DEVHOST_UNRESOLVED_SETTING'
  | 'DEVHOST_DUPLICATE_FUNCTION'
  | 'DEVHOST_UNKNOWN_FUNCTION'
  | 'DEVHOST_NON_DETERMINISTIC'
  | 'DEVHOST_BAD_ORCHESTRATOR_STATE'
  | 'DEVHOST_BAD_SCHEDULE'
  | 'DEVHOST_START_FAILED';

export class DevHostError extends Error {
  constructor(
    readonly code: DevHostErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'DevHostError';
  }
}

/** Normalises anything thrown into an Error, so logs and history always get a message and a stack. */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === 'string') return new Error(value);
  try {
    return new Error(JSON.stringify(value));
  } catch {
    return new Error(String(value));
  }
}
