import { Agent, type ClientRequest, type IncomingMessage, request, type ServerResponse } from 'node:http';

/**
 * The leg from the proxy to Azurite. Requests go on with the method, request target and raw
 * headers exactly as received (names, case, order, duplicates, `Authorization`): the SharedKey
 * signature covers the verb, some headers and `/<account>/<path>`, so any change there would make
 * Azurite refuse the request. Only `Host` is rewritten to Azurite's address, which the signature
 * does not cover: Azurite then answers exactly as to a client that reached it directly (it writes
 * the host into `odata.metadata` links). Answers come back status line and raw headers unchanged,
 * the body streamed as it arrives.
 *
 * Connections to Azurite are kept alive and reused. Node's agent lets an idle one go a second
 * before the `Keep-Alive: timeout=5` Azurite announces, so a reused connection is rarely one
 * Azurite is closing; when it is, a request whose body the proxy holds is sent once more.
 */
export class Upstream {
  private readonly agent = new Agent({ keepAlive: true });
  private readonly inFlight = new Set<ClientRequest>();

  constructor(private readonly target: { host: string; port: number }) {}

  /**
   * Sends the request (its body as it arrives, or `heldBody` when the proxy already read it) and
   * relays Azurite's answer. Resolves once the answer is relayed or either side is gone; a failure
   * of the leg to Azurite cuts the client's connection, as a network fault would.
   */
  relay(client: IncomingMessage, response: ServerResponse, heldBody?: Buffer): Promise<'relayed' | 'cut'> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (outcome: 'relayed' | 'cut'): void => {
        if (settled) return;
        settled = true;
        resolve(outcome);
      };
      const upstream = this.send(
        client,
        heldBody,
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.rawHeaders);
          answer.pipe(response);
          answer.once('error', () => response.destroy());
        },
        () => {
          response.destroy();
          settle('cut');
        },
      );
      response.once('finish', () => settle('relayed'));
      response.once('close', () => {
        // The client left before the whole answer was relayed: Azurite's side goes too.
        if (!response.writableFinished) upstream.current().destroy();
        settle(response.writableFinished ? 'relayed' : 'cut');
      });
      if (heldBody === undefined) {
        client.pipe(upstream.current());
        client.once('error', () => upstream.current().destroy());
      }
    });
  }

  /**
   * Sends a held request and reads Azurite's answer to the end without relaying it. Resolves with
   * Azurite's status, or undefined when the leg to Azurite failed.
   */
  sendAndDiscard(client: IncomingMessage, body: Buffer): Promise<number | undefined> {
    return new Promise((resolve) => {
      this.send(
        client,
        body,
        (answer) => {
          answer.resume();
          answer.once('end', () => resolve(answer.statusCode));
          answer.once('error', () => resolve(undefined));
        },
        () => resolve(undefined),
      );
    });
  }

  /** Destroys every connection to Azurite, in use or idle. */
  destroy(): void {
    for (const pending of this.inFlight) pending.destroy();
    this.agent.destroy();
  }

  /**
   * One request to Azurite with `onAnswer` for its answer and `onFailure` for a leg that failed
   * before any answer. A held body is sent once more when a reused idle connection turns out closed.
   */
  private send(
    client: IncomingMessage,
    heldBody: Buffer | undefined,
    onAnswer: (answer: IncomingMessage) => void,
    onFailure: () => void,
  ): { current(): ClientRequest } {
    let current: ClientRequest;
    const attempt = (mayRetry: boolean): void => {
      const outgoing = request({
        host: this.target.host,
        port: this.target.port,
        method: client.method,
        path: client.url,
        headers: withHost(client.rawHeaders, `${this.target.host}:${this.target.port}`),
        agent: this.agent,
      });
      current = outgoing;
      this.inFlight.add(outgoing);
      outgoing.once('close', () => this.inFlight.delete(outgoing));
      let answered = false;
      outgoing.once('response', (answer) => {
        answered = true;
        onAnswer(answer);
      });
      outgoing.once('error', (error: NodeJS.ErrnoException) => {
        if (answered) return;
        const staleConnection = outgoing.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
        if (mayRetry && staleConnection && heldBody !== undefined) attempt(false);
        else onFailure();
      });
      if (heldBody !== undefined) outgoing.end(heldBody);
    };
    attempt(true);
    return { current: () => current };
  }
}

/** Raw headers (`[name, value, name, value...]`) with every `Host` value replaced. */
function withHost(rawHeaders: readonly string[], host: string): string[] {
  return rawHeaders.map((value, index) => (index % 2 === 1 && rawHeaders[index - 1]!.toLowerCase() === 'host' ? host : value));
}
