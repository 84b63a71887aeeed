// A raw IMAP conversation over a real socket, upgraded with STARTTLS, for tests that compare exact bytes with
// an RFC (test/imap-rfc.test.ts): what was sent and what came back stay readable as a transcript.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import type { EndpointConfig } from '../../src/config/config.ts';

export class RawImap {
  private socket!: net.Socket | tls.TLSSocket;
  private received = Buffer.alloc(0);
  private mark = 0;
  private tag = 0;
  private waiters: (() => void)[] = [];

  private constructor() {}

  /** Connects, reads the greeting, upgrades with STARTTLS (verifying the endpoint's certificate) and logs in. */
  static async login(endpoint: EndpointConfig, trustFile: string, user: string, password: string): Promise<RawImap> {
    const raw = new RawImap();
    raw.attach(net.connect(endpoint.imapPort, endpoint.address));
    await raw.until(/^\* OK .*\r\n/m);
    if (!/^t\d+ OK /m.test(await raw.command('STARTTLS'))) throw new Error('STARTTLS refused');
    const plain = raw.socket as net.Socket;
    plain.removeAllListeners('data');
    const secure = tls.connect({ socket: plain, ca: readFileSync(trustFile), servername: endpoint.host });
    await new Promise<void>((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
    raw.attach(secure);
    const login = await raw.command(`LOGIN ${user} ${password}`);
    if (!/^t\d+ OK /m.test(login)) throw new Error(`LOGIN refused: ${login}`);
    return raw;
  }

  private attach(socket: net.Socket | tls.TLSSocket): void {
    this.socket = socket;
    socket.on('data', (d: Buffer) => {
      this.received = Buffer.concat([this.received, d]);
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on('error', () => {});
    socket.once('close', () => this.waiters.splice(0).forEach((wake) => wake()));
  }

  /** Waits until what arrived since the last match matches (read as UTF-8); returns that text and moves past it. */
  async until(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.received.subarray(this.mark).toString('utf8');
      const match = pattern.exec(rest);
      if (match) {
        this.mark += Buffer.byteLength(rest.slice(0, match.index + match[0].length));
        return rest.slice(0, match.index + match[0].length);
      }
      if (this.socket.destroyed || Date.now() > deadline)
        throw new Error(`no ${pattern} in ${JSON.stringify(rest.slice(-500))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100).unref();
      });
    }
  }

  /**
   * Sends a tagged command (bytes as given, so 8-bit text stays 8-bit); resolves with everything up to its tagged
   * answer.
   */
  async command(text: string | Buffer): Promise<string> {
    const tag = `t${++this.tag}`;
    this.socket.write(Buffer.concat([Buffer.from(`${tag} `), Buffer.from(text), Buffer.from('\r\n')]));
    return this.until(new RegExp(`^${tag} (OK|NO|BAD)[^\r\n]*\r\n`, 'm'));
  }

  /** Sends a line that is not a tagged command (IDLE's DONE). */
  write(text: string): void {
    this.socket.write(text);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** The exchange without tags: untagged lines as they came, the tagged line as `TAG …`, lines joined by \n. */
export function untag(exchange: string): string {
  return exchange
    .replace(/\r\n$/, '')
    .replace(/^t\d+ /m, 'TAG ')
    .replaceAll('\r\n', '\n');
}
