/**
 * Splits one direction of an IMAP byte stream into line fragments and literals (RFC 3501 section
 * 4.3, RFC 7888 LITERAL+, RFC 3516 literal8). A proxy that looked only at lines would take the
 * bytes of a message (a FETCH BODY[] or an APPEND) for commands and responses, and would lose its
 * place in the stream at the first CRLF inside one.
 */

/** The `{n}`, `{n+}` or `~{n}` that ends a line fragment: n octets follow, after the CRLF. */
export interface LiteralMarker {
  size: number;
  /** `{n}`: the client waits for a `+` continuation before sending (only client literals wait). */
  sync: boolean;
  /** `~{n}`: a literal8, which may hold NUL bytes. */
  binary: boolean;
}

export type WireEvent =
  /** A line fragment with its CRLF; when it ends with a literal marker, `literal` describes it. */
  | { kind: 'line'; bytes: Buffer; literal?: LiteralMarker }
  /** The whole literal announced by the fragment before it. */
  | { kind: 'literal'; bytes: Buffer };

/** Lines longer than this are not IMAP: stop rather than buffer without bound. */
const MAX_LINE_BYTES = 16 * 1024 * 1024;
const MARKER = /(~?)\{(\d{1,10})(\+?)\}\r?\n$/;

export class WireFramer {
  private line: Buffer[] = [];
  private lineBytes = 0;
  private literal: Buffer[] = [];
  private literalRemaining = -1;
  private literalSync = false;

  /** Feeds received bytes; returns every fragment and literal they complete, in order. */
  push(chunk: Buffer): WireEvent[] {
    const events: WireEvent[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (this.literalRemaining >= 0) {
        const take = Math.min(this.literalRemaining, chunk.length - offset);
        this.literal.push(chunk.subarray(offset, offset + take));
        this.literalRemaining -= take;
        offset += take;
        if (this.literalRemaining === 0) events.push(this.finishLiteral());
        continue;
      }
      const newline = chunk.indexOf(0x0a, offset);
      if (newline < 0) {
        this.appendLine(chunk.subarray(offset));
        break;
      }
      this.appendLine(chunk.subarray(offset, newline + 1));
      offset = newline + 1;
      events.push(...this.finishLine());
    }
    return events;
  }

  /**
   * True while a synchronizing literal was announced and not one byte of it has arrived: the
   * sender is waiting for `+`. (A `{n+}` literal is on its way whatever the answer.)
   */
  get awaitingSyncLiteral(): boolean {
    return this.literalSync && this.literalRemaining > 0 && this.literal.length === 0;
  }

  /**
   * Forgets an announced literal that will never come: a client that gets a tagged NO or BAD
   * instead of `+` for a synchronizing literal abandons the command (RFC 3501 section 7.5).
   */
  cancelLiteral(): void {
    this.literal = [];
    this.literalRemaining = -1;
    this.literalSync = false;
  }

  private appendLine(part: Buffer): void {
    this.line.push(part);
    this.lineBytes += part.length;
    if (this.lineBytes > MAX_LINE_BYTES) throw new Error(`IMAP line longer than ${MAX_LINE_BYTES} bytes`);
  }

  private finishLine(): WireEvent[] {
    const bytes = Buffer.concat(this.line);
    this.line = [];
    this.lineBytes = 0;
    const literal = literalMarkerOf(bytes);
    if (!literal) return [{ kind: 'line', bytes }];
    const events: WireEvent[] = [{ kind: 'line', bytes, literal }];
    this.literalRemaining = literal.size;
    this.literalSync = literal.sync;
    // A zero-length literal has no bytes to wait for.
    if (literal.size === 0) events.push(this.finishLiteral());
    return events;
  }

  private finishLiteral(): WireEvent {
    const bytes = Buffer.concat(this.literal);
    this.literal = [];
    this.literalRemaining = -1;
    this.literalSync = false;
    return { kind: 'literal', bytes };
  }
}

/** The literal a line fragment announces, if it ends with a marker. */
export function literalMarkerOf(line: Buffer): LiteralMarker | undefined {
  const tail = line.subarray(Math.max(0, line.length - 20)).toString('latin1');
  const match = MARKER.exec(tail);
  if (!match) return undefined;
  return { size: Number(match[2]), sync: match[3] !== '+', binary: match[1] === '~' };
}

/** The fragment without its CRLF and without a trailing literal marker. */
export function lineText(line: Buffer): string {
  return line
    .toString('latin1')
    .replace(MARKER, '')
    .replace(/\r?\n$/, '');
}

/** Rewrites a fragment's synchronizing `{n}` into `{n+}` (RFC 7888), for commands the proxy sends on itself. */
export function asNonSynchronizing(line: Buffer): Buffer {
  const text = line.toString('latin1');
  return Buffer.from(
    text.replace(MARKER, (_m, tilde: string, size: string) => `${tilde}{${size}+}\r\n`),
    'latin1',
  );
}
