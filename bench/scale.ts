// `npm run bench -- scale`: the platform as deployed (`motco start` from the build, one worker per CPU) with
// many authenticated IMAP sessions held open while executions listen: vendor accounts created through the API
// (provisioning latency: from the request to the account's applicative mailbox opening over IMAP), one running
// execution per account (Délai 900 s, the AUTH_CLI unit jobs in turn), then `--held` sessions (default 1,000:
// STARTTLS, AUTHENTICATE PLAIN, SELECT INBOX) on a test mailbox, held by a child process, with rounds of one NOOP
// per session; API reads (one execution, the executions list) meanwhile; the RSS of the primary and its workers.
// Options: --held N (default 1000), --executions N (default 50).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { open } from './imap-client.ts';
import { machine, percentile, removeDir, startDeployed, textTable, treeRss, writeResults } from './motco-process.ts';
import type { ScaleClientLine, ScaleClientOptions } from './scale-client.ts';

export interface ScaleOptions {
  sessions: number;
  executions: number;
}

const TARGETS = { noopP99Ms: 50, apiP99Ms: 200, rssMb: 500 };
/** Unit jobs an account with only an AUTH_CLI identity can run without an IP address. */
const JOBS = [
  'authcli-auth-imap',
  'authcli-auth-smtp',
  'authcli-access-imap',
  'authcli-send-smtp',
  'authcli-patient-smtp',
  'authcli-headers-smtp',
  'authcli-tls-imap',
  'authcli-tls-smtp',
];
const DELAI_SECONDS = 900;
const ORGANISATION = '11111111100011';
/** Client addresses the held sessions come from (each stays under the per-address connection limits). */
const SOURCES = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];
const NOOP_ROUNDS = 5;
const NOOP_SPREAD_MS = 2000;

const mb = (bytes: number) => bytes / 1024 / 1024;

function stats(values: number[]): { n: number; p50: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
}

