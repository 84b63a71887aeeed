// Pull-style reading of a mail protocol stream: lines with a length limit, exact byte counts (IMAP
// literals) and dot-terminated data (SMTP DATA). The protocol loops await these calls one at a time, which
// keeps pipelined commands in order and applies back-pressure to the socket.
import type { Duplex } from 'node:stream';

export interface Line {
  /** The line without its terminator. Empty when the line was too long (its bytes are dropped). */
  text: Buffer;
  tooLong: boolean;
  /** Terminated by LF alone rather than CRLF. */
  bareLf: boolean;
}

export interface DotData {
  /** The message with dot-stuffing removed and CRLF line ends; undefined when it exceeded the limit. */
  data: Buffer | undefined;
  /** Bytes received, whether kept or not. */
  size: number;
  longLines: number;
  bareLfLines: number;
}

const HIGH_WATER = 1024 * 1024;

export class LineReader {
  private buffer: Buffer = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | undefined;
  private readonly onData = (chunk: Buffer) => {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    if (this.buffer.length > HIGH_WATER) this.stream.pause();
    this.notify();
  };
  private readonly onEnd = () => {
    this.ended = true;
    this.notify();
  };

  constructor(private readonly stream: Duplex) {
    stream.on('data', this.onData);
    stream.on('end', this.onEnd);
    stream.on('close', this.onEnd);
    stream.on('error', this.onEnd);
  }

  /** Bytes received and not yet read (non-zero after a command means the client pipelined). */
  get buffered(): number {
    return this.buffer.length;
  }

  /** Reads one line of at most maxBytes; null when the stream ended. */
  async readLine(maxBytes: number): Promise<Line | null> {
    let tooLong = false;
    for (;;) {
      const lf = this.buffer.indexOf(0x0a);
      if (lf >= 0) {
        const bareLf = lf === 0 || this.buffer[lf - 1] !== 0x0d;
        const end = bareLf ? lf : lf - 1;
        const text = tooLong || end > maxBytes ? Buffer.alloc(0) : Buffer.from(this.buffer.subarray(0, end));
        this.consume(lf + 1);
        return { text, tooLong: tooLong || end > maxBytes, bareLf };
      }
      if (this.buffer.length > maxBytes + 1) {
        // Drop what we hold of an over-long line and keep reading until its end.
        tooLong = true;
        this.consume(this.buffer.length);
      }
      if (!(await this.more())) return null;
    }
  }

  /** Reads exactly `count` bytes; null when the stream ended first. */
  async readBytes(count: number): Promise<Buffer | null> {
    while (this.buffer.length < count) {
      if (!(await this.more())) return null;
    }
    const bytes = Buffer.from(this.buffer.subarray(0, count));
    this.consume(count);
    return bytes;
  }

  /**
   * Reads SMTP DATA up to the line holding a single dot (RFC 5321 §4.1.1.4), un-stuffing leading dots.
   * Beyond maxBytes the rest is read and dropped so that the session can answer and go on.
   */
  async readDotData(maxBytes: number, maxLineBytes: number): Promise<DotData | null> {
    const parts: Buffer[] = [];
    let kept = 0;
    let size = 0;
    let overflow = false;
    let longLines = 0;
    let bareLfLines = 0;
    for (;;) {
      const line = await this.readLine(maxLineBytes);
      if (!line) return null;
      if (line.tooLong) longLines += 1;
      if (line.bareLf) bareLfLines += 1;
      // Only CRLF "." CRLF ends the data: a dot line ended by a bare LF does not (SMTP smuggling).
      if (!line.bareLf && !line.tooLong && line.text.length === 1 && line.text[0] === 0x2e) break;
      const content = line.text[0] === 0x2e ? line.text.subarray(1) : line.text;
      size += content.length + 2;
      if (overflow || size > maxBytes) {
        overflow = true;
        parts.length = 0;
        continue;
      }
      parts.push(content, CRLF);
      kept += content.length + 2;
    }
    return { data: overflow ? undefined : Buffer.concat(parts, kept), size, longLines, bareLfLines };
  }

  /**
   * Stops reading and hands back whatever was received but not read. Used before STARTTLS: those bytes
   * were sent in clear before the TLS handshake and must not be taken as protected commands (RFC 3207 §5).
   */
  detach(): Buffer {
    this.stream.off('data', this.onData);
    this.stream.off('end', this.onEnd);
    this.stream.off('close', this.onEnd);
    this.stream.off('error', this.onEnd);
    this.stream.pause();
    const rest = this.buffer;
    this.buffer = Buffer.alloc(0);
    this.ended = true;
    this.notify();
    return rest;
  }

  private consume(count: number): void {
    this.buffer = this.buffer.subarray(count);
    if (this.buffer.length < HIGH_WATER && this.stream.isPaused() && !this.ended) this.stream.resume();
  }

  private more(): Promise<boolean> {
    if (this.ended) return Promise.resolve(false);
    if (this.stream.isPaused()) this.stream.resume();
    return new Promise((resolve) => {
      this.wake = () => resolve(!this.ended || this.buffer.length > 0);
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

const CRLF = Buffer.from('\r\n');
