/** A non-HTTP trigger source (blob, queue, timer): polls its storage and invokes its function. */
export interface TriggerListener {
  start(): Promise<void>;
  stop(): Promise<void>;
}
