import type { Socket } from 'node:net';

import { capabilityMissingFor } from './capabilities';
import { argString, type ClientCommand, parseClientCommand, saslUser } from './clientCommand';
import { appendLoss, appendRefusal, appendRefusalLine, decideCommand } from './commandFaults';
import type { EffectiveFaults, ImapFaultControls, ImapFaultKind } from './faultConfig';
import { rewriteFetch } from './fetchResponse';
import { ImapSyntaxError, type ImapNode, parseUnit, serializeUnit } from './imapSyntax';
import { rewriteList, rewriteStatus } from './mailboxResponses';
import type { ProxyCounters } from './proxyStats';
import type { RewriteContext } from './rewriteContext';
import { rewriteStatusLine } from './statusResponse';
import { asNonSynchronizing, lineText, type LiteralMarker, WireFramer } from './wireFramer';
import { UnitAssembler, unitBytes, unitPrefix, type WireUnit } from './wireUnit';

/** What the proxy remembers about a command sent upstream, until its tagged response. */
interface SentCommand {
  name: string;
  /** SELECT/EXAMINE: the mailbox opened; APPEND/COPY/MOVE: the target. */
  mailbox?: string;
  /** LOGIN/AUTHENTICATE: the user it logs in. */
  user?: string;
  /** APPEND under an `appendLost` rule: its answer is never relayed, the connection is cut instead. */
  loseAnswer?: boolean;
}

/** A client command whose fragments and literals are still arriving. */
interface IncomingCommand {
  tag: string;
  name: string;
  lines: Buffer[];
  literals: Buffer[];
  sizes: number[];
  /**
   * Held commands reach the server only once complete, so a fault can still refuse them: the proxy
   * gives the client the `+` for their literals itself, and sends them on with LITERAL+ `{n+}`
   * literals (RFC 7888; Dovecot has it), which need no `+` from the server.
   */
  held: boolean;
}

/** Literals of passed-on commands are kept only this big, to read a mailbox name or a login. */
const KEPT_LITERAL_BYTES = 64 * 1024;

/**
 * One client connection and its own connection to the server. Client bytes are split into
 * commands (fragment by fragment, since a client may wait for `+` mid-command), server bytes into
 * whole responses; each is judged against the faults in force for the logged-in user at that
 * moment, then passed on, rewritten, answered by the proxy, or the connection is cut.
 */
export class ProxySession {
  private readonly clientFramer = new WireFramer();
  private readonly upstreamFramer = new WireFramer();
  private readonly responses = new UnitAssembler();
  private readonly sent = new Map<string, SentCommand>();
  private incoming: IncomingCommand | undefined;
  /** An AUTHENTICATE without initial response is in progress: client lines are SASL data. */
  private sasl: { tag: string; mechanism: string; answered: number } | undefined;
  private user: string | undefined;
  private selected: string | undefined;
  private selecting: string | undefined;
  private closed = false;

  constructor(
    private readonly client: Socket,
    private readonly upstream: Socket,
    private readonly controls: ImapFaultControls,
    private readonly counters: ProxyCounters,
  ) {
    client.on('data', (chunk: Buffer) => this.guard(() => this.fromClient(chunk)));
    upstream.on('data', (chunk: Buffer) => this.guard(() => this.fromUpstream(chunk)));
    for (const socket of [client, upstream]) {
      socket.on('error', () => this.close());
      socket.on('close', () => this.close());
    }
  }

  /** Destroys both connections at once (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.destroy();
    this.upstream.destroy();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** A protocol the proxy cannot follow ends the connection rather than relaying it garbled. */
  private guard(work: () => void): void {
    if (this.closed) return;
    try {
      work();
    } catch {
      this.close();
    }
  }

  private faults(): EffectiveFaults {
    return this.controls.effective(this.user);
  }

  // ---- client → server -------------------------------------------------------------------------

  private fromClient(chunk: Buffer): void {
    for (const event of this.clientFramer.push(chunk)) {
      if (this.closed) return;
      if (event.kind === 'line') this.clientLine(event.bytes, event.literal);
      else this.clientLiteral(event.bytes);
    }
  }

