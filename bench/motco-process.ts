// `motco` as a user runs it, for the startup and scale scenarios: copies of the package (sources with their
// modification times, package.json, bin/motco.js, node_modules linked), one bundled by scripts/build.ts and one
// left to tsx, so that both go through bin/motco.js side by side without touching the checkout's build/; and
// `motco start` in a child process on ports of its own, with probes for its first HTTP answer and IMAP greeting
// and the memory of its process tree (primary and workers); and motco "as deployed" for the IMAP/SMTP and scale
// benchmarks (startDeployed: the bundled copy started, a test mailbox, the test PKI's roots).
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { processTree, rollup } from './memory.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

export type Flavour = 'build' | 'tsx';

/** A copy of the package under `dir`: bundled (`build`) or not (`tsx`). */
export async function packageCopy(dir: string, flavour: Flavour): Promise<string> {
  const root = path.join(dir, flavour);
  mkdirSync(path.join(root, 'bin'), { recursive: true });
  cpSync(path.join(ROOT, 'src'), path.join(root, 'src'), { recursive: true, preserveTimestamps: true });
  copyFileSync(path.join(ROOT, 'package.json'), path.join(root, 'package.json'));
  copyFileSync(path.join(ROOT, 'bin', 'motco.js'), path.join(root, 'bin', 'motco.js'));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'));
  if (flavour === 'build') {
    const code = await exitOf(
      spawn(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--outdir', path.join(root, 'build')], {
        cwd: ROOT,
        stdio: 'inherit',
      }),
    );
    if (code !== 0) throw new Error(`scripts/build.ts exited with ${code}`);
  }
  return root;
}

export function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });
}

