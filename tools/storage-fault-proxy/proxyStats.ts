export interface StorageFaultProxyStats {
  connections: { accepted: number; open: number };
  requests: {
    received: number;
    /** Azurite's answer reached the client. */
    relayed: number;
    /** A rule answered or cut the request (with `afterForwarding`, after Azurite applied it). */
    failed: number;
  };
  /** How many requests each rule failed, by rule name (kept when a rule is cleared). */
  faults: Record<string, number>;
}

/** Counters a test reads to prove a fault fired (or did not), without parsing logs. */
export class ProxyCounters {
  private accepted = 0;
  private open = 0;
  private received = 0;
  private relayed = 0;
  private failed = 0;
  private faults: Record<string, number> = {};

  connectionOpened(): void {
    this.accepted += 1;
    this.open += 1;
  }

  connectionClosed(): void {
    this.open -= 1;
  }

  requestReceived(): void {
    this.received += 1;
  }

  requestRelayed(): void {
    this.relayed += 1;
  }

  requestFailed(rule: string): void {
    this.failed += 1;
    this.faults[rule] = (this.faults[rule] ?? 0) + 1;
  }

  snapshot(): StorageFaultProxyStats {
    return {
      connections: { accepted: this.accepted, open: this.open },
      requests: { received: this.received, relayed: this.relayed, failed: this.failed },
      faults: { ...this.faults },
    };
  }

  /** Zeroes the request and fault counts (open connections stay counted). */
  reset(): void {
    this.accepted = this.open;
    this.received = 0;
    this.relayed = 0;
    this.failed = 0;
    this.faults = {};
  }
}
