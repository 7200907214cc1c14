import type { WireEvent } from './wireFramer';

/**
 * One whole response (or command) as it travels: its line fragments and the literals between them
 * (`lines.length === literals.length + 1`). Server responses are relayed a unit at a time, so a
 * rewrite can look at a FETCH's UID after its BODY[] literal, and anything the proxy says itself
 * (a `+`, a tagged NO) always lands between two responses, never inside one.
 */
export interface WireUnit {
  lines: Buffer[];
  literals: Buffer[];
}

export function unitBytes(unit: WireUnit): Buffer {
  const parts: Buffer[] = [];
  unit.lines.forEach((line, i) => {
    parts.push(line);
    const literal = unit.literals[i];
    if (literal) parts.push(literal);
  });
  return Buffer.concat(parts);
}

/** A unit's bytes up to `bytesIntoLiteral` octets of literal number `index` (for a cut connection). */
export function unitPrefix(unit: WireUnit, index: number, bytesIntoLiteral: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i <= index; i += 1) {
    parts.push(unit.lines[i]!);
    const literal = unit.literals[i]!;
    parts.push(i < index ? literal : literal.subarray(0, bytesIntoLiteral));
  }
  return Buffer.concat(parts);
}

/** Collects framer events into whole units (server side: a response never waits on the client). */
export class UnitAssembler {
  private lines: Buffer[] = [];
  private literals: Buffer[] = [];

  push(event: WireEvent): WireUnit | undefined {
    if (event.kind === 'literal') {
      this.literals.push(event.bytes);
      return undefined;
    }
    this.lines.push(event.bytes);
    if (event.literal) return undefined;
    const unit = { lines: this.lines, literals: this.literals };
    this.lines = [];
    this.literals = [];
    return unit;
  }
}
