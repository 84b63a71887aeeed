// A minimal IMAP client for the benchmark: tagged commands over STARTTLS, literals skipped by their announced
// size. The same code drives the platform and Dovecot.
import net from 'node:net';
import tls from 'node:tls';

export interface Target {
  host: string;
  port: number;
  servername: string;
  ca: string;
  user: string;
  password: string;
  /** Source address (one of 127.0.0.0/8), to spread many sessions over several client addresses. */
  localAddress?: string;
  /** The one key-exchange group offered (the platform's first), so that every server uses the same. */
  ecdhCurve?: string;
}

/** A minimal IMAP client: tagged commands, literals skipped by their announced size. */
export class Connection {
  private buffer = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private ended = false;
  private socket: net.Socket | tls.TLSSocket;

  constructor(socket: net.Socket) {
    this.socket = socket;
    this.listen(socket);
  }

  private listen(socket: net.Socket | tls.TLSSocket): void {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake?.();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake?.();
    });
    socket.on('error', () => {});
  }

  private async more(): Promise<void> {
    if (this.ended) throw new Error('connection closed');
    await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = undefined;
  }

  /** Reads responses up to the line starting with `prefix`; returns it and the literal bytes seen. */
  async until(prefix: string): Promise<{ line: string; literalBytes: number }> {
    let literalBytes = 0;
    for (;;) {
      const lf = this.buffer.indexOf('\r\n');
      if (lf < 0) {
        await this.more();
        continue;
      }
      const line = this.buffer.subarray(0, lf).toString('latin1');
      const literal = /\{(\d+)\}$/.exec(line);
      if (literal) {
        const size = Number(literal[1]);
        while (this.buffer.length < lf + 2 + size) await this.more();
        this.buffer = this.buffer.subarray(lf + 2 + size);
        literalBytes += size;
        continue;
      }
      this.buffer = this.buffer.subarray(lf + 2);
      if (line.startsWith(prefix)) return { line, literalBytes };
    }
  }

  async command(tag: string, text: string): Promise<{ line: string; literalBytes: number }> {
    this.socket.write(`${tag} ${text}\r\n`);
    const answer = await this.until(`${tag} `);
    if (!answer.line.startsWith(`${tag} OK`)) throw new Error(`${text.split(' ')[0]}: ${answer.line}`);
    return answer;
  }

  async starttls(options: Target): Promise<void> {
    await this.command('a', 'STARTTLS');
    const plain = this.socket as net.Socket;
    plain.removeAllListeners('data');
    const secure = tls.connect({
      socket: plain,
      ca: options.ca,
      servername: options.servername,
      ...(options.ecdhCurve ? { ecdhCurve: options.ecdhCurve } : {}),
    });
    await new Promise<void>((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
    this.socket = secure;
    this.listen(secure);
  }

  async append(tag: string, folder: string, message: Buffer): Promise<void> {
    this.socket.write(`${tag} APPEND ${folder} {${message.length}}\r\n`);
    await this.until('+');
    this.socket.write(Buffer.concat([message, Buffer.from('\r\n')]));
    const answer = await this.until(`${tag} `);
    if (!answer.line.startsWith(`${tag} OK`)) throw new Error(`APPEND: ${answer.line}`);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Connects, upgrades with STARTTLS and authenticates with PLAIN and an initial response. */
export async function open(target: Target): Promise<Connection> {
  const socket = net.connect({
    port: target.port,
    host: target.host,
    ...(target.localAddress ? { localAddress: target.localAddress } : {}),
  });
  socket.setNoDelay(true);
  const connection = new Connection(socket);
  try {
    await connection.until('* OK');
    await connection.starttls(target);
    await connection.command(
      'b',
      `AUTHENTICATE PLAIN ${Buffer.from(`\0${target.user}\0${target.password}`).toString('base64')}`,
    );
    return connection;
  } catch (error) {
    connection.close();
    throw error;
  }
}

/** One measured session: SELECT INBOX, FETCH the first message whole (it must be `expectBytes` long), LOGOUT. */
export async function benchSession(target: Target, expectBytes: number): Promise<void> {
  const connection = await open(target);
  try {
    await connection.command('c', 'SELECT INBOX');
    const fetched = await connection.command('d', 'FETCH 1 (BODY.PEEK[])');
    if (fetched.literalBytes !== expectBytes)
      throw new Error(`FETCH returned ${fetched.literalBytes} bytes, expected ${expectBytes}`);
    await connection.command('e', 'LOGOUT');
  } finally {
    connection.close();
  }
}

/** Puts a message into the INBOX with APPEND and a synchronising literal. */
export async function appendMessage(target: Target, message: Buffer): Promise<void> {
  const connection = await open(target);
  try {
    await connection.append('f', 'INBOX', message);
    await connection.command('g', 'LOGOUT');
  } finally {
    connection.close();
  }
}
