// `npm run bench`: IMAP sessions per second and latency (STARTTLS, AUTHENTICATE PLAIN, SELECT INBOX, FETCH of
// a 50 kB message, LOGOUT) on the platform's IMAP server and on Dovecot, side by side, with the same client,
// certificate and concurrency, and the memory each server uses meanwhile (PSS, see memory.ts). motco is measured
// twice: in the bench's process (one thread: the per-core cost) and as deployed (`motco start` from a bundled copy,
// one worker per CPU, as Dovecot and Postfix use every CPU). Starts and stops everything itself. Options:
// --sessions N (per server, default 2000), --concurrency N (default 50), --message-kb N (default 50).
// `npm run bench -- limits` runs the limits scenario instead (bench/limits.ts, its options there); `-- startup`
// and `-- scale` theirs (bench/startup.ts, bench/scale.ts).
// `npm run bench -- journal`: the journal scale scenario (bench/journal-scale.ts; --observations N, --rounds N).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.ts';
import { startPlatform, type Platform } from '../src/platform.ts';
import { silentLogger } from '../src/util/log.ts';
import { dovecotUnavailable, startDovecot } from './dovecot.ts';
import { idleLatency } from './idle-latency.ts';
import { limitsBenchmark } from './limits.ts';
import { journalScaleBenchmark } from './journal-scale.ts';
import { appendMessage } from './imap-client.ts';
import { measureMemory, type MemoryPeak } from './memory.ts';
import { startDeployed, type Deployed, type ListedEndpoint } from './motco-process.ts';
import type { LoadOptions, LoadResult } from './imap-load.ts';
import { postfixUnavailable, startPostfix } from './postfix.ts';
import type { SmtpLoadOptions } from './smtp-load.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    sessions: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '50' },
    'message-kb': { type: 'string', default: '50' },
    // The limits scenario's.
    'pre-auth-deadline': { type: 'string' },
    dribblers: { type: 'string', default: '100' },
    flood: { type: 'string', default: '2000' },
    'select-runs': { type: 'string', default: '5' },
    // The journal scale scenario's.
    observations: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '5' },
    // The startup scenario's (bench/startup.ts).
    runs: { type: 'string', default: '3' },
    'help-runs': { type: 'string', default: '10' },
    // The scale scenario's (bench/scale.ts).
    held: { type: 'string', default: '1000' },
    executions: { type: 'string', default: '50' },
  },
});
const sessions = Number(values.sessions);
const concurrency = Number(values.concurrency);
const messageBytes = Number(values['message-kb']) * 1024;
const ENDPOINT = 'psc'; // no client certificate requested, as for personal mailboxes

/** A text message of exactly `size` bytes. */
function benchMessage(size: number): Buffer {
  const header =
    'From: <bench@example.org>\r\nSubject: benchmark\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n';
  const line = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n';
  const body = line.repeat(Math.ceil(size / line.length)).slice(0, size - header.length - 2);
  return Buffer.from(`${header}${body}\r\n`);
}