/** The environment without MOTCO_* settings a developer may have exported. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MOTCO_')));
}

/** Runs `motco ARGS` from a copy and returns its output; throws on a non-zero exit. */
export async function motco(root: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'motco.js'), ...args], {
    env: { ...cleanEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const code = await exitOf(child);
  if (code !== 0) throw new Error(`motco ${args.join(' ')} exited with ${code}: ${err}`);
  return out;
}

/** Wall time of `motco ARGS` from spawn to exit, in ms. */
export async function timeCommand(root: string, args: string[]): Promise<number> {
  const begin = performance.now();
  const code = await exitOf(
    spawn(process.execPath, [path.join(root, 'bin', 'motco.js'), ...args], { env: cleanEnv(), stdio: 'ignore' }),
  );
  if (code !== 0) throw new Error(`motco ${args.join(' ')} exited with ${code}`);
  return performance.now() - begin;
}

/**
 * A port base whose ports nobody else uses: below the tests' range (11200 and up, test/helpers/platform.ts) and
 * the ephemeral range, so that benchmarks and test runs on the same machine do not collide.
 */
export function benchPortBase(): number {
  return 3000 + 700 * Math.floor(Math.random() * 11);
}

export interface Running {
  child: ChildProcess;
  portBase: number;
  /** ms from spawn to the first HTTP answer on the web port, and to the first IMAP greeting (org endpoint). */
  httpMs: number;
  imapMs: number;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts `motco start` from a copy and waits for its first HTTP answer and IMAP greeting (or its exit). */
export async function startMotco(
  root: string,
  dataDir: string,
  options: { workers?: number; portBase?: number; env?: Record<string, string> } = {},
): Promise<Running> {
  for (let attempt = 0; ; attempt++) {
    // A given port base is kept (a data folder's certificates name its ports); a random one is retried if taken.
    const portBase = options.portBase ?? benchPortBase();
    const args = [
      path.join(root, 'bin', 'motco.js'),
      'start',
      '--data',
      dataDir,
      ...(options.workers ? ['--workers', String(options.workers)] : []),
    ];
    const begin = performance.now();
    const child = spawn(process.execPath, args, {
      env: { ...cleanEnv(), MOTCO_PORT_BASE: String(portBase), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = exitOf(child);
    let gone = false;
    void exited.then(() => (gone = true));
    const stop = async () => {
      if (!gone) child.kill('SIGTERM');
      await exited;
    };
    const deadline = begin + 120_000;
    const [httpMs, imapMs] = await Promise.all([
      until(
        () => httpAnswers(portBase + 80),
        () => gone || performance.now() > deadline,
      ).then((ok) => (ok ? performance.now() - begin : NaN)),
      until(
        () => imapGreets(portBase + 143),
        () => gone || performance.now() > deadline,
      ).then((ok) => (ok ? performance.now() - begin : NaN)),
    ]);
    if (!Number.isNaN(httpMs) && !Number.isNaN(imapMs))
      return { child, portBase, httpMs, imapMs, output: () => out, stop };
    await stop();
    if (options.portBase || !/EADDRINUSE/.test(out) || attempt >= 5)
      throw new Error(`motco start did not serve (HTTP ${httpMs} ms, IMAP ${imapMs} ms, exited: ${gone}):\n${out}`);
  }
}

/** An endpoint as `motco endpoints --json` lists it. */
export interface ListedEndpoint {
  id: string;
  host: string;
  address: string;
  imap: number;
  smtp: number;
}

export interface Deployed {
  running: Running;
  /** Runs `motco ARGS --data DATA` from the copy, on the running platform's ports; returns its output. */
  cli: (args: string[]) => Promise<string>;
  endpoints: ListedEndpoint[];
  /** A test mailbox, `bench@DOMAIN`. */
  mailbox: { address: string; password: string };
  /** The test PKI's roots (PEM), exported into the data folder: what clients trust. */
  ca: string;
}

/**
 * motco as deployed: a bundled copy of the package under `dir` run by `motco start` (one worker per CPU) on a new
 * data folder `dir/data`, then a test mailbox `bench@DOMAIN` added and the test PKI's roots exported through the
 * command line. `started` is called once it serves, before that set-up; the platform is stopped if the set-up fails.
 */
export async function startDeployed(dir: string, started?: (running: Running) => void): Promise<Deployed> {
  const root = await packageCopy(dir, 'build');
  const dataDir = path.join(dir, 'data');
  const running = await startMotco(root, dataDir);
  try {
    started?.(running);
    const cli = (args: string[]) =>
      motco(root, [...args, '--data', dataDir], { MOTCO_PORT_BASE: String(running.portBase) });
    const listing = JSON.parse(await cli(['endpoints', '--json'])) as { domain: string; endpoints: ListedEndpoint[] };
    const mailbox = JSON.parse(
      await cli(['mailbox', 'add', `bench@${listing.domain}`, '--type', 'test', '--json']),
    ) as { address: string; password: string };
    await cli(['pki', 'export', '--out', dataDir]);
    const ca = readFileSync(path.join(dataDir, 'igc-sante-test-roots.pem'), 'utf8');
    return { running, cli, endpoints: listing.endpoints, mailbox, ca };
  } catch (error) {
    await running.stop();
    throw error;
  }
}

/** Polls `probe` every 10 ms until it succeeds (true) or `giveUp` says so (false). */
async function until(probe: () => Promise<boolean>, giveUp: () => boolean): Promise<boolean> {
  for (;;) {
    if (await probe()) return true;
    if (giveUp()) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function httpAnswers(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** Whether an IMAP server on `port` sends its greeting. */
function imapGreets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(5000, () => done(false));
    socket.on('data', (d: Buffer) => {
      data += d.toString('latin1');
      if (data.includes('\r\n')) done(data.startsWith('* OK'));
    });
    socket.on('error', () => done(false));
  });
}

/** VmRSS of one process in bytes, or undefined when it is gone. */
function rssBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined; // gone meanwhile
  }
}

/** RSS in bytes summed over a process and its descendants (the primary and its workers), and each one's. */
export function treeRss(pid: number): { bytes: number; processes: number; each: number[] } {
  const each = processTree(pid)
    .map(rssBytes)
    .filter((b) => b !== undefined);
  return { bytes: each.reduce((sum, b) => sum + b, 0), processes: each.length, each };
}

export interface ProcessMemory {
  /** `primary` (with workers), `single process` (none), `worker N` (the index, by fork order), else the command. */
  name: string;
  rss: number;
  /** PSS (shared pages split between the processes mapping them); NaN where smaps_rollup cannot be read. */
  pss: number;
  /** Private_Clean + Private_Dirty: what only this process maps; NaN where smaps_rollup cannot be read. */
  private: number;
}

/**
 * RSS, PSS and private memory of a process and its descendants, each process named, in the order of treeRss:
 * RSS double-counts what the processes share (node's code, libraries), PSS splits it, private leaves it out.
 */
export function treeMemory(pid: number): ProcessMemory[] {
  const each: ProcessMemory[] = [];
  const tree = processTree(pid);
  const nodes = tree.filter((p) => p !== pid && command(p) === command(pid));
  for (const p of tree) {
    const rss = rssBytes(p);
    if (rss === undefined) continue;
    const worker = nodes.indexOf(p);
    const name =
      p === pid ? (nodes.length > 0 ? 'primary' : 'single process') : worker >= 0 ? `worker ${worker}` : command(p);
    const shared = rollup(p);
    each.push({ name, rss, pss: shared?.pss ?? NaN, private: shared?.private ?? NaN });
  }
  return each;
}

/** A process's command name (/proc/PID/comm: `node` for motco's processes, `esbuild` for tsx's service). */
function command(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** A plain text table, first column left-aligned. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The machine and its load, for the record. */
export function machine(): { cpus: number; cpuModel: string; node: string; loadAverage: number[] } {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '?',
    node: process.version,
    loadAverage: os.loadavg(),
  };
}

/** Writes a scenario's figures as JSON under .tmp/bench/ and returns the path. */
export function writeResults(scenario: string, results: unknown): string {
  const file = path.join(ROOT, '.tmp', 'bench', `${scenario}.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