  private clientLine(bytes: Buffer, literal: LiteralMarker | undefined): void {
    if (!this.incoming && this.sasl) {
      this.saslResponse(bytes);
      return;
    }
    const command = this.incoming ?? this.startCommand(bytes);
    this.incoming = command;
    command.lines.push(bytes);
    if (literal) {
      command.sizes.push(literal.size);
      if (!command.held) this.toUpstream(bytes);
      else if (literal.sync) this.heldLiteralAnnounced(command);
      return;
    }
    this.incoming = undefined;
    // A command in several fragments went out fragment by fragment; its end goes too.
    if (!command.held && command.lines.length > 1) this.toUpstream(bytes);
    this.commandComplete(command);
  }

  private startCommand(first: Buffer): IncomingCommand {
    const head = /^(\S+) (?:(UID) )?(\S+)/i.exec(lineText(first));
    const tag = head?.[1] ?? '';
    const name = `${head?.[2] ? 'UID ' : ''}${head?.[3] ?? ''}`.toUpperCase();
    const faults = this.faults();
    const held = (name === 'APPEND' && (faults.appendNo.length > 0 || faults.appendLost.length > 0)) || capabilityMissingFor(name, faults.hidden) !== undefined;
    return { tag, name, lines: [], literals: [], sizes: [], held };
  }

  /** A held command announced a synchronizing literal: refuse it now if its size alone decides, else ask for it. */
  private heldLiteralAnnounced(command: IncomingCommand): void {
    if (command.name === 'APPEND') {
      const rule = appendRefusal(command.sizes, undefined, this.faults());
      if (rule) {
        // As a server does with TOOBIG: a tagged NO instead of `+`, and the client sends no literal.
        rule.hits += 1;
        this.counters.command('APPEND');
        this.counters.fault('appendNo');
        this.clientFramer.cancelLiteral();
        this.incoming = undefined;
        this.toClient(`${appendRefusalLine(command.tag, rule)}\r\n`);
        return;
      }
    }
    this.toClient('+ Ready for literal data\r\n');
  }

  private clientLiteral(bytes: Buffer): void {
    const command = this.incoming;
    if (!command) {
      this.toUpstream(bytes);
      return;
    }
    command.literals.push(command.held || bytes.length <= KEPT_LITERAL_BYTES ? bytes : Buffer.alloc(0));
    if (!command.held) this.toUpstream(bytes);
  }

  private saslResponse(bytes: Buffer): void {
    const sasl = this.sasl!;
    const text = lineText(bytes);
    if (sasl.answered === 0 && text !== '*') {
      const user = sasl.mechanism === 'LOGIN' ? Buffer.from(text, 'base64').toString('utf8') : saslUser(sasl.mechanism, text);
      const sent = this.sent.get(sasl.tag);
      if (sent && user) sent.user = user;
    }
    sasl.answered += 1;
    this.toUpstream(bytes);
  }

  private commandComplete(incoming: IncomingCommand): void {
    const unit: WireUnit = { lines: incoming.lines, literals: incoming.literals };
    const command = parseClientCommand(unit);
    if (command) this.counters.command(command.name);
    if (incoming.held) {
      this.heldCommandComplete(incoming, command);
      return;
    }
    if (incoming.lines.length > 1 || !command) {
      this.remember(command);
      if (incoming.lines.length === 1) this.toUpstream(incoming.lines[0]!);
      return;
    }
    const decision = decideCommand(command, this.faults(), this.selected);
    switch (decision.kind) {
      case 'forward':
        this.remember(command);
        this.toUpstream(incoming.lines[0]!);
        break;
      case 'rewrite':
        this.remember(command);
        this.toUpstream(`${decision.line}\r\n`);
        this.counters.fault('hideCapabilities');
        break;
      case 'answer':
        this.counters.fault(decision.fault);
        this.toClient(decision.lines.map((line) => `${line}\r\n`).join(''));
        break;
    }
  }

