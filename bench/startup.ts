// `npm run bench -- startup`: what a user waits for, the build (scripts/build.ts) and the sources through tsx
// side by side, both run through bin/motco.js as the `motco` command: `motco start` on a data folder that
// already exists (first start done) until the web server answers and the IMAP endpoint greets, with every CPU's
// worker (the default) and with one; the memory (RSS, PSS and private, of the primary and its workers, summed
// and each) once started and idle; `motco --help` from spawn to exit. Options: --runs N (starts per row,
// default 3), --help-runs N (default 10).
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  benchPortBase,
  machine,
  median,
  packageCopy,
  removeDir,
  startMotco,
  textTable,
  timeCommand,
  treeMemory,
  writeResults,
  type Flavour,
  type ProcessMemory,
} from './motco-process.ts';

export interface StartupOptions {
  runs: number;
  helpRuns: number;
}

const TARGETS = { startMs: 2000, helpMs: 300, idleRssMb: 150 };
/** Time given to a started platform to settle (first timers, lazy loading) before its idle memory is read. */
const SETTLE_MS = 3000;

interface StartRow {
  flavour: Flavour;
  workers: number;
  httpMs: number[];
  imapMs: number[];
  idleRssMb: number[];
  idlePssMb: number[];
  idlePrivateMb: number[];
  processes: number;
  /** Idle memory of each process (MB), by name (processes of the same name summed: tsx's esbuild services). */
  each: Record<string, { count: number; rssMb: number[]; pssMb: number[]; privateMb: number[] }>;
}

