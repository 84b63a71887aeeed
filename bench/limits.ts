// `npm run bench -- limits` (issue 10): what one client can no longer do to everyone else, on a platform with
// the default limits. Prints three tables:
// - clients sending one byte every 5 s and never authenticating: when the platform cut them, and how
//   (≈ limits.preAuthDeadlineSeconds);
// - a flood of connections from 127.0.0.1 to one endpoint: how many were accepted (limits.maxConnectionsPerAddress)
//   and refused, while a client from 127.0.0.2 sends NOOPs (p50/p99), and the event loop's longest delay;
// - a folder filled to the quota with the most keywords allowed: SELECT (and STATUS, SEARCH, FETCH, STORE, the
//   refused COPY/APPEND/STORE), each with its time and the event loop's longest delay while it ran.
// The clients run in child processes (bench/limits-client.ts), so that only the platform uses this event loop.
// Options: --pre-auth-deadline S (default: the setting's default), --dribblers N (default 100, half IMAP half
// SMTP), --flood N (connections attempted, default 2000), --select-runs N (default 5).
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Platform } from '../src/platform.ts';
import type { ClientRequest, CommandResult, DribbleResult, FloodResult } from './limits-client.ts';

export interface LimitsOptions {
  preAuthDeadlineSeconds: number | undefined;
  dribblers: number;
  flood: number;
  selectRuns: number;
}

interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** One client process, driven over IPC; replies carry the id of their request. */
class Client {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, (reply: Reply) => void>();
  private lastId = 0;

  constructor() {
    this.child = fork(path.join(import.meta.dirname, 'limits-client.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (reply: Reply) => this.pending.get(reply.id)?.(reply));
  }

  request<T>(request: ClientRequest): Promise<T> {
    const id = ++this.lastId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (reply) => {
        this.pending.delete(id);
        if (reply.ok) resolve(reply.result as T);
        else reject(new Error(reply.error));
      });
      this.child.send({ id, request });
    });
  }

  async exit(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ id: 0, request: { type: 'exit' } });
    await exited;
  }
}