/** Runs a load generator (IMAP: imap-load.ts, SMTP: smtp-load.ts) in a child process and reads its JSON result. */
function load(options: LoadOptions | SmtpLoadOptions, script = 'imap-load.ts'): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(import.meta.dirname, script), JSON.stringify(options)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load generator exited with ${code}`)),
    );
  });
}

interface Measured {
  load: LoadResult;
  memory: MemoryPeak;
}

/** A warm-up run, then the measured one, sampling the memory of the server's processes meanwhile. */
async function measure(
  options: Omit<LoadOptions, 'sessions' | 'concurrency'> | Omit<SmtpLoadOptions, 'sessions' | 'concurrency'>,
  server: { pid: number; withDescendants: boolean },
  script = 'imap-load.ts',
): Promise<Measured> {
  const warm = await load({ ...options, sessions: Math.min(200, sessions), concurrency } as LoadOptions, script);
  if (warm.failures > 0) throw new Error(`warm-up failed: ${warm.firstError}`);
  const { result, memory } = await measureMemory(server.pid, server.withDescendants, () =>
    load({ ...options, sessions, concurrency } as LoadOptions, script),
  );
  return { load: result, memory };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

function row(name: string, { load: r, memory }: Measured): string[] {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  return [
    name,
    String(r.sessions),
    String(r.failures),
    (r.sessions / (r.wallMs / 1000)).toFixed(1),
    percentile(sorted, 50).toFixed(1),
    percentile(sorted, 99).toFixed(1),
    megabytes(memory.idleBytes),
    megabytes(memory.peakBytes),
  ];
}

function table(rows: string[][]): string {
  const header = ['server', 'sessions', 'failed', 'sessions/s', 'p50 ms', 'p99 ms', 'idle MB', 'peak MB'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

async function startOurs(dataDir: string, overrides: Record<string, unknown> = {}): Promise<Platform> {
  for (let attempt = 0; ; attempt++) {
    const portBase = 21000 + 1000 * Math.floor(Math.random() * 11); // below the ephemeral port range
    try {
      return await startPlatform(
        loadConfig({ env: {}, cwd: dataDir, overrides: { dataDir, portBase, ...overrides } }),
        { log: silentLogger },
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) throw error;
    }
  }
}

/** motco as deployed (motco-process.ts), its test mailbox holding `message`; stopped if that fails. */
async function startDeployedHolding(dir: string, message: Buffer): Promise<Deployed & { endpoint: ListedEndpoint }> {
  const deployed = await startDeployed(dir);
  try {
    const endpoint = deployed.endpoints.find((e) => e.id === ENDPOINT)!;
    const target = { host: endpoint.address, port: endpoint.imap, servername: endpoint.host, ca: deployed.ca };
    await appendMessage({ ...target, user: deployed.mailbox.address, password: deployed.mailbox.password }, message);
    return { ...deployed, endpoint };
  } catch (error) {
    await deployed.running.stop();
    throw error;
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'motco-bench-'));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(dataDir, { recursive: true, force: true })];
  try {
    console.log(
      `IMAP benchmark: ${sessions} sessions per server, ${concurrency} at a time, ` +
        `FETCH of a ${messageBytes / 1024} kB message; ${os.cpus().length} CPUs, Node ${process.version}`,
    );
    console.log('Starting the platform (first start generates the test PKI)…');
    const platform = await startOurs(dataDir);
    cleanups.unshift(() => platform.stop());
    const endpoint = platform.config.endpoints.find((e) => e.id === ENDPOINT)!;
    await platform.pki.exportTrust(dataDir);
    const ca = path.join(dataDir, 'igc-sante-test-roots.pem');
    const user = `bench@${platform.config.mailDomain}`;
    const mailbox = await platform.mailboxes.create(user, 'test');
    const message = benchMessage(messageBytes);
    await platform.mailboxes.append(mailbox.id, 'INBOX', message);
    const password = (await platform.mailboxes.password(mailbox.id))!;
    // Every server gets the same client, certificate, key and message, and the same key-exchange group:
    // the only one offered.
    const ecdhCurve = platform.config.tls.ecdhCurves.split(':')[0]!;
    const common = {
      servername: endpoint.host,
      ca: readFileSync(ca, 'utf8'),
      user,
      password,
      expectBytes: message.length,
      ecdhCurve,
    };

    const rows: string[][] = [];
    console.log(`Measuring motco (${endpoint.id} endpoint, port ${endpoint.imapPort})…`);
    // The platform runs in this process (the load generator is a child process, so not counted).
    const ours = await measure(
      { ...common, host: endpoint.address, port: endpoint.imapPort },
      { pid: process.pid, withDescendants: false },
    );
    rows.push(row('motco, in this process', ours));
    console.log('Starting motco as deployed (motco start from a bundled copy, one worker per CPU)…');
    const deployedDir = mkdtempSync(path.join(os.tmpdir(), 'motco-bench-deployed-'));
    cleanups.unshift(() => rmSync(deployedDir, { recursive: true, force: true }));
    const deployed = await startDeployedHolding(deployedDir, message);
    cleanups.unshift(() => deployed.running.stop());
    const deployedCommon = {
      ...common,
      servername: deployed.endpoint.host,
      ca: deployed.ca,
      user: deployed.mailbox.address,
    };
    const deployedName = `motco, ${os.availableParallelism()} workers`;
    console.log(`Measuring ${deployedName} (port ${deployed.endpoint.imap})…`);
    const oursDeployed = await measure(
      {
        ...deployedCommon,
        password: deployed.mailbox.password,
        host: deployed.endpoint.address,
        port: deployed.endpoint.imap,
      },
      { pid: deployed.running.child.pid!, withDescendants: true },
    );
    rows.push(row(deployedName, oursDeployed));
    // What stays once the sessions are over: tells retained memory from garbage not yet collected.
    globalThis.gc?.();
    const settled = process.memoryUsage();
    const afterGc =
      `motco after the run and a full garbage collection: RSS ${megabytes(settled.rss)} MB, ` +
      `JavaScript heap used ${megabytes(settled.heapUsed)} MB`;

    let dovecotResult: Measured | undefined;
    let dovecotFast: Measured | undefined;
    const unavailable = dovecotUnavailable();
    if (unavailable) {
      console.log(`Dovecot skipped: ${unavailable}`);
    } else {
      // Debian's default process model, then the high-performance mode; one at a time, each stopped after.
      for (const mode of ['default', 'high-performance'] as const) {
        const dovecot = await startDovecot(platform.pki.credentials(ENDPOINT), password, mode);
        try {
          console.log(
            `Measuring ${dovecot.version} in its ${mode} mode (port ${dovecot.port}, same certificate and key)…`,
          );
          await appendMessage({ ...common, host: '127.0.0.1', port: dovecot.port }, message);
          const measured = await measure(
            { ...common, host: '127.0.0.1', port: dovecot.port },
            { pid: dovecot.masterPid, withDescendants: true },
          );
          rows.push(
            row(`dovecot ${dovecot.version.split(' ')[0]} ${mode === 'default' ? 'default' : 'high-perf'}`, measured),
          );
          if (mode === 'default') dovecotResult = measured;
          else dovecotFast = measured;
        } finally {
          dovecot.stop();
        }
      }
    }

    console.log('');
    console.log(table(rows));
    for (const [name, r] of [
      ['motco', ours],
      ['dovecot', dovecotResult],
    ] as const) {
      if (r && r.load.failures > 0)
        console.log(`${name}: ${r.load.failures} failed sessions, first error: ${r.load.firstError}`);
    }
    const rate = (m: Measured) => m.load.sessions / (m.load.wallMs / 1000);
    for (const [name, r] of [['dovecot high-perf', dovecotFast]] as const) {
      if (r && r.load.failures > 0)
        console.log(`${name}: ${r.load.failures} failed sessions, first error: ${r.load.firstError}`);
    }
    if (dovecotResult) {
      console.log(
        `\nratio motco (in this process)/dovecot default: ` +
          `${(rate(ours) / rate(dovecotResult)).toFixed(2)} × the sessions per second, ` +
          `${(ours.memory.peakBytes / dovecotResult.memory.peakBytes).toFixed(2)} × the peak memory`,
      );
      if (dovecotFast)
        for (const [name, m] of [
          ['motco (in this process)', ours],
          [deployedName, oursDeployed],
        ] as const)
          console.log(
            `ratio ${name}/dovecot high-performance: ` +
              `${(rate(m) / rate(dovecotFast)).toFixed(2)} × the sessions per second, ` +
              `${(m.memory.peakBytes / dovecotFast.memory.peakBytes).toFixed(2)} × the peak memory`,
          );
      console.log(afterGc);
      console.log(
        "memory: PSS summed over the server's processes (motco in this process: the bench's process; as deployed: " +
          'the primary and its workers; ' +
          'Dovecot: master, login, auth and session processes), sampled every 50 ms',
      );
    }

    // SMTP submission: STARTTLS, AUTH PLAIN, a message of --message-kb, on the platform and on Postfix with
    // Dovecot SASL, same client (smtp-load.ts), certificate, key, key-exchange groups and concurrency.
    const smtpRows: string[][] = [];
    const smtpCommon = {
      servername: endpoint.host,
      ca: common.ca,
      user,
      password,
      ecdhCurve,
      message: message.toString('latin1'),
    };
    console.log(`\nMeasuring SMTP submission on motco (${endpoint.id} endpoint, port ${endpoint.smtpPort})…`);
    const oursSmtp = await measure(
      { ...smtpCommon, host: endpoint.address, port: endpoint.smtpPort },
      { pid: process.pid, withDescendants: false },
      'smtp-load.ts',
    );
    smtpRows.push(row('motco, in this process', oursSmtp));
    console.log(`Measuring SMTP submission on ${deployedName} (port ${deployed.endpoint.smtp})…`);
    const deployedSmtp = await measure(
      {
        ...smtpCommon,
        servername: deployed.endpoint.host,
        ca: deployed.ca,
        user: deployed.mailbox.address,
        password: deployed.mailbox.password,
        host: deployed.endpoint.address,
        port: deployed.endpoint.smtp,
      },
      { pid: deployed.running.child.pid!, withDescendants: true },
      'smtp-load.ts',
    );
    smtpRows.push(row(deployedName, deployedSmtp));
    let postfixResult: Measured | undefined;
    const noPostfix = postfixUnavailable() ?? unavailable;
    if (noPostfix) {
      console.log(`Postfix skipped: ${noPostfix}`);
    } else {
      const postfix = await startPostfix(platform.pki.credentials(ENDPOINT), password, platform.config.tls.ecdhCurves);
      try {
        console.log(`Measuring ${postfix.version} with Dovecot SASL (port ${postfix.port}, same certificate and key)…`);
        postfixResult = await measure(
          { ...smtpCommon, host: '127.0.0.1', port: postfix.port },
          { pid: postfix.masterPid, withDescendants: true },
          'smtp-load.ts',
        );
        smtpRows.push(row(postfix.version, postfixResult));
      } finally {
        postfix.stop();
      }
    }
    console.log('');
    console.log(table(smtpRows));
    for (const [name, r] of [
      ['motco SMTP', oursSmtp],
      ['postfix', postfixResult],
    ] as const) {
      if (r && r.load.failures > 0)
        console.log(`${name}: ${r.load.failures} failed sessions, first error: ${r.load.firstError}`);
    }
    if (postfixResult)
      for (const [name, m] of [
        ['motco (in this process)', oursSmtp],
        [deployedName, deployedSmtp],
      ] as const)
        console.log(
          `ratio ${name}/postfix: ${(rate(m) / rate(postfixResult)).toFixed(2)} × the messages per second, ` +
            `${(m.memory.peakBytes / postfixResult.memory.peakBytes).toFixed(2)} × the peak memory (Postfix: ` +
            `master and its services, not Dovecot's auth)`,
        );

    // Delivery to an IDLE client: from the start of an SMTP submission to the client's EXISTS (ours only:
    // Dovecot has no SMTP submission here).
    const idle = await idleLatency(platform, user, password, common.ca, 50);
    const sorted = [...idle.samplesMs].sort((a, b) => a - b);
    console.log(
      `\nSMTP submission → IDLE client (motco, ${sorted.length} messages, ` +
        `submission included): p50 ${percentile(sorted, 50).toFixed(1)} ms, ` +
        `p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`,
    );
    // Both servers and the load generator share the machine: other work running meanwhile skews the figures.
    console.log(
      `load average at the end: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (${os.cpus().length} CPUs)`,
    );
  } finally {
    for (const cleanup of cleanups) await cleanup();
  }
}

