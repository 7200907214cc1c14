/** Counts slots for a concurrency limit from host.json (e.g. maxConcurrentActivityFunctions). */
export class Semaphore {
  private waiting: (() => void)[] = [];
  private used = 0;

  constructor(private readonly limit: number) {}

  get free(): number {
    return Math.max(0, this.limit - this.used);
  }

  async acquire(): Promise<void> {
    if (this.used < this.limit) {
      this.used++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.used--;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }
}
