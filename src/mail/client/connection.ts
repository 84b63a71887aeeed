// The line protocol under the platform's SMTP and IMAP clients (the reference LPS's plays, the webmail's
// submissions): a TCP connection read line by line (the endpoints' own LineReader), then upgraded by STARTTLS
// with exactly the TLS options the caller chose. Our own code rather than a mail library: the LPS's faults
// need byte-level control (commands before STARTTLS, chosen suites and versions, which client certificate
// goes into the handshake).
import net from 'node:net';
import tls from 'node:tls';
import { LineReader } from '../line-reader.ts';

/** Where to connect: the host name (SNI, certificate check) and the address actually dialled. */
export interface Target {
  host: string;
  address: string;
  port: number;
}

/** The client side of the handshake, as a play sets it. */
export interface TlsChoice {
  /** PEM of the only authorities trusted for the server certificate. */
  ca: string;
  /** OpenSSL cipher list for TLS ≤ 1.2 (TLS 1.3 suites keep Node's defaults). */
  ciphers: string;
  minVersion: tls.SecureVersion;
  maxVersion: tls.SecureVersion;
  /** ORG_AUTH_CLI certificate (with its chain) and key, sent when the server asks for one. */
  cert?: string;
  key?: string;
}

/** What was sent (secrets masked) and what came back, for the caller's report. */
export type Exchange = (sent: string, reply: string, ok: boolean) => void;

export interface ConnectOptions {
  localAddress?: string | undefined;
  /** Bytes written first once connected, before the greeting (a PROXY protocol header), given the socket. */
  preamble?: ((socket: net.Socket) => Buffer | undefined) | undefined;
  timeoutMs: number;
  /** Told the local port once connected, before the greeting is read. */
  onOpen: (localPort: number) => void;
  exchange: Exchange;
}

export type Upgrade =
  | { ok: true; socket: tls.TLSSocket; version: string; cipher: string }
  | { ok: false; code: string; error: string };

const MAX_LINE = 1024 * 1024;
const CONNECT_TIMEOUT_MS = 15_000;

class ProtocolTimeout extends Error {}

export class LineConnection {
  private reader: LineReader;

  private constructor(
    private socket: net.Socket | tls.TLSSocket,
    readonly localPort: number,
    private readonly timeoutMs: number,
  ) {
    this.reader = new LineReader(socket);
  }

  static open(
    target: Target,
    options: { localAddress?: string | undefined; preamble?: ConnectOptions['preamble']; timeoutMs: number },
  ): Promise<LineConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({
        host: target.address,
        port: target.port,
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      });
      const timer = setTimeout(
        () => socket.destroy(new Error(`connection to ${target.address}:${target.port} timed out`)),
        CONNECT_TIMEOUT_MS,
      );
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        // Errors after this point (a reset by the server) surface as the end of the stream.
        socket.on('error', () => {});
        const preamble = options.preamble?.(socket);
        if (preamble) socket.write(preamble);
        resolve(new LineConnection(socket, socket.localPort ?? 0, options.timeoutMs));
      });
    });
  }

  /** One line without its CRLF; null once the server closed. A silent server ends the connection. */
  async readLine(timeoutMs = this.timeoutMs): Promise<string | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    try {
      const line = await Promise.race([this.reader.readLine(MAX_LINE), timeout]);
      if (line === 'timeout') {
        this.destroy();
        throw new ProtocolTimeout(`no answer within ${timeoutMs} ms`);
      }
      return line ? line.text.toString('utf8') : null;
    } finally {
      clearTimeout(timer);
    }
  }

  async readBytes(count: number): Promise<Buffer | null> {
    return this.reader.readBytes(count);
  }

  write(data: string | Buffer): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(data);
  }

  /** After the server's go-ahead for STARTTLS: the handshake, with server verification left to the caller. */
  async upgrade(host: string, choice: TlsChoice): Promise<Upgrade> {
    const raw = this.socket as net.Socket;
    this.reader.detach();
    const socket = tls.connect({
      socket: raw,
      servername: host,
      ca: choice.ca,
      ciphers: choice.ciphers,
      minVersion: choice.minVersion,
      maxVersion: choice.maxVersion,
      ...(choice.cert && choice.key ? { cert: choice.cert, key: choice.key } : {}),
      // The certificate is judged once the handshake is done (server-certificate.ts), CRL included, and
      // the connection closed without a byte of protocol when it fails, as Node itself does.
      rejectUnauthorized: false,
    });
    const outcome = await new Promise<Upgrade>((resolve) => {
      socket.once('secureConnect', () => {
        const cipher = socket.getCipher();
        resolve({
          ok: true,
          socket,
          version: socket.getProtocol() ?? 'unknown',
          cipher: cipher.standardName ?? cipher.name,
        });
      });
      socket.once('error', (error: NodeJS.ErrnoException) =>
        resolve({ ok: false, code: error.code ?? 'ERROR', error: error.message.split('\n')[0]!.trim() }),
      );
      socket.once('close', () =>
        resolve({ ok: false, code: 'CLOSED', error: 'connection closed during the handshake' }),
      );
    });
    socket.on('error', () => {});
    this.socket = socket;
    this.reader = new LineReader(socket);
    if (!outcome.ok) socket.destroy();
    return outcome;
  }

  /** Resolves once the connection is closed (by either side). */
  closed(timeoutMs: number): Promise<boolean> {
    const socket = this.socket;
    if (socket.closed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Half-closes politely, then makes sure the socket goes. */
  async end(): Promise<void> {
    this.socket.end();
    if (!(await this.closed(2000))) this.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
