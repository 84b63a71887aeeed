// The test runner: starts executions of a unit job, a folder (global job), the campaign or a selection of unit
// jobs (the readiness board's « Rejouer les KO »), listens to the
// journal during each unit's window, records what happens as run events (each with its French line,
// render.ts), ends early once the verdict is certain, and keeps options, log, checks, verdict and the
// observations used. With a bus, executions run by other processes of the deployment are followed here too
// (their lines and end, read from the store), a cancel reaches the process running the execution, and an
// execution a dead process left running is ended INTERRUPTED.
import { EventEmitter } from 'node:events';
import { LocalBus, type Bus, type BusMessageOf } from '../bus/bus.ts';
import type { Config } from '../config/config.ts';
import { attributable } from '../catalogue/attribution.ts';
import { expectations } from '../catalogue/expectations.ts';
import { CAMPAIGN_ORDER, findFolder, findJob, UNIT_JOBS, type Folder, type UnitJob } from '../catalogue/jobs.ts';
import { kindOf } from '../catalogue/kinds/index.ts';
import type { Check, JobAccount, Judgement } from '../catalogue/verdicts/types.ts';
import { jobMailbox } from '../catalogue/verdicts/common.ts';
import { t } from '../i18n/messages.ts';
import type { SessionRegistry } from '../mail/sessions.ts';
import type { Journal, Observation } from '../observe/journal.ts';
import type { Logger } from '../util/log.ts';
import { narrate } from '../observe/narrate.ts';
import { Intake, type JobWindow } from './intake.ts';
import { validateOptions, type OptionError } from './options.ts';
import type { ExecutionStore } from './store.ts';
import { lineOf } from './render.ts';
import type { Execution, ExecutionAccount, ExecutionEvent, RunEvent, TargetType, Verdict } from './types.ts';

export interface RunnerAccount extends JobAccount {
  id: number;
  /** The runner user id shown in logs (like the manual's CTRW3E0R0175). */
  runnerUserId: string;
}

/** Where the runner finds the accounts it runs for. */
export interface AccountDirectory {
  find(accountId: number): Promise<RunnerAccount | undefined>;
}

export interface StartRequest {
  accountId: number;
  /** Unit job id, folder id, "campaign", or "selection" with `units`. */
  target: string;
  /** A selection's unit job ids: run in the catalogue's order, whatever order they come in. */
  units?: unknown;
  delai?: unknown;
  ip?: unknown;
  startedBy: string;
}

export const SELECTION = 'selection';
/** Every unit job at most once: a selection is never longer than the catalogue. */
const MAX_SELECTION = UNIT_JOBS.length;

export type StartResult =
  | { ok: true; execution: Execution }
  | { ok: false; reason: 'unknown_target' | 'unknown_account' | 'invalid'; errors: OptionError[] | string[] };

interface RunnerDeps {
  config: Config;
  journal: Journal;
  store: ExecutionStore;
  accounts: AccountDirectory;
  sessions: SessionRegistry;
  log: Logger;
  /** The other processes of the deployment: their executions' events and cancels, claims of running executions. */
  bus?: Bus;
}

/**
 * How often the leader looks for executions left running by a dead process (PostgreSQL claims). One is ended
 * INTERRUPTED after two looks in a row found it unclaimed, so that a process reconnecting its bus (its claims
 * lost for a moment) or one between creating an execution and claiming it is never taken for dead.
 */
const SWEEP_MS = 20_000;

/** What this process knows of an execution another process runs and that someone follows here. */
interface RemoteExecution {
  /** The last line emitted here. */
  seq: number;
  finished: boolean;
  /** A read is queued: later messages ride on it. */
  queued: boolean;
  chain: Promise<void>;
}

export type Target = { type: 'job'; job: UnitJob } | { type: 'folder'; folder: Folder } | { type: 'campaign' };
/** What an execution runs: a target of the Jobs tab, or a selection of unit jobs. */
type Runnable = Target | { type: 'selection'; jobs: UnitJob[] };

/** An execution running in this process: its log sequence, its cancellation and its followers. */
class LiveExecution {
  private seq = 0;
  readonly controller = new AbortController();
  /** Why it stops before its end: a user's stop, or the platform shutting down. */
  stopReason: 'CANCELLED' | 'INTERRUPTED' = 'CANCELLED';

