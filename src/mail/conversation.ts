// What SMTP and IMAP sessions share about their connection: the socket (raw, then TLS), the line reader,
// the idle timer and the two deadlines no client can stretch by sending a byte now and then (authentication
// within limits.preAuthDeadlineSeconds of connecting, each command within limits.commandDeadlineSeconds of
// its first byte), the STARTTLS switch, and the two ways a session ends from our side (a goodbye line, or a
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
  private preAuthTimer: NodeJS.Timeout | undefined;
  private commandTimer: NodeJS.Timeout | undefined;
  /** The command deadline starts at the next byte that arrives. */
  private commandClockArmed = false;
  /** Between the STARTTLS go-ahead and the end of the handshake: no goodbye line can be written then. */
  private upgrading = false;

  constructor(
    protected readonly raw: Socket,
    protected readonly session: MailSession,
    protected readonly services: MailServices,
  ) {
    this.socket = raw;
    this.reader = this.readerOn(raw);
    const seconds = services.config.limits.preAuthDeadlineSeconds;
    this.preAuthTimer = setTimeout(
      () => this.closeByServer(`Authentication not completed within ${seconds} seconds`, 'timeout'),
      seconds * 1000,
    );
    raw.once('close', this.stopDeadlines);
  }

  /**
   * The deadlines end with the connection (raw or TLS socket, whichever closes first): nothing keeps the session in
   * memory.
   */
  private readonly stopDeadlines = () => {
    clearTimeout(this.preAuthTimer);
    clearTimeout(this.commandTimer);
  };

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
    this.session.closingAt = Date.now();
    if (this.upgrading) {
      // A line in clear would land in the middle of the TLS handshake: close without one.
      this.closing = true;
      this.raw.destroy();
      return;
    }
    this.goodbye(reason, by);
    this.finish();
  }

  /**
   * Called before reading each command (and by IMAP IDLE before waiting for DONE): the command deadline
   * stops, and starts again at the first byte the client sends, at once if bytes are already waiting.
   */
  protected awaitCommand(): void {
    clearTimeout(this.commandTimer);
    this.commandTimer = undefined;
    this.commandClockArmed = true;
    if (this.reader.buffered > 0) this.startCommandClock();
  }

  private startCommandClock(): void {
    this.commandClockArmed = false;
    if (this.closing) return;
    const seconds = this.services.config.limits.commandDeadlineSeconds;
    this.commandTimer = setTimeout(
      () => this.closeByServer(`Command not completed within ${seconds} seconds`, 'timeout'),
      seconds * 1000,
    );
  }

  private readerOn(socket: Socket | TLSSocket): LineReader {
    const reader = new LineReader(socket);
    reader.onBytes = () => {
      if (this.commandClockArmed) this.startCommandClock();
    };
    return reader;
  }

  protected write(data: string | Buffer): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(data);
  }

  /**
   * (Re)starts the idle timer with the current allowance; once authenticated, the pre-authentication deadline is over.
   */
  protected armTimeout(): void {
    if (this.session.mailbox) clearTimeout(this.preAuthTimer);
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
    if (injected.length > 0)
      await this.session.record('tls.plaintext_injection', { bytes: injected.length, discarded: true });
    if (this.closing) return false; // a deadline passed meanwhile
    this.upgrading = true;
    const upgraded = await this.services
      .tls(this.session.endpoint.id)
      .upgrade(this.raw, this.session, (reason) => this.closeByServer(reason))
      .finally(() => (this.upgrading = false));
    if (!upgraded.ok) {
      this.session.closedBy ??= upgraded.by;
      this.session.closeReason ??= `TLS: ${upgraded.reason}`;
      this.finish();
      return false;
    }
    this.session.tls = upgraded.state;
    this.socket = upgraded.socket;
    upgraded.socket.once('close', this.stopDeadlines);
    this.reader = this.readerOn(upgraded.socket);
    this.armTimeout();
    return true;
  }

  /** Half-closes, then destroys if the client does not close within a moment. */
  protected finish(): void {
    if (this.closing) return;
    this.closing = true;
    this.stopDeadlines();
    this.socket.setTimeout(0);
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }
}