/** Runs some work and reports the event loop's longest delay meanwhile (2 ms resolution). */
async function watched<T>(work: () => Promise<T>): Promise<{ result: T; loopMaxMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 2 });
  histogram.enable();
  try {
    const result = await work();
    return { result, loopMaxMs: histogram.max / 1e6 };
  } finally {
    histogram.disable();
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const ms = (value: number) => value.toFixed(1);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export async function limitsBenchmark(
  start: (overrides: Record<string, unknown>) => Promise<Platform>,
  dataDir: string,
  options: LimitsOptions,
): Promise<void> {
  const overrides = options.preAuthDeadlineSeconds
    ? { limits: { preAuthDeadlineSeconds: options.preAuthDeadlineSeconds } }
    : {};
  console.log('Starting the platform (first start generates the test PKI)…');
  const platform = await start(overrides);
  const clients: Client[] = [];
  const client = () => {
    const c = new Client();
    clients.push(c);
    return c;
  };
  try {
    const { limits, mailbox: quota } = platform.config;
    const endpoint = platform.config.endpoints.find((e) => e.id === 'psc')!;
    const imap = { host: endpoint.address, port: endpoint.imapPort };
    const smtp = { host: endpoint.address, port: endpoint.smtpPort };

    // 1. Dribblers from 127.0.0.3, in the background while the rest runs.
    const half = Math.ceil(options.dribblers / 2);
    console.log(
      `Dribbling: ${options.dribblers} clients from 127.0.0.3 send one byte ` +
        `every 5 s (pre-authentication deadline ${limits.preAuthDeadlineSeconds} s)…`,
    );
    const dribbling = [
      client().request<DribbleResult>({
        type: 'dribble',
        ...imap,
        localAddress: '127.0.0.3',
        count: half,
        intervalMs: 5000,
      }),
      client().request<DribbleResult>({
        type: 'dribble',
        ...smtp,
        localAddress: '127.0.0.3',
        count: options.dribblers - half,
        intervalMs: 5000,
      }),
    ];

    // 2. A flood from 127.0.0.1 while 127.0.0.2 sends NOOPs.
    console.log(
      `Flooding: ${options.flood} connections from 127.0.0.1 to the ${endpoint.id} IMAP endpoint ` +
        `(at most ${limits.maxConnectionsPerAddress} per address and endpoint), NOOPs from 127.0.0.2…`,
    );
    const noopClient = client();
    const flooder = client();
    const noops = noopClient.request<number[]>({ type: 'noop', ...imap, localAddress: '127.0.0.2' });
    const flood = await watched(() =>
      flooder.request<FloodResult>({
        type: 'flood',
        ...imap,
        localAddress: '127.0.0.1',
        count: options.flood,
        concurrency: 100,
      }),
    );
    await noopClient.request({ type: 'stop' });
    const latencies = (await noops).sort((a, b) => a - b);
    await flooder.exit();

    // 3. A folder at quota, with the most keywords allowed, and one session on it.
    console.log(
      `Filling a folder to the quota: ${quota.quotaMessages} messages, ` +
        `${quota.maxKeywordsPerMessage} keywords each, ${quota.maxKeywordsPerFolder} keywords in the folder…`,
    );
    const user = `limites@${platform.config.mailDomain}`;
    const owner = await platform.mailboxes.create(user, 'test');
    await fillToQuota(platform, owner.id);
    const session = client();
    await session.request({
      type: 'session',
      ...imap,
      localAddress: '127.0.0.4',
      servername: endpoint.host,
      ca: readFileSync(path.join(dataDir, 'igc-sante-test-roots.pem'), 'utf8'),
      user,
      password: (await platform.mailboxes.password(owner.id))!,
    });
    const run = (text: string, literal?: string) =>
      watched(() =>
        session.request<CommandResult>({ type: 'command', text, ...(literal !== undefined ? { literal } : {}) }),
      );
    const rows: string[][] = [];
    const row = (label: string, r: { result: CommandResult; loopMaxMs: number }) =>
      rows.push([label, r.result.tagged.replace(/^c\d+ /, '').slice(0, 60), ms(r.result.ms), ms(r.loopMaxMs)]);
    const selects = [];
    for (let i = 0; i < options.selectRuns; i++) selects.push(await run('SELECT INBOX'));
    selects.sort((a, b) => a.result.ms - b.result.ms);
    row(`SELECT INBOX (median of ${selects.length})`, selects[Math.floor(selects.length / 2)]!);
    row(`SELECT INBOX (worst of ${selects.length})`, selects.at(-1)!);
    row('STATUS INBOX (MESSAGES UNSEEN UIDNEXT RECENT)', await run('STATUS INBOX (MESSAGES UNSEEN UIDNEXT RECENT)'));
    row('SEARCH UNSEEN KEYWORD kw7', await run('SEARCH UNSEEN KEYWORD kw7'));
    row('SEARCH BODY (every message read)', await run('SEARCH BODY aiguille'));
    row('FETCH 1:* (FLAGS)', await run('FETCH 1:* (FLAGS)'));
    row('STORE 1:* +FLAGS.SILENT (\\Flagged)', await run('STORE 1:* +FLAGS.SILENT (\\Flagged)'));
    row('COPY 1:* Trash (over quota)', await run('COPY 1:* Trash'));
    row('APPEND INBOX (over quota)', await run('APPEND INBOX', 'Subject: one more\r\n\r\nx\r\n'));
    row('STORE 1 +FLAGS (new keyword)', await run('STORE 1 +FLAGS (brand-new)'));

    console.log('Waiting for the dribblers to be cut…');
    const cut = (await Promise.all(dribbling)).map((d) => d.cut);

    console.log('');
    console.log(
      `Clients sending one byte every 5 s, ` +
        `never authenticating (limits.preAuthDeadlineSeconds = ${limits.preAuthDeadlineSeconds}):`,
    );
    console.log(
      table(
        ['protocol', 'clients', 'bytes sent', 'cut after (min / max)', 'last words'],
        (['IMAP', 'SMTP'] as const).map((name, i) => {
          const times = cut[i]!.map((c) => c.afterMs / 1000).sort((a, b) => a - b);
          return [
            name,
            String(cut[i]!.length),
            `${Math.min(...cut[i]!.map((c) => c.bytesSent))}–${Math.max(...cut[i]!.map((c) => c.bytesSent))}`,
            `${times[0]!.toFixed(1)} / ${times.at(-1)!.toFixed(1)} s`,
            cut[i]![0]!.lastLine.slice(0, 70),
          ];
        }),
      ),
    );
    console.log('');
    console.log(
      `Connections from one address to one endpoint ` +
        `(limits.maxConnectionsPerAddress = ${limits.maxConnectionsPerAddress}):`,
    );
    const f = flood.result;
    console.log(
      table(
        ['attempted', 'accepted', 'refused', 'failed', 'seconds', 'refusal'],
        [
          [
            String(options.flood),
            String(f.accepted),
            String(f.refused),
            String(f.failed),
            (f.ms / 1000).toFixed(1),
            f.refusal ?? '—',
          ],
        ],
      ),
    );
    console.log(
      `meanwhile, NOOP from 127.0.0.2: ${latencies.length} commands, ` +
        `p50 ${ms(percentile(latencies, 50))} ms, p99 ${ms(percentile(latencies, 99))} ms, ` +
        `max ${ms(latencies.at(-1) ?? NaN)} ms; event loop's longest delay ${ms(flood.loopMaxMs)} ms`,
    );
    console.log('');
    console.log(
      `A folder at quota: ${quota.quotaMessages} messages, ${quota.maxKeywordsPerMessage} keywords on each, ` +
        `${quota.maxKeywordsPerFolder} keywords defined in the folder:`,
    );
    console.log(table(['command', 'reply', 'ms', 'event loop max ms'], rows));
  } finally {
    for (const c of clients) await c.exit();
    await platform.stop();
  }
}

/**
 * INBOX filled to the message quota straight in the database (APPENDing ten thousand messages would only time
 * the filling): each message carries \Seen or not and the most keywords allowed, out of the most a folder may
 * define; one message holds the word the SEARCH BODY looks for.
 */
async function fillToQuota(platform: Platform, mailboxId: number): Promise<void> {
  const { quotaMessages, maxKeywordsPerMessage, maxKeywordsPerFolder } = platform.config.mailbox;
  const db = platform.store.db;
  const inbox = (await platform.mailboxes.folder(mailboxId, 'INBOX'))!;
  const keywords = Array.from({ length: maxKeywordsPerFolder }, (_, i) => `kw${i}`);
  const body = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n'.repeat(24);
  const now = Date.now();
  await db.transaction().execute(async (tx) => {
    for (const keyword of keywords)
      await tx.insertInto('folder_keywords').values({ folder_id: inbox.id, keyword, keyword_key: keyword }).execute();
    for (let uid = 1; uid <= quotaMessages; uid++) {
      const own = Array.from({ length: maxKeywordsPerMessage }, (_, j) => keywords[(uid * 7 + j) % keywords.length]!);
      const raw = Buffer.from(
        `From: <bench@example.org>\r\nSubject: message ${uid}\r\n` +
          `\r\n${body}${uid === quotaMessages ? 'aiguille\r\n' : ''}`,
      );
      await tx
        .insertInto('messages')
        .values({
          folder_id: inbox.id,
          uid,
          flags: [...(uid % 2 ? ['\\Seen'] : []), ...own].join(' '),
          internal_date: now,
          size: raw.length,
          raw,
          created_at: now,
        })
        .execute();
    }
    await tx
      .updateTable('folders')
      .set({ uid_next: quotaMessages + 1 })
      .where('id', '=', inbox.id)
      .execute();
  });
}
