/** A hold placed on matching requests: they wait, keeping their mailbox slot, until released. */
export interface RequestHold {
  /** How many requests are waiting now. */
  heldCount(): number;
  /** Lets every waiting request (and any later one) go on; the hold is removed. */
  release(): void;
}

interface Hold {
  pattern: RegExp;
  waiting: (() => void)[];
  released: boolean;
}

/**
 * Test control for slow mailboxes without timing: requests whose path matches wait until the test
 * releases them, so "4 in flight, the 5th is refused" can be set up exactly instead of with sleeps.
 */
export class RequestGate {
  private holds: Hold[] = [];

  hold(pathPattern: string): RequestHold {
    const hold: Hold = { pattern: new RegExp(pathPattern, 'i'), waiting: [], released: false };
    this.holds.push(hold);
    return {
      heldCount: () => hold.waiting.length,
      release: () => {
        hold.released = true;
        this.holds = this.holds.filter((other) => other !== hold);
        for (const resume of hold.waiting.splice(0)) resume();
      },
    };
  }

  async pass(path: string): Promise<void> {
    const hold = this.holds.find((candidate) => !candidate.released && candidate.pattern.test(path));
    if (!hold) return;
    await new Promise<void>((resolve) => hold.waiting.push(resolve));
  }

  releaseAll(): void {
    for (const hold of [...this.holds]) {
      hold.released = true;
      for (const resume of hold.waiting.splice(0)) resume();
    }
    this.holds = [];
  }
}
