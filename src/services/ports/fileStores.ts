export interface IntakeBlob {
  bytes: Buffer;
  etag: string;
  metadata: Record<string, string>;
}

/** What the services need of the CsvBlobStore (storage/csvBlobStore.ts). */
export interface BatchCsvFiles {
  /** The dropped file, or undefined if it is gone (already taken in by an earlier run). */
  readIntake(blobName: string): Promise<IntakeBlob | undefined>;
  /** Keeps the password-free copy of a taken-in CSV under the batch's folder. */
  storeProcessed(batchId: string, fileName: string, passwordFreeCsv: string): Promise<string>;
  /** Writes `<name>.errors.csv` beside a rejected file. */
  writeErrors(blobName: string, errorsCsv: string): Promise<string>;
  /** Overwrites a dropped file, keeping its metadata (used to strip passwords from a rejected file). */
  replaceIntake(blobName: string, text: string, metadata: Record<string, string>): Promise<void>;
  /** Deletes the batch's password-free CSV copy (retention). */
  deleteProcessed(batchId: string): Promise<void>;
  deleteIntake(blobName: string): Promise<void>;
}

export type ReportKind = 'statistics' | 'errors';

/** What the services need of the ReportStore (storage/reportStore.ts). */
export interface ReportFiles {
  write(batchId: string, kind: ReportKind, csv: string): Promise<void>;
  read(batchId: string, kind: ReportKind): Promise<Buffer | undefined>;
  link(batchId: string, kind: ReportKind, now: Date): Promise<string>;
  deleteBatch(batchId: string): Promise<void>;
}

/** A status email waiting to be sent. */
export interface OutgoingNotification {
  batchId: string;
  to: string[];
  subject: string;
  html: string;
}

/** What the services need of the NotificationOutbox (storage/notificationOutbox.ts). */
export interface StatusMailQueue {
  enqueue(notification: OutgoingNotification): Promise<void>;
}