  private heldCommandComplete(incoming: IncomingCommand, command: ClientCommand | undefined): void {
    const faults = this.faults();
    if (command) {
      const decision = decideCommand(command, faults, this.selected);
      if (decision.kind === 'answer') {
        this.counters.fault(decision.fault);
        this.toClient(decision.lines.map((line) => `${line}\r\n`).join(''));
        return;
      }
    }
    if (incoming.name === 'APPEND') {
      const rule = appendRefusal(incoming.sizes, incoming.literals, faults);
      if (rule) {
        rule.hits += 1;
        this.counters.fault('appendNo');
        this.toClient(`${appendRefusalLine(incoming.tag, rule)}\r\n`);
        return;
      }
    }
    this.remember(command);
    const loss = incoming.name === 'APPEND' && command ? appendLoss(incoming.literals, faults) : undefined;
    if (loss) {
      loss.hits += 1;
      this.sent.get(command!.tag)!.loseAnswer = true;
    }
    incoming.lines.forEach((line, i) => {
      this.toUpstream(asNonSynchronizing(line));
      const literal = incoming.literals[i];
      if (literal) this.toUpstream(literal);
    });
  }

  /** Notes what the response to a command will need: the user it logs in, the mailbox it names. */
  private remember(command: ClientCommand | undefined): void {
    if (!command) return;
    const sent: SentCommand = { name: command.name };
    switch (command.name) {
      case 'LOGIN':
        sent.user = argString(command, 0);
        break;
      case 'AUTHENTICATE': {
        const mechanism = (argString(command, 0) ?? '').toUpperCase();
        const initial = argString(command, 1);
        if (initial !== undefined && initial !== '=') sent.user = saslUser(mechanism, initial);
        this.sasl = { tag: command.tag, mechanism, answered: initial === undefined ? 0 : 1 };
        break;
      }
      case 'SELECT':
      case 'EXAMINE':
        sent.mailbox = argString(command, 0);
        this.selecting = sent.mailbox;
        break;
      case 'APPEND':
        sent.mailbox = argString(command, 0);
        break;
      case 'COPY':
      case 'MOVE':
      case 'UID COPY':
      case 'UID MOVE':
        sent.mailbox = argString(command, 1);
        break;
    }
    this.sent.set(command.tag, sent);
  }

  // ---- server → client -------------------------------------------------------------------------

  private fromUpstream(chunk: Buffer): void {
    for (const event of this.upstreamFramer.push(chunk)) {
      const unit = this.responses.push(event);
      if (unit) this.response(unit);
      if (this.closed) return;
    }
  }

  private response(unit: WireUnit): void {
    const head = lineText(unit.lines[0]!);
    if (head.startsWith('+')) {
      this.toClient(unitBytes(unit));
      return;
    }
    const fired = new Set<ImapFaultKind>();
    if (head.startsWith('* ')) this.untagged(unit, head, fired);
    else this.tagged(unit, head, fired);
    for (const kind of fired) this.counters.fault(kind);
  }

  private context(faults: EffectiveFaults, fired: Set<ImapFaultKind>, codeMailbox: string | undefined, codesAnswerSelect: boolean): RewriteContext {
    return { faults, user: this.user, selected: this.selected, codeMailbox, codesAnswerSelect, fired: (kind) => fired.add(kind) };
  }

  private untagged(unit: WireUnit, head: string, fired: Set<ImapFaultKind>): void {
    const selecting = this.selecting !== undefined;
    // A MOVE states the target's COPYUID in an untagged OK (RFC 6851 section 4.3).
    const moveTarget = [...this.sent.values()].reverse().find((sent) => sent.name.endsWith('MOVE'))?.mailbox;
    const ctx = this.context(this.faults(), fired, this.selecting ?? moveTarget ?? this.selected, selecting);
    try {
      if (/^\* \d+ FETCH /i.test(head)) {
        this.fetchResponse(unit, ctx);
        return;
      }
      if (/^\* (?:STATUS|LIST|LSUB|XLIST) /i.test(head)) {
        const nodes = parseUnit(unit);
        const rewritten = /^\* STATUS /i.test(head) ? rewriteStatus(nodes, ctx) : rewriteList(nodes, ctx);
        this.toClient(rewritten ? unitBytes(serializeUnit(rewritten).unit) : unitBytes(unit));
        return;
      }
    } catch (error) {
      if (!(error instanceof ImapSyntaxError)) throw error;
      this.toClient(unitBytes(unit));
      return;
    }
    this.lineResponse(unit, head, ctx);
  }

