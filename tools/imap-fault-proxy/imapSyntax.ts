import { lineText } from './wireFramer';
import type { WireUnit } from './wireUnit';

/**
 * Just enough IMAP syntax to take a response or command apart and put it back together:
 * atoms (numbers, NIL, flags, `BODY[HEADER.FIELDS (FROM)]<0>` with its bracketed section),
 * quoted strings (kept as sent, escapes and all), literals and parenthesized lists. Text is held
 * as latin1 so every byte survives the round trip unchanged.
 */
export type ImapNode =
  { kind: 'atom'; value: string } | { kind: 'quoted'; raw: string } | { kind: 'literal'; data: Buffer; binary: boolean } | { kind: 'list'; items: ImapNode[] };

export class ImapSyntaxError extends Error {}

type Token = ImapNode | { kind: 'open' } | { kind: 'close' };

/** The unit's top-level nodes, e.g. `*`, `12`, `FETCH`, `(UID 5 BODY[] {300})`. */
export function parseUnit(unit: WireUnit): ImapNode[] {
  const tokens: Token[] = [];
  unit.lines.forEach((line, i) => {
    tokens.push(...lexText(lineText(line)));
    const literal = unit.literals[i];
    if (literal) tokens.push({ kind: 'literal', data: literal, binary: /~\{\d+\+?\}\r?\n$/.test(line.toString('latin1')) });
  });
  const root: ImapNode[] = [];
  const stack: ImapNode[][] = [root];
  for (const token of tokens) {
    const top = stack[stack.length - 1]!;
    if (token.kind === 'open') {
      const list: ImapNode = { kind: 'list', items: [] };
      top.push(list);
      stack.push(list.items);
    } else if (token.kind === 'close') {
      if (stack.length === 1) throw new ImapSyntaxError('unbalanced )');
      stack.pop();
    } else {
      top.push(token);
    }
  }
  if (stack.length !== 1) throw new ImapSyntaxError('unbalanced (');
  return root;
}

function lexText(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < text.length) {
    const c = text[pos]!;
    if (c === ' ') {
      pos += 1;
    } else if (c === '(') {
      tokens.push({ kind: 'open' });
      pos += 1;
    } else if (c === ')') {
      tokens.push({ kind: 'close' });
      pos += 1;
    } else if (c === '"') {
      let end = pos + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (end >= text.length) throw new ImapSyntaxError('unterminated quoted string');
      tokens.push({ kind: 'quoted', raw: text.slice(pos, end + 1) });
      pos = end + 1;
    } else {
      // An atom runs to a space or parenthesis, except inside [...] (a body section may hold both).
      let end = pos;
      let depth = 0;
      while (end < text.length) {
        const ch = text[end]!;
        if (ch === '[') depth += 1;
        else if (ch === ']' && depth > 0) depth -= 1;
        else if (depth === 0 && (ch === ' ' || ch === '(' || ch === ')')) break;
        end += 1;
      }
      tokens.push({ kind: 'atom', value: text.slice(pos, end) });
      pos = end;
    }
  }
  return tokens;
}

export interface Serialized {
  unit: WireUnit;
  /** Literal nodes in the order their data appears in `unit.literals`. */
  literalNodes: ImapNode[];
}

/**
 * Writes nodes back as one unit, single spaces between items as every server writes them.
 * `nonSynchronizing` writes `{n+}` (for commands the proxy sends on without waiting for `+`).
 */
export function serializeUnit(nodes: ImapNode[], nonSynchronizing = false): Serialized {
  const lines: Buffer[] = [];
  const literals: Buffer[] = [];
  const literalNodes: ImapNode[] = [];
  let text = '';
  const write = (node: ImapNode): void => {
    switch (node.kind) {
      case 'atom':
        text += node.value;
        break;
      case 'quoted':
        text += node.raw;
        break;
      case 'literal':
        text += `${node.binary ? '~' : ''}{${node.data.length}${nonSynchronizing ? '+' : ''}}\r\n`;
        lines.push(Buffer.from(text, 'latin1'));
        literals.push(node.data);
        literalNodes.push(node);
        text = '';
        break;
      case 'list':
        text += '(';
        node.items.forEach((item, i) => {
          if (i > 0) text += ' ';
          write(item);
        });
        text += ')';
        break;
    }
  };
  nodes.forEach((node, i) => {
    if (i > 0) text += ' ';
    write(node);
  });
  lines.push(Buffer.from(`${text}\r\n`, 'latin1'));
  return { unit: { lines, literals }, literalNodes };
}

export const atom = (value: string): ImapNode => ({ kind: 'atom', value });

/** The string an atom, quoted string or literal stands for (latin1, as on the wire); undefined for lists and NIL. */
export function nodeString(node: ImapNode | undefined): string | undefined {
  if (!node) return undefined;
  switch (node.kind) {
    case 'atom':
      return node.value.toUpperCase() === 'NIL' ? undefined : node.value;
    case 'quoted':
      return node.raw.slice(1, -1).replace(/\\(.)/g, '$1');
    case 'literal':
      return node.data.toString('latin1');
    case 'list':
      return undefined;
  }
}

export function isAtom(node: ImapNode | undefined, value: string): boolean {
  return node?.kind === 'atom' && node.value.toUpperCase() === value.toUpperCase();
}

/** A list's items as name/value pairs (FETCH msg-att, STATUS items). */
export function pairs(list: ImapNode[]): Array<[ImapNode, ImapNode]> {
  const result: Array<[ImapNode, ImapNode]> = [];
  for (let i = 0; i + 1 < list.length; i += 2) result.push([list[i]!, list[i + 1]!]);
  return result;
}
