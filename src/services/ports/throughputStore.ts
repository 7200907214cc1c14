export interface ThroughputSample {
  at: string;
  items: number;
  bytes: number;
}

/** What the services need of the ThroughputRepository (storage/throughputRepository.ts). */
export interface ThroughputStore {
  record(batchId: string, mailboxKey: string, now: string, items: number, bytes: number): Promise<void>;
  list(batchId: string): Promise<ThroughputSample[]>;
}
