// `motco start` on several processes (setting `workers`): the primary forks the workers, relays their bus
// messages, restarts one that dies and stops them all on SIGINT/SIGTERM; each worker runs the whole platform
// on listening sockets the cluster shares (each connection goes to one worker). Worker 0 starts alone first,
// so that what a first start creates once (database, migrations, test PKI, admin token, identity secrets) is
// created by one process; once it serves, the platform is started and the others join. Worker 0 is the leader
// (the singleton work).
import cluster, { type Worker } from 'node:cluster';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ClusterBus, relayBus } from '../bus/cluster.ts';
import type { Config } from '../config/config.ts';
import { t } from '../i18n/messages.ts';
import { SharedConnectionLimits, shareConnectionLimits } from '../mail/connection-limits.ts';
import type { Platform } from '../platform.ts';
import { createLogger, type Logger } from '../util/log.ts';

/**
 * V8's young generation per worker, in MB (its default grows to 16 MB per semi-space under a server's allocation
 * rate): with 1,000 IMAP sessions held on two workers, 4 MB cut the resident memory by 75 MB with no measurable
 * change in NOOP latency (`npm run bench -- scale`). An operator's own --max-semi-space-size (NODE_OPTIONS) wins.
 */
const SEMI_SPACE_MB = 4;

/** Tells a forked process which worker it is: `<index>:<recover 0|1>` (not MOTCO_: that prefix is for settings). */
const ROLE_VARIABLE = '__MOTCO_WORKER';
/** A crash loop stops the platform rather than spinning: at most this many restarts within RESTART_WINDOW_MS. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
const RESTART_DELAY_MS = 500;
/** How long workers get to end their executions and close their connections before they are killed. */
const STOP_TIMEOUT_MS = 30_000;

export interface WorkerRole {
  index: number;
  /** Whether the worker ends the executions left running by a previous start (only worker 0, at the first start). */
  recover: boolean;
}

/** Primary → worker and worker → primary messages, told apart from the bus's envelopes. */
type Control = { motcoReady: { location: string } } | { motcoStop: true } | { motcoInterrupt: number[] };

/** In a forked worker, its role; undefined in the primary or a lone process. */
export function workerRole(): WorkerRole | undefined {
  const value = cluster.isWorker ? process.env[ROLE_VARIABLE] : undefined;
  const match = value ? /^(\d+):([01])$/.exec(value) : null;
  return match ? { index: Number(match[1]), recover: match[2] === '1' } : undefined;
}

/** Runs the primary until SIGINT/SIGTERM; `ready` prints the start-up output once every worker serves. */
export async function runPrimary(
  config: Config,
  count: number,
  io: { ready: (location: string) => void; err: (text: string) => void },
): Promise<number> {
  const log = createLogger(config.log.level);
  relayBus();
  shareConnectionLimits(config.limits);
  let stopping = false;
  let failed = false;
  const slots: (Worker | undefined)[] = new Array(count).fill(undefined);
  const restarts: number[] = [];
  let stopRequested!: () => void;
  const stopSignal = new Promise<void>((resolve) => (stopRequested = resolve));
  const onSignal = () => stopRequested();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // Which worker runs each execution, read off the bus messages it relays: when a worker dies, its replacement
  // ends the executions it was running INTERRUPTED (nobody else would until the next start).
  const runs = new Map<number, number>();
  cluster.on('message', (from, message: unknown) => {
    const index = slots.indexOf(from);
    const batch = (message as { motcoBus?: unknown } | null)?.motcoBus;
    if (index < 0 || !Array.isArray(batch)) return;
    for (const m of batch as { type?: unknown; executionId?: unknown; finished?: unknown }[]) {
      if (m?.type !== 'execution' || typeof m.executionId !== 'number') continue;
      if (m.finished === true) runs.delete(m.executionId);
      else runs.set(m.executionId, index);
    }
  });

  const ownHeapFlag = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('semi-space'));
  if (!ownHeapFlag) cluster.setupPrimary({ execArgv: [...process.execArgv, `--max-semi-space-size=${SEMI_SPACE_MB}`] });
  /** Forks worker `index`; resolves with its database location once it serves, rejects if it exits before. */
  const fork = (index: number, recover: boolean): Promise<string> => {
    const worker = cluster.fork({ [ROLE_VARIABLE]: `${index}:${recover ? 1 : 0}` });
    slots[index] = worker;
    return new Promise((resolve, reject) => {
      let ready = false;
      worker.on('message', (message: unknown) => {
        const location = (message as { motcoReady?: { location?: unknown } } | null)?.motcoReady?.location;
        if (typeof location !== 'string' || ready) return;
        ready = true;
        log.info(t('cli.workerReady', { index, pid: worker.process.pid ?? '?' }));
        resolve(location);
      });
      worker.once('exit', (code, signal) => {
        if (slots[index] === worker) slots[index] = undefined;
        if (!ready) reject(new Error(t('cli.workerFailed', { index, status: signal ?? `code ${code}` })));
        else if (!stopping)
          replace(
            index,
            t('cli.workerDied', { index, pid: worker.process.pid ?? '?', status: signal ?? `code ${code}` }),
          );
      });
    });
  };

  /** A worker died (or could not start): another one takes its place, unless workers die too often. */
  const replace = (index: number, why: string) => {
    log.warn(why);
    const now = Date.now();
    restarts.push(now);
    while (restarts.length > 0 && restarts[0]! < now - RESTART_WINDOW_MS) restarts.shift();
    if (restarts.length > MAX_RESTARTS) {
      log.error(t('cli.workersCrashLoop', { count: restarts.length, seconds: RESTART_WINDOW_MS / 1000 }));
      failed = true;
      stopRequested();
      return;
    }
    setTimeout(() => {
      if (stopping) return;
      join(index).then(() => {
        const orphans = [...runs].filter(([, owner]) => owner === index).map(([id]) => id);
        for (const id of orphans) runs.delete(id);
        if (orphans.length > 0) slots[index]?.send({ motcoInterrupt: orphans } satisfies Control, undefined, () => {});
      });
    }, RESTART_DELAY_MS);
  };

  /** Starts worker `index` beside those serving; resolves once it serves, or once another took its place. */
  const join = (index: number): Promise<void> =>
    fork(index, false).then(
      () => undefined,
      (error: unknown) => {
        if (!stopping) replace(index, (error as Error).message);
      },
    );

  const stopAll = async () => {
    stopping = true;
    const alive = slots.filter((w): w is Worker => w !== undefined && !w.isDead());
    await Promise.all(
      alive.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            const kill = setTimeout(() => worker.process.kill('SIGKILL'), STOP_TIMEOUT_MS);
            worker.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            if (worker.isConnected()) worker.send({ motcoStop: true } satisfies Control, undefined, () => {});
            else worker.process.kill('SIGTERM');
          }),
      ),
    );
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };

  try {
    const starting = fork(0, true);
    const location = await Promise.race([starting, stopSignal.then(() => undefined)]);
    if (location === undefined) {
      starting.catch(() => {});
      io.err(t('cli.stopping'));
      await stopAll();
      return 0;
    }
    // The platform serves: the others join (until they do, worker 0 takes every connection).
    io.ready(location);
    for (let index = 1; index < count; index++) void join(index);
  } catch (error) {
    // Worker 0 could not start (its error is on its stderr, which is ours).
    await stopAll();
    throw error;
  }
  await stopSignal;
  io.err(t('cli.stopping'));
  await stopAll();
  return failed ? 1 : 0;
}

