import type { ImapFaultKind } from './faultConfig';

export interface ImapFaultProxyStats {
  connections: { accepted: number; open: number };
  /** Client commands seen, by name (`LOGIN`, `SELECT`, `UID FETCH`, `APPEND`...). */
  commands: Record<string, number>;
  /** How many commands or responses each fault changed (a cut connection counts once). */
  faults: Record<ImapFaultKind, number>;
}

const NO_FAULTS: Record<ImapFaultKind, number> = {
  hideCapabilities: 0,
  estimatedSizes: 0,
  fetchNo: 0,
  stubBodies: 0,
  dropMidLiteral: 0,
  uidValidityOffset: 0,
  statusOmits: 0,
  appendNo: 0,
  appendLost: 0,
};

/** Counters a test reads to prove a fault fired (or did not), without parsing protocol logs. */
export class ProxyCounters {
  private accepted = 0;
  private open = 0;
  private commands: Record<string, number> = {};
  private faults = { ...NO_FAULTS };

  connectionOpened(): void {
    this.accepted += 1;
    this.open += 1;
  }

  connectionClosed(): void {
    this.open -= 1;
  }

  command(name: string): void {
    this.commands[name] = (this.commands[name] ?? 0) + 1;
  }

  fault(kind: ImapFaultKind): void {
    this.faults[kind] += 1;
  }

  snapshot(): ImapFaultProxyStats {
    return {
      connections: { accepted: this.accepted, open: this.open },
      commands: { ...this.commands },
      faults: { ...this.faults },
    };
  }

  /** Zeroes the command and fault counts (open connections stay counted). */
  reset(): void {
    this.accepted = this.open;
    this.commands = {};
    this.faults = { ...NO_FAULTS };
  }
}