  constructor(
    readonly execution: Execution,
    /** The journal's last id read before the execution was created: every fact of its windows is above it. */
    readonly floor: number,
    private readonly store: ExecutionStore,
    private readonly events: EventEmitter,
    private readonly bus: Bus | undefined,
  ) {}

  /** Records an event with its French line (render.ts) and tells the followers, here and in the other processes. */
  async emit(event: RunEvent, jobId: string | null = null): Promise<void> {
    const line = await this.store.appendLog(this.execution.id, lineOf(++this.seq, event, jobId));
    this.events.emit(String(this.execution.id), { type: 'log', line } satisfies ExecutionEvent);
    this.bus?.publish({ type: 'execution', executionId: this.execution.id, seq: line.seq });
  }
}

export class Runner {
  private readonly live = new Map<number, LiveExecution>();
  private readonly events = new EventEmitter();
  /** The one subscription to the journal, for every running unit job (intake.ts). */
  private readonly intake: Intake;
  /** The other processes, if any (a LocalBus has none). */
  private readonly bus: Bus | undefined;
  /** Executions of other processes followed here. */
  private readonly remote = new Map<number, RemoteExecution>();
  /** Executions the last sweep found running and unclaimed. */
  private suspects = new Set<number>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly deps: RunnerDeps) {
    this.events.setMaxListeners(0);
    this.intake = new Intake(deps.journal, deps.log);
    this.bus = deps.bus instanceof LocalBus ? undefined : deps.bus;
    this.bus?.on('execution', (message) => this.heard(message));
    this.bus?.on('execution.cancel', ({ executionId }) => void this.stop(executionId));
  }

  /**
   * Executions a previous process left running end INTERRUPTED, with a line saying so. Alone (no bus), all of
   * them. With workers and no claims (cluster), the leader ends them at start: workers start together. With
   * claims (PostgreSQL), another instance may be running them: the leader ends those nobody claims, now and
   * every SWEEP_MS, once two looks in a row found them unclaimed; returns how many it ended now.
   */
  async recover(): Promise<number> {
    const claims = this.bus?.claims;
    if (!claims) {
      if (this.bus && !this.bus.leader()) return 0;
      const stale = await this.deps.store.running();
      for (const execution of stale) await this.interrupt(execution);
      return stale.length;
    }
    this.sweeper = setInterval(
      () =>
        void this.sweep().catch((error: unknown) =>
          this.deps.log.warn('runner: looking for abandoned executions failed', { error }),
        ),
      SWEEP_MS,
    );
    this.sweeper.unref();
    return this.sweep();
  }

  /** One look for abandoned executions (PostgreSQL claims, on the leader only). */
  private async sweep(): Promise<number> {
    const claims = this.bus?.claims;
    if (!claims || !this.bus!.leader()) {
      this.suspects.clear();
      return 0;
    }
    const previous = this.suspects;
    this.suspects = new Set();
    let ended = 0;
    for (const execution of await this.deps.store.running()) {
      if (this.live.has(execution.id) || (await claims.heldElsewhere(execution.id))) continue;
      if (!previous.has(execution.id)) this.suspects.add(execution.id);
      else {
        await this.interrupt(execution);
        ended++;
      }
    }
    return ended;
  }

  /** Ends an execution left running by a process that is gone (a previous start, a worker that died) INTERRUPTED. */
  async interrupt(execution: Execution): Promise<void> {
    const seq = (await this.deps.store.log(execution.id)).at(-1)?.seq ?? 0;
    await this.deps.store.appendLog(execution.id, lineOf(seq + 1, { type: 'stopped', reason: 'restart' }, null));
    await this.deps.store.finish(execution.id, 'INTERRUPTED', execution.checks, execution.observationIds);
    this.bus?.publish({ type: 'execution', executionId: execution.id, finished: true });
    const ended = await this.deps.store.get(execution.id);
    if (ended) this.events.emit(String(ended.id), { type: 'state', execution: ended } satisfies ExecutionEvent);
  }

  async start(request: StartRequest): Promise<StartResult> {
    const target: Runnable | undefined =
      request.target === SELECTION ? selectionOf(request.units) : resolveTarget(request.target);
    if (request.target === SELECTION && !target)
      return { ok: false, reason: 'invalid', errors: [t('runner.error.units')] };
    if (!target)
      return {
        ok: false,
        reason: 'unknown_target',
        errors: [t('runner.error.unknownTarget', { target: request.target })],
      };
    const account = await this.deps.accounts.find(request.accountId);
    if (!account) return { ok: false, reason: 'unknown_account', errors: [t('runner.error.unknownAccount')] };
    const jobs = jobsOf(target);
    const missingBal = jobs.find((j) => !jobMailbox(j, account));
    if (missingBal)
      return {
        ok: false,
        reason: 'invalid',
        errors: [t(missingBal.bal === 'PSC' ? 'runner.error.noPersonalMailbox' : 'runner.error.noApplicativeMailbox')],
      };
    const { runner } = this.deps.config;
    const ipRequired = target.type === 'job' || target.type === 'selection' ? jobs.some((j) => j.ipRequired) : true;
    const options = validateOptions(
      { delai: request.delai, ip: request.ip },
      { min: runner.delaiMinSeconds, max: runner.delaiMaxSeconds, default: runner.delaiDefaultSeconds },
      ipRequired,
    );
    if (!options.ok) return { ok: false, reason: 'invalid', errors: options.errors };
    const value = target.type === 'selection' ? { ...options.value, units: jobs.map((j) => j.id) } : options.value;

    const { execution, floor } = await this.create({
      accountId: account.id,
      account: snapshot(account),
      targetType: target.type,
      targetId: targetId(target),
      parentId: null,
      options: value,
      startedBy: request.startedBy,
    });
    void this.runTop(execution, target, account, floor).catch((error: unknown) =>
      this.deps.log.error('execution failed', { execution: execution.id, error }),
    );
    return { ok: true, execution };
  }

  /**
   * Stops an execution (and its current unit), here or in the process of the deployment that runs it; false
   * when it is not running.
   */
  async cancel(id: number): Promise<boolean> {
    if (this.stop(id)) return true;
    if (!this.bus) return false;
    const execution = await this.deps.store.get(id);
    if (execution?.status !== 'running') return false;
    // With claims, an execution nobody claims is abandoned (the sweep ends it), not running.
    if (this.bus.claims && !(await this.bus.claims.heldElsewhere(id).catch(() => true))) return false;
    this.bus.publish({ type: 'execution.cancel', executionId: id });
    return true;
  }

  /** Stops an execution running in this process; false when it does not run here. */
  private stop(id: number): boolean {
    const live = this.live.get(id);
    if (!live) return false;
    live.stopReason = 'CANCELLED';
    live.controller.abort();
    return true;
  }

  /**
   * Another process's execution wrote a line or ended: if someone follows it here, its new lines (read from the
   * store after the last one emitted) and its end are emitted here, in order.
   */
  private heard(message: BusMessageOf<'execution'>): void {
    const id = message.executionId;
    if (this.live.has(id)) return;
    if (this.events.listenerCount(String(id)) === 0) {
      this.remote.delete(id);
      return;
    }
    let remote = this.remote.get(id);
    if (!remote) {
      // Followers read the past themselves (sse.ts): from the line announced, or only the end.
      remote = {
        seq: message.seq !== undefined ? message.seq - 1 : Number.MAX_SAFE_INTEGER,
        finished: false,
        queued: false,
        chain: Promise.resolve(),
      };
      this.remote.set(id, remote);
    }
    remote.finished ||= message.finished === true;
    if (remote.queued) return;
    remote.queued = true;
    const entry = remote;
    entry.chain = entry.chain
      .then(async () => {
        entry.queued = false;
        const finished = entry.finished;
        for (const line of await this.deps.store.log(id, entry.seq)) {
          entry.seq = line.seq;
          this.events.emit(String(id), { type: 'log', line } satisfies ExecutionEvent);
        }
        if (!finished) return;
        if (this.remote.get(id) === entry) this.remote.delete(id);
        const execution = await this.deps.store.get(id);
        if (execution?.status === 'finished')
          this.events.emit(String(id), { type: 'state', execution } satisfies ExecutionEvent);
      })
      .catch((error: unknown) =>
        this.deps.log.warn('runner: reading another process’s execution failed', { execution: id, error }),
      );
  }

  /** Live events of one execution (log lines, state changes), whichever process of the deployment runs it. */
  follow(id: number, listener: (event: ExecutionEvent) => void): () => void {
    const key = String(id);
    this.events.on(key, listener);
    return () => this.events.off(key, listener);
  }

  isLive(id: number): boolean {
    return this.live.has(id);
  }

  /** Ends every running execution as INTERRUPTED (platform shutdown) and waits for them to be recorded. */
  async shutdown(): Promise<void> {
    clearInterval(this.sweeper);
    const running = [...this.live.values()];
    const ended = running.map(
      (live) =>
        new Promise<void>((resolve) =>
          this.follow(live.execution.id, (e) => e.type === 'state' && e.execution.status === 'finished' && resolve()),
        ),
    );
    for (const live of running) {
      live.stopReason = 'INTERRUPTED';
      live.controller.abort();
    }
    await Promise.all(ended);
  }

  /**
   * Records a new execution with its journal floor, read before the execution exists: a client acting the
   * moment it is created is inside its window (runUnit).
   */
  private async create(
    input: Parameters<ExecutionStore['create']>[0],
  ): Promise<{ execution: Execution; floor: number }> {
    const floor = await this.deps.journal.lastId();
    return { execution: await this.deps.store.create(input), floor };
  }

  private async runTop(execution: Execution, target: Runnable, account: RunnerAccount, floor: number): Promise<void> {
    const live = this.track(execution, floor);
    try {
      const { verdict, checks, used } =
        target.type === 'job'
          ? await this.runUnit(live, target.job, account, live.controller.signal)
          : target.type === 'folder'
            ? await this.runFolder(live, target.folder, account)
            : target.type === 'selection'
              ? await this.runSelection(live, target.jobs, account)
              : await this.runCampaign(live, account);
      await this.end(live, verdict, checks, used);
    } catch (error) {
      await live.emit({ type: 'error', message: (error as Error).message });
      await this.end(live, 'ERROR', [], []);
    }
  }

  private track(execution: Execution, floor: number): LiveExecution {
    const live = new LiveExecution(execution, floor, this.deps.store, this.events, this.bus);
    this.live.set(execution.id, live);
    this.bus?.claims?.claim(execution.id);
    return live;
  }

  private async end(live: LiveExecution, verdict: Verdict, checks: Check[], used: number[]): Promise<void> {
    await live.emit({ type: 'verdict', verdict });
    await this.deps.store.finish(live.execution.id, verdict, checks, used);
    this.live.delete(live.execution.id);
    this.bus?.claims?.release(live.execution.id);
    this.bus?.publish({ type: 'execution', executionId: live.execution.id, finished: true });
    const execution = await this.deps.store.get(live.execution.id);
    if (execution) this.events.emit(String(execution.id), { type: 'state', execution } satisfies ExecutionEvent);
  }

  /** One unit job: its window opened from its first millisecond on (intake.ts), then listened to. */
  private async runUnit(
    live: LiveExecution,
    job: UnitJob,
    account: RunnerAccount,
    signal: AbortSignal,
  ): Promise<{ verdict: Verdict; checks: Check[]; used: number[] }> {
    // The window opens when the execution is created (the moment the vendor is told it runs), not when this
    // code gets here: on a busy platform or a remote database, the client may already have acted meanwhile.
    // Every fact of the window is above the floor: the window's first read looks above it only.
    const { floor } = live;
    const start = live.execution.startedAt;
    const window = this.intake.open({ job, account, ip: live.execution.options.ip, start, floor });
    try {
      return await this.listen(live, job, account, signal, window, {
        start,
        end: start + live.execution.options.delaiSeconds * 1000,
      });
    } finally {
      window.close();
    }
  }

  /** Logs the context and what to do, listens during the window, judges, logs the checks. */
  private async listen(
    live: LiveExecution,
    job: UnitJob,
    account: RunnerAccount,
    signal: AbortSignal,
    window: JobWindow,
    { start, end }: { start: number; end: number },
  ): Promise<{ verdict: Verdict; checks: Check[]; used: number[] }> {
    const { config, sessions, store } = this.deps;
    const options = live.execution.options;
    const endpoint = config.endpoints.find((e) => e.id === job.endpoint)!;
    await store.setWindow(live.execution.id, start, end);
    const attendus = expectations(job, { config, account });
    await live.emit({ type: 'unit.started', jobId: job.id, title: job.title }, job.id);
    await live.emit({ type: 'user', runnerUserId: account.runnerUserId, nil: account.nil }, job.id);
    await live.emit(
      {
        type: 'endpoint',
        protocol: job.protocol,
        host: endpoint.host,
        port: job.protocol === 'imap' ? endpoint.imapPort : endpoint.smtpPort,
      },
      job.id,
    );
    await live.emit({ type: 'options', delaiSeconds: options.delaiSeconds, ip: options.ip }, job.id);
    await live.emit({ type: 'todo', instruction: attendus.instruction }, job.id);
    await live.emit({ type: 'window.open', from: start, until: end }, job.id);

    // A platform action the job's kind needs for its window (the reopen jobs' server-side close).
    const kind = kindOf(job);
    const armed = kind.beforeWindow?.(job, account, {
      armClose: (trigger) => sessions.armClose(trigger),
      runner: config.runner,
    });
    const seen = new Set<number>();

    const evaluate = async (final: boolean): Promise<Judgement & { observations: Observation[] }> => {
      // The facts kept for the window (intake.ts): what attribution counts among them is what it would count
      // among the whole window's, for a fraction of the reading.
      const kept = await window.observations(final ? end : Date.now());
      const observations = attributable(job, account, options.ip, kept);
      const counted = new Set(observations.map((o) => o.id));
      for (const o of observations) {
        if (seen.has(o.id)) continue;
        seen.add(o.id);
        const sentence = narrate(o);
        if (sentence) await live.emit({ type: 'fact', observationId: o.id, kind: o.kind, sentence }, job.id);
      }
      // What did not count is given too, only to explain a verdict with nothing attributable.
      const unattributed = kept.filter((o) => !counted.has(o.id));
      return {
        ...kind.judge({ job, account, ip: options.ip, window: { start, end }, observations, final, unattributed }),
        observations,
      };
    };

    try {
      let judgement: Judgement | undefined;
      while (!signal.aborted) {
        const remaining = end - Date.now();
        if (remaining <= 0) break;
        // A fact that may change the verdict wakes the loop at once (intake.ts); nothing else does.
        await window.next(remaining, signal);
        if (signal.aborted || !window.changed) continue;
        window.changed = false;
        const current = await evaluate(false);
        if (current.status === 'OK' || current.status === 'KO') {
          judgement = current;
          await live.emit({ type: 'verdict.early' }, job.id);
          break;
        }
      }
      if (signal.aborted) {
        await live.emit(
          { type: 'stopped', reason: live.stopReason === 'CANCELLED' ? 'cancelled' : 'shutdown' },
          job.id,
        );
        return { verdict: live.stopReason, checks: [], used: [] };
      }
      judgement ??= await evaluate(true);
      if (judgement.status === 'PENDING') judgement = { ...judgement, status: 'KO' };
      for (const c of judgement.checks) {
        await live.emit({ type: 'check', check: c }, job.id);
        if ((c.outcome === 'fail' || c.outcome === 'missing') && c.fix)
          await live.emit({ type: 'fix', checkId: c.id, fix: c.fix }, job.id);
      }
      return { verdict: judgement.status as Verdict, checks: judgement.checks, used: judgement.used };
    } finally {
      armed?.cancel();
    }
  }

  /** A global job: its units in order, each in its own window, with what to do before each. */
  private async runFolder(
    live: LiveExecution,
    folder: Folder,
    account: RunnerAccount,
  ): Promise<{ verdict: Verdict; checks: Check[]; used: number[] }> {
    await live.emit({ type: 'folder.started', folderId: folder.id, count: folder.jobs.length });
    return this.runChildren(
      live,
      account,
      folder.jobs.map((job) => ({ type: 'job' as const, job })),
      'job',
    );
  }

  /** The campaign: the five global jobs in the manual's order. */
  private async runCampaign(
    live: LiveExecution,
    account: RunnerAccount,
  ): Promise<{ verdict: Verdict; checks: Check[]; used: number[] }> {
    await live.emit({ type: 'campaign.started', folders: [...CAMPAIGN_ORDER] });
    return this.runChildren(
      live,
      account,
      CAMPAIGN_ORDER.map((id) => ({ type: 'folder' as const, folder: findFolder(id)! })),
      'folder',
    );
  }

  /** A selection: its unit jobs in the catalogue's order, each in its own window, as a global job runs its own. */
  private async runSelection(
    live: LiveExecution,
    jobs: UnitJob[],
    account: RunnerAccount,
  ): Promise<{ verdict: Verdict; checks: Check[]; used: number[] }> {
    await live.emit({ type: 'selection.started', jobs: jobs.map((j) => j.id) });
    return this.runChildren(
      live,
      account,
      jobs.map((job) => ({ type: 'job' as const, job })),
      'job',
    );
  }

  private async runChildren(
    live: LiveExecution,
    account: RunnerAccount,
    targets: Target[],
    childType: TargetType,
  ): Promise<{ verdict: Verdict; checks: Check[]; used: number[] }> {
    const checks: Check[] = [];
    const signal = live.controller.signal;
    for (const [index, target] of targets.entries()) {
      if (signal.aborted) break;
      const { execution: child, floor } = await this.create({
        accountId: account.id,
        account: snapshot(account),
        targetType: childType,
        targetId: targetId(target),
        parentId: live.execution.id,
        options: { delaiSeconds: live.execution.options.delaiSeconds, ip: live.execution.options.ip },
        startedBy: live.execution.startedBy,
      });
      const title = target.type === 'job' ? target.job.title : targetId(target);
      const instruction =
        target.type === 'job' ? expectations(target.job, { config: this.deps.config, account }).instruction : null;
      await live.emit(
        {
          type: 'child.started',
          executionId: child.id,
          index: index + 1,
          count: targets.length,
          targetType: childType,
          targetId: targetId(target),
          title,
          instruction,
        },
        target.type === 'job' ? target.job.id : null,
      );
      const childLive = this.track(child, floor);
      // The parent's stop stops the child: one controller per level, chained.
      const onAbort = () => {
        childLive.stopReason = live.stopReason;
        childLive.controller.abort();
      };
      signal.addEventListener('abort', onAbort);
      let result: { verdict: Verdict; checks: Check[]; used: number[] };
      try {
        if (target.type === 'campaign') throw new Error('a campaign is never a child');
        result =
          target.type === 'job'
            ? await this.runUnit(childLive, target.job, account, childLive.controller.signal)
            : await this.runFolder(childLive, target.folder, account);
      } catch (error) {
        await childLive.emit({ type: 'error', message: (error as Error).message });
        result = { verdict: 'ERROR', checks: [], used: [] };
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
      await this.end(childLive, result.verdict, result.checks, result.used);
      checks.push({
        id: targetId(target),
        label: title,
        outcome: result.verdict === 'OK' ? 'pass' : 'fail',
        detail: t('runner.childVerdict', { verdict: t(`verdict.${result.verdict}`), execution: child.id }),
        requirement: target.type === 'job' ? target.job.requirements.join(';') : '',
        observations: [],
      });
      await live.emit({
        type: 'child.ended',
        executionId: child.id,
        targetId: targetId(target),
        title,
        verdict: result.verdict,
      });
    }
    if (signal.aborted) return { verdict: live.stopReason, checks, used: [] };
    return { verdict: checks.length > 0 && checks.every((c) => c.outcome === 'pass') ? 'OK' : 'KO', checks, used: [] };
  }
}