/** Runs one worker until the primary stops it (or goes away, or a signal reaches this process directly). */
export async function runWorker(config: Config, role: WorkerRole): Promise<number> {
  const log = createLogger(config.log.level, { worker: role.index });
  // Loaded here, not above: the primary never loads the platform (its memory and start-up stay small).
  const [{ startPlatform }, { DATABASE_URL_FILE }] = await Promise.all([
    import('../platform.ts'),
    import('../store/store.ts'),
  ]);
  // PostgreSQL (a URL configured, or remembered by the data folder) carries events between processes itself
  // (LISTEN/NOTIFY, leader by advisory lock): the platform's own bus.
  const postgres = config.database.url !== undefined || existsSync(path.join(config.dataDir, DATABASE_URL_FILE));
  const bus = postgres ? undefined : new ClusterBus(role.index === 0, log);
  const connections = new SharedConnectionLimits(config.limits);
  // Listened to before the platform starts: a stop asked while it starts ends it as soon as it has started.
  const stopped = new Promise<void>((resolve) => {
    process.on('message', (message: unknown) => {
      if ((message as { motcoStop?: unknown } | null)?.motcoStop === true) resolve();
    });
    process.once('disconnect', () => resolve());
    // Ctrl+C reaches every process of the terminal's group: the primary stops the workers anyway.
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  try {
    // On PostgreSQL the runner's claims tell abandoned executions from those another process runs: it always recovers.
    const platform = await startPlatform(config, {
      log,
      recover: role.recover || postgres,
      connections,
      ...(bus ? { bus } : {}),
    });
    process.on('message', (message: unknown) => {
      const orphans = (message as { motcoInterrupt?: unknown } | null)?.motcoInterrupt;
      if (Array.isArray(orphans)) void interrupt(platform, orphans, log);
    });
    if (process.connected) process.send!({ motcoReady: { location: platform.store.location } } satisfies Control);
    await stopped;
    await platform.stop();
    return 0;
  } finally {
    await bus?.close();
    connections.close();
    // The IPC channel would keep this process alive.
    if (process.connected) process.disconnect();
  }
}

/** Ends the executions a dead worker was running, as a restart would. */
async function interrupt(platform: Platform, ids: unknown[], log: Logger): Promise<void> {
  for (const id of ids) {
    if (typeof id !== 'number') continue;
    try {
      const execution = await platform.executions.get(id);
      if (execution?.status !== 'running' || platform.runner.isLive(id)) continue;
      await platform.runner.interrupt(execution);
      log.warn(t('cli.workerExecutionInterrupted', { id }));
    } catch (error) {
      log.error('interrupting an execution of a dead worker failed', { execution: id, error });
    }
  }
}
