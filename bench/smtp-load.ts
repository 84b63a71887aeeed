// SMTP submission load generator, run in its own process like imap-load.ts: `concurrency` workers run sessions
// until `sessions` are done — EHLO, STARTTLS, EHLO, AUTH PLAIN (initial response), MAIL FROM, RCPT TO (the user
// itself), DATA with the message, QUIT — and it prints one JSON line (imap-load.ts's LoadResult). The same code
// drives the platform and Postfix.
import net from 'node:net';
import tls from 'node:tls';
import { type LoadResult, runSessions } from './load-runner.ts';

export interface SmtpLoadOptions {
  host: string;
  port: number;
  servername: string;
  ca: string;
  user: string;
  password: string;
  /** The one key-exchange group offered (the platform's first), so that every server uses the same. */
  ecdhCurve?: string;
  /** The message, CRLF line ends, no line starting with a dot. */
  message: string;
  sessions: number;
  concurrency: number;
}

/** Replies of one SMTP connection: each resolves with the code and text of a complete (multi-line) reply. */
class Replies {
  private buffer = '';
  private waiting: ((reply: string) => void) | undefined;
  private ended = false;

  constructor(public socket: net.Socket) {
    this.listen(socket);
  }

  listen(socket: net.Socket): void {
    this.socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.waiting?.('');
    });
    socket.on('error', () => {});
  }

  private wake(): void {
    // A complete reply ends with a line whose code is followed by a space.
    const match = /(^|\r\n)\d{3} [^\r\n]*\r\n/.exec(this.buffer);
    if (!match || !this.waiting) return;
    const end = match.index + match[0].length;
    const reply = this.buffer.slice(0, end);
    this.buffer = this.buffer.slice(end);
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve(reply);
  }

  next(): Promise<string> {
    if (this.ended) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.wake();
    });
  }

  /** Sends a command (none for the greeting) and checks the reply's code. */
  async expect(command: string | null, code: string): Promise<void> {
    if (command !== null) this.socket.write(command);
    const reply = await this.next();
    const last = reply.trimEnd().split('\r\n').at(-1) ?? '';
    if (!last.startsWith(code))
      throw new Error(`${command?.split(/[ \r]/)[0] ?? 'greeting'}: ${last || 'connection closed'}`);
  }
}

async function session(o: SmtpLoadOptions): Promise<void> {
  const socket = net.connect(o.port, o.host);
  socket.setNoDelay(true);
  const r = new Replies(socket);
  try {
    await r.expect(null, '220');
    await r.expect('EHLO bench.example\r\n', '250');
    await r.expect('STARTTLS\r\n', '220');
    socket.removeAllListeners('data');
    const secure = tls.connect({
      socket,
      ca: o.ca,
      servername: o.servername,
      ...(o.ecdhCurve ? { ecdhCurve: o.ecdhCurve } : {}),
    });
    await new Promise<void>((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
    r.listen(secure);
    await r.expect('EHLO bench.example\r\n', '250');
    await r.expect(`AUTH PLAIN ${Buffer.from(`\0${o.user}\0${o.password}`).toString('base64')}\r\n`, '235');
    await r.expect(`MAIL FROM:<${o.user}>\r\n`, '250');
    await r.expect(`RCPT TO:<${o.user}>\r\n`, '250');
    await r.expect('DATA\r\n', '354');
    await r.expect(`${o.message}.\r\n`, '250');
    await r.expect('QUIT\r\n', '221');
  } finally {
    r.socket.destroy();
  }
}

function runLoad(o: SmtpLoadOptions): Promise<LoadResult> {
  return runSessions(o, () => session(o));
}

const result = await runLoad(JSON.parse(process.argv[2] ?? '{}') as SmtpLoadOptions);
process.stdout.write(`${JSON.stringify(result)}\n`);