/** `npm run bench -- limits`: the limits scenario on a platform of its own, then its data folder removed. */
async function limits(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'motco-bench-'));
  try {
    const options = {
      preAuthDeadlineSeconds: values['pre-auth-deadline'] ? Number(values['pre-auth-deadline']) : undefined,
      dribblers: Number(values.dribblers),
      flood: Number(values.flood),
      selectRuns: Number(values['select-runs']),
    };
    await limitsBenchmark(
      async (overrides) => {
        const platform = await startOurs(dataDir, overrides);
        await platform.pki.exportTrust(dataDir);
        return platform;
      },
      dataDir,
      options,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** `npm run bench -- journal`: the journal scale scenario (bench/journal-scale.ts) on a platform of its own. */
async function journal(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'motco-bench-'));
  try {
    const platform = await startOurs(dataDir);
    try {
      await journalScaleBenchmark(platform, dataDir, {
        observations: Number(values.observations),
        rounds: Number(values.rounds),
      });
    } finally {
      await platform.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (positionals[0] === 'journal') await journal();
else if (positionals[0] === 'limits') await limits();
else if (positionals[0] === 'startup')
  await (await import('./startup.ts')).startupBenchmark({
    runs: Number(values.runs),
    helpRuns: Number(values['help-runs']),
  });
else if (positionals[0] === 'scale')
  await (await import('./scale.ts')).scaleBenchmark({
    sessions: Number(values.held),
    executions: Number(values.executions),
  });
else if (positionals.length > 0)
  throw new Error(`unknown benchmark scenario ${positionals[0]} (known: limits, startup, scale, journal)`);
else await main();
