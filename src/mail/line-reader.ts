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

/** Storage kept after it empties only up to this size (a large literal's room is given back). */
const KEEP_BYTES = 64 * 1024;

export class LineReader {
  // Bytes received and not yet read are store[start, end). Chunks are copied into spare room, the storage
  // doubling when full, so that a line arriving a byte at a time costs linear time, not a concatenation per chunk.
  private store: Buffer = Buffer.alloc(0);
  private start = 0;
  private end = 0;
  private ended = false;
  private wake: (() => void) | undefined;
  /** Told of every chunk that arrives (the session's command deadline starts at a command's first byte). */
  onBytes: (() => void) | undefined;
  private readonly onData = (chunk: Buffer) => {
    this.onBytes?.();
    this.append(chunk);
    if (this.end - this.start > HIGH_WATER) this.stream.pause();
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
    return this.end - this.start;
  }

  /** A view of the bytes received and not yet read (valid until the next append or consume). */
  private get buffer(): Buffer {
    return this.store.subarray(this.start, this.end);
  }

  /** Reads one line of at most maxBytes; null when the stream ended. */
  async readLine(maxBytes: number): Promise<Line | null> {
    let tooLong = false;
    let scanned = 0; // bytes already known to hold no LF: each byte is searched once, however the line arrives
    for (;;) {
      const lf = this.buffer.indexOf(0x0a, scanned);
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
      scanned = this.buffer.length;
      if (!(await this.more())) return null;
    }
  }

  /** Reads exactly `count` bytes; null when the stream ended first. Taken as they arrive, copied once. */
  async readBytes(count: number): Promise<Buffer | null> {
    const bytes = Buffer.allocUnsafe(count);
    let filled = 0;
    while (filled < count) {
      if (this.buffered === 0 && !(await this.more())) return null;
      const taken = this.buffer.copy(bytes, filled, 0, Math.min(count - filled, this.buffered));
      filled += taken;
      this.consume(taken);
    }
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
    const rest = Buffer.from(this.buffer);
    this.store = Buffer.alloc(0);
    this.start = this.end = 0;
    this.ended = true;
    this.notify();
    return rest;
  }

  private append(chunk: Buffer): void {
    const held = this.end - this.start;
    if (this.end + chunk.length > this.store.length) {
      // Move what is held to the front; grow (double) when that would leave the storage more than half full,
      // so that each byte is moved a bounded number of times on average.
      const target =
        held + chunk.length > this.store.length / 2
          ? Buffer.allocUnsafe(Math.max(4096, 2 * (held + chunk.length)))
          : this.store;
      this.store.copy(target, 0, this.start, this.end);
      this.store = target;
      this.start = 0;
      this.end = held;
    }
    chunk.copy(this.store, this.end);
    this.end += chunk.length;
  }

  private consume(count: number): void {
    this.start += count;
    if (this.start === this.end) {
      this.start = this.end = 0;
      if (this.store.length > KEEP_BYTES) this.store = Buffer.alloc(0);
    }
    if (this.buffered < HIGH_WATER && this.stream.isPaused() && !this.ended) this.stream.resume();
  }

  private more(): Promise<boolean> {
    if (this.ended) return Promise.resolve(false);
    if (this.stream.isPaused()) this.stream.resume();
    return new Promise((resolve) => {
      this.wake = () => resolve(!this.ended || this.buffered > 0);
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

const CRLF = Buffer.from('\r\n');
