// The test runner: starts executions of a unit job, a folder (global job) or the campaign, listens to the
// journal during each unit's window, logs what the client does in French, ends early once the verdict is
// certain, and keeps options, log, checks, verdict and the observations used.
import { EventEmitter } from 'node:events';
import type { Config } from '../config/config.ts';
import { attributable } from '../catalogue/attribution.ts';
import { expectations } from '../catalogue/expectations.ts';
import { CAMPAIGN_ORDER, findFolder, findJob, type Folder, type UnitJob } from '../catalogue/jobs.ts';
import { JUDGES, type Check, type JobAccount, type Judgement } from '../catalogue/verdicts/index.ts';
import { CHECK_MARKS, jobMailbox } from '../catalogue/verdicts/common.ts';
import { REOPEN_CLOSE_REASON } from '../catalogue/verdicts/reopen.ts';
import { t } from '../i18n/messages.ts';
import { clockTime } from '../i18n/time.ts';
import type { SessionRegistry } from '../mail/sessions.ts';
import type { Journal, Observation } from '../observe/journal.ts';
import type { Logger } from '../util/log.ts';
import { narrate } from '../observe/narrate.ts';
import { validateOptions, type OptionError } from './options.ts';
import type { ExecutionStore } from './store.ts';
import type { Execution, ExecutionAccount, ExecutionEvent, LogLevel, TargetType, Verdict } from './types.ts';

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
  /** Unit job id, folder id, or "campaign". */
  target: string;
  delai?: unknown;
  ip?: unknown;
  startedBy: string;
}

export type StartResult = { ok: true; execution: Execution } | { ok: false; reason: 'unknown_target' | 'unknown_account' | 'invalid'; errors: OptionError[] | string[] };

interface RunnerDeps {
  config: Config;
  journal: Journal;
  store: ExecutionStore;
  accounts: AccountDirectory;
  sessions: SessionRegistry;
  log: Logger;
}

export type Target = { type: 'job'; job: UnitJob } | { type: 'folder'; folder: Folder } | { type: 'campaign' };

/** How often a running unit job looks at the journal even without news from this process. */
const RESCAN_MS = 3000;

/** An execution running in this process: its log sequence, its cancellation and its followers. */
class LiveExecution {
  private seq = 0;
  readonly controller = new AbortController();
  /** Why it stops before its end: a user's stop, or the platform shutting down. */
  stopReason: 'CANCELLED' | 'INTERRUPTED' = 'CANCELLED';

  constructor(
    readonly execution: Execution,
    private readonly store: ExecutionStore,
    private readonly events: EventEmitter,
  ) {}

  async log(level: LogLevel, text: string, jobId: string | null = null): Promise<void> {
    const line = await this.store.appendLog(this.execution.id, ++this.seq, level, text, jobId);
    this.events.emit(String(this.execution.id), { type: 'log', line } satisfies ExecutionEvent);
  }
}

export class Runner {
  private readonly live = new Map<number, LiveExecution>();
  private readonly events = new EventEmitter();

  constructor(private readonly deps: RunnerDeps) {
    this.events.setMaxListeners(0);
  }

  /** Executions a previous process left running end INTERRUPTED, with a line saying so. */
  async recover(): Promise<number> {
    const stale = await this.deps.store.running();
    for (const execution of stale) {
      const seq = (await this.deps.store.log(execution.id)).at(-1)?.seq ?? 0;
      await this.deps.store.appendLog(execution.id, seq + 1, 'error', t('runner.interruptedAtRestart'), null);
      await this.deps.store.finish(execution.id, 'INTERRUPTED', execution.checks, execution.observationIds);
    }
    return stale.length;
  }