export async function scaleBenchmark(options: ScaleOptions): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'motco-bench-scale-'));
  const cleanups: (() => Promise<void> | void)[] = [() => removeDir(dir)];
  try {
    console.log(
      `Scale benchmark: ${options.sessions} IMAP sessions held, ${options.executions} running executions; ` +
        `${os.availableParallelism()} CPUs, Node ${process.version}`,
    );
    console.log('Copying and bundling the package…');
    const deployed = await startDeployed(dir, (running) =>
      console.log(
        `Started (HTTP after ${running.httpMs.toFixed(0)} ms, ` +
          `ports from ${running.portBase}); setting up a vendor and a test mailbox…`,
      ),
    );
    const { running: started, cli, ca, mailbox: held } = deployed;
    cleanups.unshift(() => started.stop());
    const pid = started.child.pid!;

    const psc = deployed.endpoints.find((e) => e.id === 'psc')!;
    await cli(['org', 'add', '--raison-sociale', 'Éditeur banc d’essai', '--immatriculation', ORGANISATION]);
    await cli(['user', 'add', '--login', 'bench', '--role', 'vendor', '--org', ORGANISATION]);
    const { token } = JSON.parse(await cli(['token', 'create', '--user', 'bench', '--json'])) as { token: string };
    const imapTarget = { host: psc.address, port: psc.imap, servername: psc.host, ca };

    const apiBase = `http://127.0.0.1:${started.portBase + 80}/api/v1`;
    const api = async (method: string, url: string, body?: unknown) => {
      const response = await fetch(`${apiBase}${url}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`);
      return JSON.parse(text) as any;
    };

    // Accounts, each timed from the request to its applicative mailbox opening over IMAP (password, psc endpoint).
    console.log(`Creating ${options.executions} accounts (each until its mailbox opens over IMAP)…`);
    const provisioningMs: number[] = [];
    const accounts: { id: number }[] = [];
    for (let i = 0; i < options.executions; i++) {
      const begin = performance.now();
      const account = await api('POST', '/accounts', {
        nil: `BANC-${i}`,
        idnatAuthCli: `17500${String(i).padStart(5, '0')}`,
      });
      const connection = await open({
        ...imapTarget,
        user: account.mailboxes.applicative,
        password: account.passwords.applicative,
      });
      await connection.command('s', 'SELECT INBOX');
      provisioningMs.push(performance.now() - begin);
      await connection.command('l', 'LOGOUT');
      connection.close();
      accounts.push(account);
    }

    console.log(`Starting ${accounts.length} executions (Délai ${DELAI_SECONDS} s)…`);
    const executionIds: number[] = [];
    for (const [i, account] of accounts.entries()) {
      const execution = await api('POST', '/executions', {
        account: account.id,
        target: JOBS[i % JOBS.length],
        delai: DELAI_SECONDS,
      });
      executionIds.push(execution.id);
    }

    // Memory of the whole platform, sampled while the sessions open and work.
    let peakRss = treeRss(pid).bytes;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, treeRss(pid).bytes)), 200);
    cleanups.unshift(() => clearInterval(sampler));

    console.log(
      `Opening ${options.sessions} IMAP sessions (${SOURCES.length} client addresses, ` +
        `50 at a time), then ${NOOP_ROUNDS} rounds of NOOP…`,
    );
    const clientOptions: ScaleClientOptions = {
      ...imapTarget,
      user: held.address,
      password: held.password,
      sessions: options.sessions,
      concurrency: 50,
      sources: SOURCES,
      rounds: NOOP_ROUNDS,
      spreadMs: NOOP_SPREAD_MS,
    };
    const client = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(import.meta.dirname, 'scale-client.ts'), JSON.stringify(clientOptions)],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    cleanups.unshift(() => void client.kill('SIGKILL'));
    const lines: ScaleClientLine[] = [];
    let wake: (() => void) | undefined;
    let buffer = '';
    client.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      for (let lf = buffer.indexOf('\n'); lf >= 0; lf = buffer.indexOf('\n')) {
        lines.push(JSON.parse(buffer.slice(0, lf)) as ScaleClientLine);
        buffer = buffer.slice(lf + 1);
        wake?.();
      }
    });
    let clientGone = false;
    client.on('exit', () => ((clientGone = true), wake?.()));
    const nextLine = async (): Promise<ScaleClientLine> => {
      while (lines.length === 0) {
        if (clientGone) throw new Error('the session holder exited early');
        await new Promise<void>((resolve) => (wake = resolve));
      }
      return lines.shift()!;
    };

    const opened = (await nextLine()) as Extract<ScaleClientLine, { opened: number }>;
    console.log(
      `  ${opened.opened} sessions open in ${(opened.openMs / 1000).toFixed(1)} s, ` +
        `${opened.failures} failed${opened.firstError ? ` (first: ${opened.firstError})` : ''}`,
    );

    // API reads while the NOOP rounds run: one execution, then the list, in turn, one at a time.
    const apiMs: number[] = [];
    let noops: Extract<ScaleClientLine, { noopMs: number[] }> | undefined;
    const reads = (async () => {
      for (let i = 0; !noops; i++) {
        const begin = performance.now();
        await api(
          'GET',
          i % 2 === 0 ? `/executions/${executionIds[i % executionIds.length]}` : '/executions?limit=100',
        );
        apiMs.push(performance.now() - begin);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    noops = (await nextLine()) as Extract<ScaleClientLine, { noopMs: number[] }>;
    await reads;
    const rssHeld = treeRss(pid);
    clearInterval(sampler);

    const list = (await api('GET', `/executions?limit=500&topLevel=true`)) as {
      executions: { id: number; status: string }[];
    };
    const stillRunning = list.executions.filter((e) => executionIds.includes(e.id) && e.status === 'running').length;
    client.stdin.end();

    const noop = stats(noops.noopMs);
    const read = stats(apiMs);
    const provisioning = stats(provisioningMs);
    const yes = (ok: boolean) => (ok ? 'yes' : 'NO');
    const table = textTable(
      ['measure', 'value', 'target', 'met'],
      [
        [
          'IMAP sessions open',
          `${opened.opened} / ${options.sessions}`,
          'all',
          yes(opened.opened === options.sessions),
        ],
        ['time to open them, s', (opened.openMs / 1000).toFixed(1), '-', '-'],
        [
          'executions running at the end',
          `${stillRunning} / ${executionIds.length}`,
          'all',
          yes(stillRunning === executionIds.length),
        ],
        [`NOOP p50, ms (${noop.n}, ${noops.noopFailures} failed)`, noop.p50.toFixed(1), '-', '-'],
        [
          'NOOP p99, ms',
          noop.p99.toFixed(1),
          `< ${TARGETS.noopP99Ms}`,
          yes(noop.p99 < TARGETS.noopP99Ms && noops.noopFailures === 0),
        ],
        [`API read p50, ms (${read.n})`, read.p50.toFixed(1), '-', '-'],
        ['API read p99, ms', read.p99.toFixed(1), `< ${TARGETS.apiP99Ms}`, yes(read.p99 < TARGETS.apiP99Ms)],
        [
          `RSS with the sessions held, MB (${rssHeld.each.map((b) => mb(b).toFixed(0)).join(' + ')})`,
          mb(rssHeld.bytes).toFixed(0),
          `< ${TARGETS.rssMb}`,
          yes(mb(rssHeld.bytes) < TARGETS.rssMb),
        ],
        ['RSS peak, MB', mb(peakRss).toFixed(0), `< ${TARGETS.rssMb}`, yes(mb(peakRss) < TARGETS.rssMb)],
        [`provisioning p50, ms (${provisioning.n})`, provisioning.p50.toFixed(0), '-', '-'],
        ['provisioning max, ms', provisioning.max.toFixed(0), '-', '-'],
      ],
    );
    console.log(`\n${table}`);
    const host = machine();
    console.log(
      `\nNOOP: ${NOOP_ROUNDS} rounds of one NOOP per session, ` +
        `each round spread over ${NOOP_SPREAD_MS / 1000} s; API read: ` +
        `GET /executions/{id} and GET /executions?limit=100 in turn, one at a time; provisioning: ` +
        `POST /accounts until the applicative mailbox answers SELECT over IMAP; ` +
        `RSS summed over the primary and its workers`,
    );
    console.log(
      `load average at the end: ${host.loadAverage.map((l) => l.toFixed(2)).join(' ')} (${host.cpus} CPUs, ` +
        `the load generator on the same machine; other work running meanwhile skews the figures)`,
    );
    const file = writeResults('scale', {
      scenario: 'scale',
      at: new Date().toISOString(),
      machine: host,
      targets: TARGETS,
      sessions: {
        wanted: options.sessions,
        opened: opened.opened,
        failures: opened.failures,
        firstError: opened.firstError,
        openMs: opened.openMs,
      },
      executions: { started: executionIds.length, runningAtEnd: stillRunning, delaiSeconds: DELAI_SECONDS },
      noopMs: { ...noop, failures: noops.noopFailures },
      apiReadMs: read,
      rssMb: { held: mb(rssHeld.bytes), peak: mb(peakRss), processes: rssHeld.processes, each: rssHeld.each.map(mb) },
      provisioningMs: provisioning,
    });
    console.log(`figures written to ${path.relative(process.cwd(), file)}`);
  } finally {
    for (const cleanup of cleanups) await cleanup();
  }
}