function snapshot(account: RunnerAccount): ExecutionAccount {
  const { nil, runnerUserId, idnatPsc, idnatAuthCli, personalMailbox, applicativeMailbox, patientAddress } = account;
  return { nil, runnerUserId, idnatPsc, idnatAuthCli, personalMailbox, applicativeMailbox, patientAddress };
}

export function resolveTarget(id: string): Target | undefined {
  if (id === 'campaign') return { type: 'campaign' };
  const job = findJob(id);
  if (job) return { type: 'job', job };
  const folder = findFolder(id);
  return folder ? { type: 'folder', folder } : undefined;
}

/** The unit jobs named, in the catalogue's order; undefined unless they are 1 to 34 distinct unit job ids. */
function selectionOf(units: unknown): Runnable | undefined {
  if (!Array.isArray(units) || units.length === 0 || units.length > MAX_SELECTION) return undefined;
  const ids = new Set(units);
  if (ids.size !== units.length || ![...ids].every((id) => typeof id === 'string' && findJob(id))) return undefined;
  return { type: 'selection', jobs: UNIT_JOBS.filter((job) => ids.has(job.id)) };
}

function targetId(target: Runnable): string {
  return target.type === 'job' ? target.job.id : target.type === 'folder' ? target.folder.id : target.type;
}

function jobsOf(target: Runnable): UnitJob[] {
  if (target.type === 'job') return [target.job];
  if (target.type === 'folder') return target.folder.jobs;
  if (target.type === 'selection') return target.jobs;
  return CAMPAIGN_ORDER.flatMap((id) => findFolder(id)!.jobs);
}
