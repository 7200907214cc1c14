import type { MigrationBatch } from './core/batch/migrationBatch.js';
import type { MigrationMailbox } from './core/mailbox/migrationMailbox.js';

/** What the page reads of the API's answers (`src/core/api/openApiDocument.ts`), typed from core. */
export type BatchView = MigrationBatch;
export type MailboxView = MigrationMailbox;

export interface EndpointView {
  name: string;
  host: string;
}

export interface ListAnswer<T> {
  value?: T[];
  nextLink?: string;
}

export interface ThroughputView {
  intervalSeconds?: number;
  value?: { at: string; items: number; bytes: number }[];
}

/** An RFC 9457 problem as the API answers it, or the stand-in readProblem makes. */
export interface Problem {
  status?: number;
  title: string;
  detail: string;
  errors: ProblemError[];
}

export interface ProblemError {
  code?: string;
  message?: string;
  line?: number;
  column?: string;
  field?: string;
}
