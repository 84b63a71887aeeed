// The clients of the limits benchmark (bench/limits.ts), run in child processes so that their work does not
// share the platform's event loop: a connection flood from one address, a NOOP client from another, clients
// that send one byte every few seconds before authenticating, and one IMAP session whose commands the parent
// times. Each child is driven over its IPC channel, one request at a time.
import net from 'node:net';
import tls from 'node:tls';

export type ClientRequest =
  | { type: 'flood'; host: string; port: number; localAddress: string; count: number; concurrency: number }
  | { type: 'noop'; host: string; port: number; localAddress: string }
  | { type: 'stop' }
  | { type: 'dribble'; host: string; port: number; localAddress: string; count: number; intervalMs: number }
  | {
      type: 'session';
      host: string;
      port: number;
      localAddress: string;
      servername: string;
      ca: string;
      user: string;
      password: string;
    }
  | { type: 'command'; text: string; literal?: string }
  | { type: 'exit' };

export interface FloodResult {
  accepted: number;
  refused: number;
  failed: number;
  refusal: string | null;
  ms: number;
}

export interface DribbleResult {
  /** Per connection: time from connecting to the server's close, and the last line it sent. */
  cut: { afterMs: number; bytesSent: number; lastLine: string }[];
}

export interface CommandResult {
  ms: number;
  tagged: string;
  untagged: number;
}

/** CRLF lines off a socket, in order; literals are not expected in what the benchmark asks. */
class Lines {
  private rest: Buffer = Buffer.alloc(0);
  private readonly queue: string[] = [];
  private wake: (() => void) | undefined;
  closed = false;

  constructor(private socket: net.Socket | tls.TLSSocket) {
    this.attach(socket);
  }

  attach(socket: net.Socket | tls.TLSSocket): void {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      let data = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
      for (let lf = data.indexOf('\r\n'); lf >= 0; lf = data.indexOf('\r\n')) {
        this.queue.push(data.subarray(0, lf).toString('latin1'));
        data = data.subarray(lf + 2);
      }
      this.rest = Buffer.from(data);
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
    socket.on('error', () => {});
  }

  detach(): void {
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('close');
  }

  /** The next line; null once the connection closed. */
  async next(): Promise<string | null> {
    while (this.queue.length === 0) {
      if (this.closed) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
    return this.queue.shift()!;
  }
}

function connect(host: string, port: number, localAddress?: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, ...(localAddress ? { localAddress } : {}) });
    socket.setNoDelay(true);
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Connections from one address as fast as `concurrency` allows; the accepted ones stay open until exit. */
const held: net.Socket[] = [];
async function flood(r: Extract<ClientRequest, { type: 'flood' }>): Promise<FloodResult> {
  const result: FloodResult = { accepted: 0, refused: 0, failed: 0, refusal: null, ms: 0 };
  const start = performance.now();
  let started = 0;
  const worker = async () => {
    while (started < r.count) {
      started++;
      try {
        const socket = await connect(r.host, r.port, r.localAddress);
        const line = await new Lines(socket).next();
        if (line?.startsWith('* OK')) {
          result.accepted++;
          held.push(socket);
        } else if (line?.startsWith('* BYE') || line?.startsWith('421')) {
          result.refused++;
          result.refusal ??= line;
          socket.destroy();
        } else {
          result.failed++;
          socket.destroy();
        }
      } catch {
        result.failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: r.concurrency }, worker));
  result.ms = performance.now() - start;
  return result;
}

/** NOOP after NOOP on one connection until told to stop, each timed from its write to its tagged OK. */
let stopped = false;
async function noop(r: Extract<ClientRequest, { type: 'noop' }>): Promise<number[]> {
  const socket = await connect(r.host, r.port, r.localAddress);
  const lines = new Lines(socket);
  await lines.next();
  const latencies: number[] = [];
  for (let i = 0; !stopped; i++) {
    const begin = performance.now();
    socket.write(`n${i} NOOP\r\n`);
    for (let line = await lines.next(); !line?.startsWith(`n${i} `); line = await lines.next()) {
      if (line === null) throw new Error('NOOP connection closed');
    }
    latencies.push(performance.now() - begin);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  socket.destroy();
  return latencies;
}

/** Connections that greet nothing back and send one byte every intervalMs, never a whole line, until cut. */
async function dribble(r: Extract<ClientRequest, { type: 'dribble' }>): Promise<DribbleResult> {
  const one = async () => {
    const start = performance.now();
    const socket = await connect(r.host, r.port, r.localAddress);
    const lines = new Lines(socket);
    let bytesSent = 0;
    const timer = setInterval(() => {
      if (!socket.destroyed && socket.writable) socket.write('x', () => bytesSent++);
    }, r.intervalMs);
    let lastLine = '';
    for (let line = await lines.next(); line !== null; line = await lines.next()) lastLine = line;
    clearInterval(timer);
    return { afterMs: performance.now() - start, bytesSent, lastLine };
  };
  return { cut: await Promise.all(Array.from({ length: r.count }, one)) };
}

/** One IMAP session: STARTTLS, AUTHENTICATE PLAIN, then the commands the parent sends. */
let session: { socket: tls.TLSSocket; lines: Lines; tag: number } | undefined;
async function open(r: Extract<ClientRequest, { type: 'session' }>): Promise<void> {
  const plain = await connect(r.host, r.port, r.localAddress);
  const lines = new Lines(plain);
  await lines.next();
  plain.write('s STARTTLS\r\n');
  while (!(await lines.next())?.startsWith('s OK'));
  lines.detach();
  const socket = tls.connect({ socket: plain, ca: r.ca, servername: r.servername });
  await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
  lines.attach(socket);
  session = { socket, lines, tag: 0 };
  const auth = await command({
    type: 'command',
    text: `AUTHENTICATE PLAIN ${Buffer.from(`\0${r.user}\0${r.password}`).toString('base64')}`,
  });
  if (!auth.tagged.includes(' OK ')) throw new Error(`authentication: ${auth.tagged}`);
}

async function command(r: Extract<ClientRequest, { type: 'command' }>): Promise<CommandResult> {
  if (!session) throw new Error('no session');
  const tag = `c${++session.tag}`;
  const begin = performance.now();
  // LITERAL+ (RFC 7888): the literal goes with the command, no continuation to wait for.
  session.socket.write(
    r.literal === undefined
      ? `${tag} ${r.text}\r\n`
      : `${tag} ${r.text} {${Buffer.byteLength(r.literal)}+}\r\n${r.literal}\r\n`,
  );
  let untagged = 0;
  for (;;) {
    const line = await session.lines.next();
    if (line === null) throw new Error(`${r.text}: connection closed`);
    if (line.startsWith(`${tag} `)) return { ms: performance.now() - begin, tagged: line, untagged };
    untagged++;
  }
}

async function handle(r: ClientRequest): Promise<unknown> {
  switch (r.type) {
    case 'flood':
      return flood(r);
    case 'noop':
      return noop(r);
    case 'stop':
      stopped = true;
      return null;
    case 'dribble':
      return dribble(r);
    case 'session':
      return open(r);
    case 'command':
      return command(r);
    case 'exit':
      for (const socket of held) socket.destroy();
      session?.socket.destroy();
      setImmediate(() => process.exit(0));
      return null;
  }
}

process.on('message', ({ id, request }: { id: number; request: ClientRequest }) => {
  handle(request).then(
    (result) => process.send!({ id, ok: true, result }),
    (error: Error) => process.send!({ id, ok: false, error: error.message }),
  );
});