  async start(request: StartRequest): Promise<StartResult> {
    const target = resolveTarget(request.target);
    if (!target) return { ok: false, reason: 'unknown_target', errors: [t('runner.error.unknownTarget', { target: request.target })] };
    const account = await this.deps.accounts.find(request.accountId);
    if (!account) return { ok: false, reason: 'unknown_account', errors: [t('runner.error.unknownAccount')] };
    const jobs = jobsOf(target);
    const missingBal = jobs.find((j) => !jobMailbox(j, account));
    if (missingBal) return { ok: false, reason: 'invalid', errors: [t(missingBal.bal === 'PSC' ? 'runner.error.noPersonalMailbox' : 'runner.error.noApplicativeMailbox')] };
    const { runner } = this.deps.config;
    const ipRequired = target.type !== 'job' || target.job.ipRequired;
    const options = validateOptions({ delai: request.delai, ip: request.ip }, { min: runner.delaiMinSeconds, max: runner.delaiMaxSeconds, default: runner.delaiDefaultSeconds }, ipRequired);
    if (!options.ok) return { ok: false, reason: 'invalid', errors: options.errors };

    const execution = await this.deps.store.create({ accountId: account.id, account: snapshot(account), targetType: target.type, targetId: targetId(target), parentId: null, options: options.value, startedBy: request.startedBy });
    void this.runTop(execution, target, account).catch((error: unknown) => this.deps.log.error('execution failed', { execution: execution.id, error }));
    return { ok: true, execution };
  }

  /** Stops an execution (and its current unit); false when it is not running here. */
  cancel(id: number): boolean {
    const live = this.live.get(id);
    if (!live) return false;
    live.stopReason = 'CANCELLED';
    live.controller.abort();
    return true;
  }