const mb = (bytes: number) => bytes / 1024 / 1024;
/** MB without decimals, `n/a` where the kernel does not tell (PSS and private need /proc/PID/smaps_rollup). */
const mbText = (bytes: number) => (Number.isNaN(bytes) ? 'n/a' : mb(bytes).toFixed(0));
const sum = (values: number[]) => values.reduce((total, v) => total + v, 0);
const spread = (values: number[], digits = 0) =>
  `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;

/** Adds one start's idle memory to its row: the sums, and each process by name. */
function record(row: StartRow, memory: ProcessMemory[]): void {
  row.idleRssMb.push(mb(sum(memory.map((p) => p.rss))));
  row.idlePssMb.push(mb(sum(memory.map((p) => p.pss))));
  row.idlePrivateMb.push(mb(sum(memory.map((p) => p.private))));
  row.processes = memory.length;
  for (const name of new Set(memory.map((p) => p.name))) {
    const processes = memory.filter((p) => p.name === name);
    const entry = (row.each[name] ??= { count: 0, rssMb: [], pssMb: [], privateMb: [] });
    entry.count = processes.length;
    entry.rssMb.push(mb(sum(processes.map((p) => p.rss))));
    entry.pssMb.push(mb(sum(processes.map((p) => p.pss))));
    entry.privateMb.push(mb(sum(processes.map((p) => p.private))));
  }
}

export async function startupBenchmark(options: StartupOptions): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'motco-bench-startup-'));
  try {
    const cpus = os.availableParallelism();
    console.log(
      `Startup benchmark: ${options.runs} starts per row, ` +
        `${options.helpRuns} × --help per flavour; ${cpus} CPUs, Node ${process.version}`,
    );
    console.log('Copying the package twice and bundling one copy…');
    const roots: Record<Flavour, string> = {
      build: await packageCopy(dir, 'build'),
      tsx: await packageCopy(dir, 'tsx'),
    };

    // One data folder for every start, created by a first start (test PKI, database, secrets): "existing data".
    const dataDir = path.join(dir, 'data');
    const portBase = benchPortBase();
    console.log(`First start (creates the data folder ${dataDir}, ports from ${portBase})…`);
    await (await startMotco(roots.build, dataDir, { portBase })).stop();

    const rows: StartRow[] = [];
    for (const workers of [cpus, 1]) {
      const pair = (['build', 'tsx'] as const).map(
        (flavour) =>
          ({
            flavour,
            workers,
            httpMs: [],
            imapMs: [],
            idleRssMb: [],
            idlePssMb: [],
            idlePrivateMb: [],
            processes: 0,
            each: {},
          }) as StartRow,
      );
      rows.push(...pair);
      for (let run = 0; run < options.runs; run++) {
        // Alternating which goes first, so that neither always meets a warmer page cache.
        for (const row of run % 2 === 0 ? pair : [...pair].reverse()) {
          const started = await startMotco(roots[row.flavour], dataDir, { portBase, workers });
          await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
          const memory = treeMemory(started.child.pid!);
          await started.stop();
          row.httpMs.push(started.httpMs);
          row.imapMs.push(started.imapMs);
          record(row, memory);
          const figures = (key: 'rss' | 'pss' | 'private') =>
            `${mbText(sum(memory.map((p) => p[key])))} MB (${memory.map((p) => mbText(p[key])).join(' + ')})`;
          console.log(
            `  ${row.flavour}, ${workers} worker(s): HTTP ${started.httpMs.toFixed(0)} ms, ` +
              `IMAP ${started.imapMs.toFixed(0)} ms, ` +
              `idle RSS ${figures('rss')}, PSS ${figures('pss')}, private ${figures('private')}`,
          );
        }
      }
    }

    const help: Record<Flavour, number[]> = { build: [], tsx: [] };
    for (let run = 0; run < options.helpRuns; run++) {
      for (const flavour of run % 2 === 0 ? (['build', 'tsx'] as const) : (['tsx', 'build'] as const))
        help[flavour].push(await timeCommand(roots[flavour], ['--help']));
    }

    const verdict = (value: number, target: number) => (value < target ? 'yes' : 'NO');
    const table = textTable(
      ['measure', 'flavour', 'workers', 'median (min–max)', 'target', 'met'],
      [
        ...rows.map((r) => [
          `start → HTTP answer, ms`,
          r.flavour,
          String(r.workers),
          spread(r.httpMs),
          `< ${TARGETS.startMs}`,
          verdict(median(r.httpMs), TARGETS.startMs),
        ]),
        ...rows.map((r) => [
          `start → IMAP greeting, ms`,
          r.flavour,
          String(r.workers),
          spread(r.imapMs),
          `< ${TARGETS.startMs}`,
          verdict(median(r.imapMs), TARGETS.startMs),
        ]),
        ...rows.map((r) => [
          `idle RSS, MB (${r.processes} proc.)`,
          r.flavour,
          String(r.workers),
          spread(r.idleRssMb),
          `< ${TARGETS.idleRssMb}`,
          verdict(median(r.idleRssMb), TARGETS.idleRssMb),
        ]),
        ...(['build', 'tsx'] as const).map((f) => [
          'motco --help, ms',
          f,
          '-',
          spread(help[f]),
          `< ${TARGETS.helpMs}`,
          verdict(median(help[f]), TARGETS.helpMs),
        ]),
      ],
    );
    console.log(`\n${table}`);
    const medianText = (values: number[]) => (values.some(Number.isNaN) ? 'n/a' : median(values).toFixed(0));
    const memoryTable = textTable(
      ['idle memory, MB (median)', 'flavour', 'workers', 'RSS', 'PSS', 'private'],
      rows.flatMap((r) => [
        [
          'total',
          r.flavour,
          String(r.workers),
          medianText(r.idleRssMb),
          medianText(r.idlePssMb),
          medianText(r.idlePrivateMb),
        ],
        ...Object.entries(r.each).map(([name, p]) => [
          `  ${name}${p.count > 1 ? ` ×${p.count}` : ''}` +
            (p.rssMb.length < r.idleRssMb.length ? ` (${p.rssMb.length} of ${r.idleRssMb.length} starts)` : ''),
          r.flavour,
          String(r.workers),
          medianText(p.rssMb),
          medianText(p.pssMb),
          medianText(p.privateMb),
        ]),
      ]),
    );
    console.log(`\n${memoryTable}`);
    const host = machine();
    console.log(
      `\nstart: from spawn to the first answer (both probes poll every 10 ms); idle memory: ` +
        `${SETTLE_MS / 1000} s after both answered, summed over the primary and its workers, and each`,
    );
    console.log(
      `memory: RSS counts the pages processes share (node's code, libraries) in each of them, PSS splits them ` +
        `between them, private (Private_Clean + Private_Dirty) leaves them out`,
    );
    console.log(
      `load average at the end: ${host.loadAverage.map((l) => l.toFixed(2)).join(' ')} (${host.cpus} CPUs; ` +
        `other work running meanwhile skews the figures)`,
    );
    const file = writeResults('startup', {
      scenario: 'startup',
      at: new Date().toISOString(),
      machine: host,
      targets: TARGETS,
      starts: rows,
      helpMs: help,
    });
    console.log(`figures written to ${path.relative(process.cwd(), file)}`);
  } finally {
    removeDir(dir);
  }
}
