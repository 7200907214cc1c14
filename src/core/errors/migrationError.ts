/**
 * Errors the service raises on purpose carry a stable code (callers branch on it, never on the
 * text), a sentence for the administrator, and whether trying again may help.
 */
import type { MigrationErrorCode } from './migrationErrorCode';

export type ErrorClass = 'permanent' | 'transient';

export class MigrationError extends Error {
  constructor(
    readonly code: MigrationErrorCode,
    message: string,
    readonly errorClass: ErrorClass = 'permanent',
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** Turns anything thrown into a message safe to show or log: no stack trace, no object dumps. */
export function toErrorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'An unexpected error occurred.';
}