  /** Live events of one execution (log lines, state changes) in this process. */
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
    const running = [...this.live.values()];
    const ended = running.map((live) => new Promise<void>((resolve) => this.follow(live.execution.id, (e) => e.type === 'state' && e.execution.status === 'finished' && resolve())));
    for (const live of running) {
      live.stopReason = 'INTERRUPTED';
      live.controller.abort();
    }
    await Promise.all(ended);
  }

  private async runTop(execution: Execution, target: Target, account: RunnerAccount): Promise<void> {
    const live = this.track(execution);
    try {
      const { verdict, checks, used } =
        target.type === 'job' ? await this.runUnit(live, target.job, account, live.controller.signal) : target.type === 'folder' ? await this.runFolder(live, target.folder, account) : await this.runCampaign(live, account);
      await this.end(live, verdict, checks, used);
    } catch (error) {
      await live.log('error', t('runner.platformError', { message: (error as Error).message }));
      await this.end(live, 'ERROR', [], []);
    }
  }

  private track(execution: Execution): LiveExecution {
    const live = new LiveExecution(execution, this.deps.store, this.events);
    this.live.set(execution.id, live);
    return live;
  }

  private async end(live: LiveExecution, verdict: Verdict, checks: Check[], used: number[]): Promise<void> {
    await live.log('result', t('runner.result', { verdict: t(`verdict.${verdict}`), code: verdict === 'OK' ? 0 : 1 }));
    await this.deps.store.finish(live.execution.id, verdict, checks, used);
    this.live.delete(live.execution.id);
    const execution = await this.deps.store.get(live.execution.id);
    if (execution) this.events.emit(String(execution.id), { type: 'state', execution } satisfies ExecutionEvent);
  }

  /** One unit job: log the context and what to do, listen during the window, judge, log the checks. */
  private async runUnit(live: LiveExecution, job: UnitJob, account: RunnerAccount, signal: AbortSignal): Promise<{ verdict: Verdict; checks: Check[]; used: number[] }> {
    const { config, journal, sessions, store } = this.deps;
    const options = live.execution.options;
    const endpoint = config.endpoints.find((e) => e.id === job.endpoint)!;
    const start = Date.now();
    const end = start + options.delaiSeconds * 1000;
    await store.setWindow(live.execution.id, start, end);
    const attendus = expectations(job, { config, account });
    await live.log('step', t('runner.unitStart', { title: job.title, id: job.id }), job.id);
    await live.log('info', t('runner.user', { user: account.runnerUserId, nil: account.nil }), job.id);
    await live.log('info', t('runner.endpoint', { protocol: job.protocol.toUpperCase(), host: endpoint.host, port: job.protocol === 'imap' ? endpoint.imapPort : endpoint.smtpPort }), job.id);
    await live.log('info', t('runner.options', { delai: options.delaiSeconds, ip: options.ip ?? t('runner.noIp') }), job.id);
    await live.log('step', t('runner.todo', { instruction: attendus.instruction }), job.id);
    await live.log('info', t('runner.listening', { until: clock(end) }), job.id);

    const armed = job.kind === 'reopen' ? this.armReopen(job, account) : undefined;
    const seen = new Set<number>();
    let changed = false;
    let wake: () => void = () => {};
    const unsubscribe = journal.subscribe({ since: start }, () => {
      changed = true;
      wake();
    });
    const onAbort = () => wake();
    signal.addEventListener('abort', onAbort);

    const evaluate = async (final: boolean): Promise<Judgement & { observations: Observation[] }> => {
      const window = await journal.query({ since: start, until: final ? end : Date.now() });
      const observations = attributable(job, account, options.ip, window);
      const counted = new Set(observations.map((o) => o.id));
      for (const o of observations) {
        if (seen.has(o.id)) continue;
        seen.add(o.id);
        const line = narrate(o);
        if (line) await live.log('fact', line, job.id);
      }
      // What did not count is given too, only to explain a verdict with nothing attributable.
      const unattributed = window.filter((o) => !counted.has(o.id));
      return { ...JUDGES[job.kind]({ job, account, ip: options.ip, window: { start, end }, observations, final, unattributed }), observations };
    };

    try {
      let judgement: Judgement | undefined;
      let evaluatedAt = 0;
      while (!signal.aborted) {
        const remaining = end - Date.now();
        if (remaining <= 0) break;
        if (!changed) await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, Math.min(remaining, 1000)).unref();
        });
        // New facts of this process wake the loop at once; facts another process recorded in a shared
        // database (several instances on PostgreSQL) are picked up by a look every few seconds.
        if (signal.aborted || (!changed && Date.now() - evaluatedAt < RESCAN_MS)) continue;
        changed = false;
        evaluatedAt = Date.now();
        const current = await evaluate(false);
        if (current.status === 'OK' || current.status === 'KO') {
          judgement = current;
          await live.log('info', t('runner.earlyEnd'), job.id);
          break;
        }
      }
      if (signal.aborted) {
        await live.log('error', t(live.stopReason === 'CANCELLED' ? 'runner.cancelled' : 'runner.interrupted'), job.id);
        return { verdict: live.stopReason, checks: [], used: [] };
      }
      judgement ??= await evaluate(true);
      if (judgement.status === 'PENDING') judgement = { ...judgement, status: 'KO' };
      for (const c of judgement.checks) {
        const failed = c.outcome === 'fail' || c.outcome === 'missing';
        await live.log(failed ? 'check' : 'info', checkLine(c), job.id);
        if (failed && c.fix) await live.log('info', t('runner.fix', { fix: c.fix }), job.id);
      }
      return { verdict: judgement.status as Verdict, checks: judgement.checks, used: judgement.used };
    } finally {
      unsubscribe();
      signal.removeEventListener('abort', onAbort);
      armed?.cancel();
    }
  }

  /** A global job: its units in order, each in its own window, with what to do before each. */
  private async runFolder(live: LiveExecution, folder: Folder, account: RunnerAccount): Promise<{ verdict: Verdict; checks: Check[]; used: number[] }> {
    await live.log('step', t('runner.folderStart', { folder: folder.id, count: folder.jobs.length }));
    return this.runChildren(live, account, folder.jobs.map((job) => ({ type: 'job' as const, job })), 'job');
  }

  /** The campaign: the five global jobs in the manual's order. */
  private async runCampaign(live: LiveExecution, account: RunnerAccount): Promise<{ verdict: Verdict; checks: Check[]; used: number[] }> {
    await live.log('step', t('runner.campaignStart', { folders: CAMPAIGN_ORDER.join(', ') }));
    return this.runChildren(live, account, CAMPAIGN_ORDER.map((id) => ({ type: 'folder' as const, folder: findFolder(id)! })), 'folder');
  }

  private async runChildren(live: LiveExecution, account: RunnerAccount, targets: Target[], childType: TargetType): Promise<{ verdict: Verdict; checks: Check[]; used: number[] }> {
    const checks: Check[] = [];
    const signal = live.controller.signal;
    for (const [index, target] of targets.entries()) {
      if (signal.aborted) break;
      const child = await this.deps.store.create({ accountId: account.id, account: snapshot(account), targetType: childType, targetId: targetId(target), parentId: live.execution.id, options: live.execution.options, startedBy: live.execution.startedBy });
      const title = target.type === 'job' ? target.job.title : targetId(target);
      const instruction = target.type === 'job' ? expectations(target.job, { config: this.deps.config, account }).instruction : t('runner.followFolder');
      await live.log('step', t('runner.childStart', { index: index + 1, count: targets.length, title, id: targetId(target), execution: child.id, instruction }), target.type === 'job' ? target.job.id : null);
      const childLive = this.track(child);
      // The parent's stop stops the child: one controller per level, chained.
      const onAbort = () => {
        childLive.stopReason = live.stopReason;
        childLive.controller.abort();
      };
      signal.addEventListener('abort', onAbort);
      let result: { verdict: Verdict; checks: Check[]; used: number[] };
      try {
        if (target.type === 'campaign') throw new Error('a campaign is never a child');
        result = target.type === 'job' ? await this.runUnit(childLive, target.job, account, childLive.controller.signal) : await this.runFolder(childLive, target.folder, account);
      } catch (error) {
        await childLive.log('error', t('runner.platformError', { message: (error as Error).message }));
        result = { verdict: 'ERROR', checks: [], used: [] };
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
      await this.end(childLive, result.verdict, result.checks, result.used);
      checks.push({ id: targetId(target), label: title, outcome: result.verdict === 'OK' ? 'pass' : 'fail', detail: t('runner.childVerdict', { verdict: t(`verdict.${result.verdict}`), execution: child.id }), requirement: target.type === 'job' ? target.job.requirements.join(';') : '', observations: [] });
      await live.log(result.verdict === 'OK' ? 'info' : 'check', t('runner.childResult', { title, verdict: t(`verdict.${result.verdict}`), execution: child.id }));
    }
    if (signal.aborted) return { verdict: live.stopReason, checks, used: [] };
    return { verdict: checks.length > 0 && checks.every((c) => c.outcome === 'pass') ? 'OK' : 'KO', checks, used: [] };
  }

  /** MSS-CONF.11: the platform closes the first session at the point the manual describes. */
  private armReopen(job: UnitJob, account: RunnerAccount) {
    const mailbox = account.personalMailbox!;
    return job.protocol === 'imap'
      ? this.deps.sessions.armClose({ mailbox, protocol: 'imap', on: 'selected', exceptFolder: 'INBOX', delayMs: this.deps.config.runner.reopenImapDelaySeconds * 1000, reason: REOPEN_CLOSE_REASON })
      : this.deps.sessions.armClose({ mailbox, protocol: 'smtp', on: 'message-accepted', delayMs: 0, reason: REOPEN_CLOSE_REASON });
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

function targetId(target: Target): string {
  return target.type === 'job' ? target.job.id : target.type === 'folder' ? target.folder.id : 'campaign';
}

function jobsOf(target: Target): UnitJob[] {
  if (target.type === 'job') return [target.job];
  if (target.type === 'folder') return target.folder.jobs;
  return CAMPAIGN_ORDER.flatMap((id) => findFolder(id)!.jobs);
}

function checkLine(c: Check): string {
  return `${CHECK_MARKS[c.outcome]} ${c.label} — ${c.detail}${c.requirement ? ` (${c.requirement})` : ''}${c.critical ? ` ${t('runner.critical')}` : ''}`;
}

function clock(at: number): string {
  return clockTime(at);
}

