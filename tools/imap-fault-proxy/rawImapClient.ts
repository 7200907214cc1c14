import { connect, type Socket } from 'node:net';

import { lineText, WireFramer } from './wireFramer';
import { UnitAssembler, unitBytes, type WireUnit } from './wireUnit';

/** Generous for a loaded 2-core machine; a single response normally takes milliseconds. */
const RESPONSE_TIMEOUT_MS = 60_000;

/** Everything a command got back: its untagged responses (whole, literals included) and the tagged line. */
export interface RawResponse {
  untagged: WireUnit[];
  tagged: string;
  /** First lines of the untagged responses, without CRLF, for quick assertions. */
  heads: string[];
  /** The untagged responses' bytes, exactly as received. */
  bytes: Buffer;
}

/**
 * A wire-level IMAP client for tests that must see exact bytes or send what a library never
 * would (a synchronizing literal, a command of a hidden extension). It reads whole responses,
 * literals included, and keeps every received byte, so a test can count how much of a message
 * arrived before a connection was cut.
 */
export class RawImapClient {
  readonly received: Buffer[] = [];
  greeting = '';
  private readonly framer = new WireFramer();
  private readonly assembler = new UnitAssembler();
  private readonly units: WireUnit[] = [];
  private waiter: (() => void) | undefined;
  private nextTag = 1;
  private ended = false;
  /** Resolves when the server side has closed the connection. */
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received.push(chunk);
      for (const event of this.framer.push(chunk)) {
        const unit = this.assembler.push(event);
        if (unit) this.units.push(unit);
      }
      this.wake();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.ended = true;
        this.wake();
        resolve();
      });
    });
    socket.on('error', () => undefined);
  }

  static async connect(host: string, port: number): Promise<RawImapClient> {
    const socket = connect({ host, port });
    const client = new RawImapClient(socket);
    client.greeting = lineText((await client.nextUnit()).lines[0]!);
    return client;
  }

  /** Writes bytes as they are (a literal, a SASL line). */
  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  tag(): string {
    const tag = `r${this.nextTag}`;
    this.nextTag += 1;
    return tag;
  }

  /** Sends `<tag> <command>` and collects responses up to its tagged one. */
  async run(command: string): Promise<RawResponse> {
    const tag = this.tag();
    this.send(`${tag} ${command}\r\n`);
    return this.until(tag);
  }

  /** Collects responses up to the tagged response of `tag`. */
  async until(tag: string): Promise<RawResponse> {
    const untagged: WireUnit[] = [];
    for (;;) {
      const unit = await this.nextUnit();
      const head = lineText(unit.lines[0]!);
      if (head.startsWith(`${tag} `)) {
        return { untagged, tagged: head, heads: untagged.map((u) => lineText(u.lines[0]!)), bytes: Buffer.concat(untagged.map(unitBytes)) };
      }
      untagged.push(unit);
    }
  }

  /**
   * The next whole response (a `+` continuation included). Rejects if the connection ends first,
   * or after `timeoutMs` without one, so a test that waits for an answer that never comes fails
   * with that reason instead of at jest's timeout.
   */
  async nextUnit(timeoutMs = RESPONSE_TIMEOUT_MS): Promise<WireUnit> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const unit = this.units.shift();
      if (unit) return unit;
      if (this.ended) throw new Error('connection closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no IMAP response within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Every byte received so far. */
  allReceived(): Buffer {
    return Buffer.concat(this.received);
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}
