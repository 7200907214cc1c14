/**
 * A poller's idle wait that another part of the host can cut short: when the host itself enqueues
 * work it wakes the poller at once instead of waiting out the backoff (one host owns the task hub).
 */
export class WakeableSleep {
  private wakeUp: (() => void) | undefined;
  private pendingWake = false;

  sleep(ms: number): Promise<void> {
    if (this.pendingWake) {
      this.pendingWake = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.pendingWake = true;
  }
}
