// What SMTP and IMAP sessions share about their connection: the socket (raw, then TLS), the line reader,
// the idle timer, the STARTTLS switch, and the two ways a session ends from our side (a goodbye line, or a
// half-close after the client's QUIT/LOGOUT).
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { LineReader } from './line-reader.ts';
import type { MailServices } from './services.ts';
import type { MailSession } from './session.ts';

export abstract class Conversation {
  protected socket: Socket | TLSSocket;
  protected reader: LineReader;
  protected closing = false;
  /** The socket the 'timeout' listener is attached to (raw, then TLS). */
  private timedSocket: Socket | undefined;

  constructor(
    protected readonly raw: Socket,
    protected readonly session: MailSession,
    protected readonly services: MailServices,
  ) {
    this.socket = raw;
    this.reader = new LineReader(raw);
  }

  /** Idle time allowed now: short before authentication, longer after. */
  protected abstract idleTimeoutMs(): number;

  /** The protocol's last words when we end the session: SMTP 421, IMAP * BYE. */
  protected abstract goodbye(reason: string, by: 'server' | 'timeout'): void;

  /** The reason given when the idle timer fires. */
  protected abstract readonly timeoutReason: string;

  /** Ends the session from our side (shutdown, inactivity, a reopen test), recorded as such. */
  closeByServer(reason: string, by: 'server' | 'timeout' = 'server'): void {
    if (this.closing) return;
    this.session.closedBy = by;
    this.session.closeReason = reason;
    this.goodbye(reason, by);
    this.finish();
  }

  protected write(data: string | Buffer): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(data);
  }

  /** (Re)starts the idle timer with the current allowance. */
  protected armTimeout(): void {
    if (this.timedSocket !== this.socket) {
      this.timedSocket = this.socket;
      this.socket.on('timeout', () => this.closeByServer(this.timeoutReason, 'timeout'));
    }
    this.socket.setTimeout(this.idleTimeoutMs());
  }

  /**
   * STARTTLS once the command is accepted: stop reading in clear (bytes the client pipelined after the
   * command are discarded and recorded, RFC 3207 §5 / RFC 3501 §6.2.1), send the go-ahead, then the shared
   * upgrade. False when there is no TLS session: the session is then over.
   */
  protected async switchToTls(goAhead: () => Promise<void>): Promise<boolean> {
    const injected = this.reader.detach();
    this.raw.setTimeout(0); // from here the handshake timeout applies, then the TLS socket's own timer
    await goAhead();
    if (injected.length > 0) await this.session.record('tls.plaintext_injection', { bytes: injected.length, discarded: true });
    const upgraded = await this.services.tls(this.session.endpoint.id).upgrade(this.raw, this.session);
    if (!upgraded.ok) {
      this.session.closedBy ??= upgraded.by;
      this.session.closeReason ??= `TLS: ${upgraded.reason}`;
      this.finish();
      return false;
    }
    this.session.tls = upgraded.state;
    this.socket = upgraded.socket;
    this.reader = new LineReader(upgraded.socket);
    this.armTimeout();
    return true;
  }

  /** Half-closes, then destroys if the client does not close within a moment. */
  protected finish(): void {
    if (this.closing) return;
    this.closing = true;
    this.socket.setTimeout(0);
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }
}