  private tagged(unit: WireUnit, head: string, fired: Set<ImapFaultKind>): void {
    const tag = head.split(' ')[0]!;
    const ok = /^\S+ OK\b/i.test(head);
    const sent = this.sent.get(tag);
    this.sent.delete(tag);
    if (this.sasl?.tag === tag) this.sasl = undefined;
    if (this.incoming?.tag === tag && this.clientFramer.awaitingSyncLiteral) {
      // The server refused the command before its `+`: the client will not send that literal.
      this.clientFramer.cancelLiteral();
      this.incoming = undefined;
    }
    if (sent?.loseAnswer) {
      // The server has stored the message; the client hears nothing but the connection ending.
      this.counters.fault('appendLost');
      this.close();
      return;
    }
    const answersSelect = sent?.name === 'SELECT' || sent?.name === 'EXAMINE';
    if (sent && ok && (sent.name === 'LOGIN' || sent.name === 'AUTHENTICATE') && sent.user) this.user = sent.user;
    if (answersSelect) {
      // A failed SELECT leaves no mailbox selected (RFC 3501 section 6.3.1).
      this.selected = ok ? sent.mailbox : undefined;
      this.selecting = undefined;
    }
    if (ok && (sent?.name === 'CLOSE' || sent?.name === 'UNSELECT')) this.selected = undefined;
    // Faults are read after the login took effect: a LOGIN's [CAPABILITY ...] is already the user's.
    this.lineResponse(unit, head, this.context(this.faults(), fired, sent?.mailbox, answersSelect));
  }

  private lineResponse(unit: WireUnit, head: string, ctx: RewriteContext): void {
    if (unit.literals.length > 0) {
      this.toClient(unitBytes(unit));
      return;
    }
    const line = rewriteStatusLine(head, ctx);
    if (line === null) return;
    this.toClient(line === head ? unitBytes(unit) : `${line}\r\n`);
  }

  private fetchResponse(unit: WireUnit, ctx: RewriteContext): void {
    if (!touchesFetch(ctx.faults)) {
      this.toClient(unitBytes(unit));
      return;
    }
    const result = rewriteFetch(parseUnit(unit), ctx);
    if (result.nodes === null) return;
    if (!result.changed && !result.cut) {
      this.toClient(unitBytes(unit));
      return;
    }
    // Literal order is the same in the parsed and the written response, so the index finds the
    // cut literal in either; untouched responses go out as they came.
    const serialized = serializeUnit(result.nodes);
    const out = result.changed ? serialized.unit : unit;
    if (result.cut) {
      this.cut(unitPrefix(out, literalIndex(serialized.literalNodes, result.cut.literal), result.cut.afterBytes));
      return;
    }
    this.toClient(unitBytes(out));
  }

  /**
   * The connection breaks mid-message: the client gets these bytes and then the end of the
   * stream; the server connection is dropped at once, as a failing front end would.
   */
  private cut(bytes: Buffer): void {
    this.closed = true;
    this.upstream.destroy();
    this.client.end(bytes, () => this.client.destroy());
    setTimeout(() => this.client.destroy(), 2_000).unref();
  }

  // ---- writing, with back-pressure ------------------------------------------------------------

  private toClient(data: Buffer | string): void {
    if (this.closed) return;
    if (!this.client.write(data)) this.waitForDrain(this.client, this.upstream);
  }

  private toUpstream(data: Buffer | string): void {
    if (this.closed) return;
    if (!this.upstream.write(data)) this.waitForDrain(this.upstream, this.client);
  }

  /** Stops reading one side while the other cannot keep up, so a big FETCH or APPEND is not buffered whole twice. */
  private waitForDrain(slow: Socket, fast: Socket): void {
    if (fast.isPaused()) return;
    fast.pause();
    slow.once('drain', () => fast.resume());
  }
}

/** Whether any fault can change a FETCH response, so the others pass without being parsed. */
function touchesFetch(faults: EffectiveFaults): boolean {
  return (
    faults.estimatedSizes || faults.stubBodies.length > 0 || faults.dropMidLiteral.length > 0 || faults.hidden.has('CONDSTORE') || faults.hidden.has('OBJECTID')
  );
}

function literalIndex(literalNodes: readonly ImapNode[], literal: ImapNode): number {
  const index = literalNodes.indexOf(literal);
  if (index < 0) throw new Error('cut literal not found in its response');
  return index;
}
