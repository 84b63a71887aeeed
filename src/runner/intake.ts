// The runner's one door to the journal. One subscription for every running unit job: each new fact goes to the
// windows it may concern — by the account's mailboxes (a session authenticated as one, or one that named it),
// by the job's Adresse IP, or by a session already concerning the window — and each window keeps its own facts.
// Nothing re-reads the journal: a window reads once when it opens (the facts of its first milliseconds, filtered
// in SQL) and once per session that starts to concern it in the middle (that session's earlier facts); so the
// runner's cost grows with new facts, not with running jobs × facts. Facts another process records reach this
// one through the journal's 'observation' event too (workers, instances); until every process hears every other,
// a look every few seconds reads the rows recorded since the last look, by id, and hands on those not heard of.
import { accountMailboxes } from '../catalogue/attribution.ts';
import { claimedMailbox } from '../catalogue/facts.ts';
import type { Job, JobAccount } from '../catalogue/verdicts/types.ts';
import type { Journal, Observation } from '../observe/journal.ts';
import type { Logger } from '../util/log.ts';

/** How often the journal is looked at for facts recorded by another process that this one did not hear of. */
export const RESCAN_MS = 3000;
/** Rows read per look. */
const PAGE = 1000;

export interface WindowRequest {
  job: Job;
  account: JobAccount;
  /** The job's Adresse IP option. */
  ip: string | null;
  /** Start of the window (ms): facts before it do not count. */
  start: number;
  /** An id every fact of the window is above: the journal's last id read before `start`. */
  floor: number;
}

export class Intake {
  private readonly windows = new Set<JobWindow>();
  private readonly byMailbox = new Map<string, Set<JobWindow>>();
  private readonly byIp = new Map<string, Set<JobWindow>>();
  private readonly bySession = new Map<string, Set<JobWindow>>();
  /** Ids handed on since the last look, so that the look hands on only the others. */
  private readonly heard = new Set<number>();
  /** The look's position: the highest id it read. */
  private cursor = 0;
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private looking: Promise<void> | undefined;

  constructor(
    private readonly journal: Journal,
    private readonly log: Logger,
    private readonly rescanMs = RESCAN_MS,
  ) {}

  /** Opens a unit job's window: from now on it receives the facts that may concern it. Close it when it ends. */
  open(request: WindowRequest): JobWindow {
    const window = new JobWindow(request, this.journal, this);
    if (this.windows.size === 0) this.listen(request.floor);
    this.windows.add(window);
    for (const mailbox of window.mailboxes) index(this.byMailbox, mailbox, window);
    if (request.ip !== null) index(this.byIp, request.ip, window);
    window.load();
    return window;
  }

  /** @internal The window follows this session from now on. */
  watchSession(sessionId: string, window: JobWindow): void {
    index(this.bySession, sessionId, window);
  }

  /** @internal */
  close(window: JobWindow): void {
    if (!this.windows.delete(window)) return;
    for (const mailbox of window.mailboxes) unindex(this.byMailbox, mailbox, window);
    if (window.ip !== null) unindex(this.byIp, window.ip, window);
    for (const sessionId of window.sessions) unindex(this.bySession, sessionId, window);
    if (this.windows.size === 0) this.quiet();
  }

  private listen(floor: number): void {
    this.cursor = floor;
    this.unsubscribe = this.journal.subscribe({}, (o) => {
      this.heard.add(o.id);
      this.dispatch(o);
    });
    this.timer = setInterval(() => void this.look(), this.rescanMs);
    this.timer.unref();
  }

  private quiet(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearInterval(this.timer);
    this.timer = undefined;
    this.heard.clear();
  }

  /** Hands a fact to every window it may concern. */
  private dispatch(o: Observation): void {
    const concerned = new Set<JobWindow>();
    const add = (windows: Set<JobWindow> | undefined) => windows?.forEach((w) => concerned.add(w));
    if (o.sessionId) add(this.bySession.get(o.sessionId));
    if (o.mailbox) add(this.byMailbox.get(o.mailbox.toLowerCase()));
    const claimed = claimedMailbox(o);
    if (claimed) add(this.byMailbox.get(claimed));
    if (o.clientIp) add(this.byIp.get(o.clientIp));
    for (const window of concerned) window.take(o);
  }

  /** Reads the ids recorded since the last look (an index-only read) and the rows of those not heard of. */
  private look(): Promise<void> {
    this.looking ??= (async () => {
      try {
        for (;;) {
          const ids = await this.journal.idsAfter(this.cursor, PAGE);
          const missed = ids.filter((id) => !this.heard.has(id));
          if (missed.length > 0)
            for (const o of await this.journal.byIds(missed)) if (this.windows.size > 0) this.dispatch(o);
          if (ids.length > 0) this.cursor = ids.at(-1)!;
          for (const id of this.heard) if (id <= this.cursor) this.heard.delete(id);
          if (ids.length < PAGE || this.windows.size === 0) break;
        }
      } catch (error) {
        this.log.error('runner: journal look failed', { error });
      } finally {
        this.looking = undefined;
      }
    })();
    return this.looking;
  }
}

/**
 * One unit job's window: the facts that may concern it, kept as they come. What counts among them is decided by
 * attribution.ts at each evaluation, as before: the kept facts are a superset of what attribution and the
 * INCONCLUSIVE explanation (verdicts/explain.ts) read — every fact of each session authenticated as, or naming,
 * one of the account's mailboxes, or coming from the job's address, and the address-only facts (autoconfig, PKI).
 */
export class JobWindow {
  readonly mailboxes: Set<string>;
  readonly ip: string | null;
  readonly sessions = new Set<string>();
  private readonly kept = new Map<number, Observation>();
  private ordered: Observation[] | undefined = [];
  private readonly loads = new Set<Promise<void>>();
  private readonly endpoints: Set<string>;
  /** Addresses from which a session authenticated as one of the account's mailboxes (attribution's « proven »). */
  private readonly proven = new Set<string>();
  /** A fact that may change the verdict came since the last evaluation. */
  changed = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly request: WindowRequest,
    private readonly journal: Journal,
    private readonly intake: Intake,
  ) {
    this.mailboxes = new Set(accountMailboxes(request.account));
    this.ip = request.ip;
    this.endpoints = new Set(request.job.listensOn);
  }

  /**
   * What the window's first milliseconds recorded before it was listening (and what another process recorded
   * meanwhile): three reads of the rows above the floor, by mailbox, by address and the attempts that may name a
   * mailbox (attribution's « claimed »), through the journal's indexes.
   */
  load(): void {
    const { floor, start } = this.request;
    const since = { afterId: floor, since: start };
    this.loading(async () => {
      const found = await Promise.all([
        this.journal.query({ ...since, mailbox: [...this.mailboxes] }),
        this.ip === null ? [] : this.journal.query({ ...since, clientIp: this.ip }),
        this.journal
          .query({ ...since, kind: ['auth', 'command'] })
          .then((os) => os.filter((o) => this.mailboxes.has(claimedMailbox(o) ?? ''))),
      ]);
      for (const o of found.flat().sort((a, b) => a.id - b.id)) this.take(o);
    });
  }

  /** A fact that may concern the window. A session it starts to follow brings its earlier facts of the window. */
  take(o: Observation): void {
    if (o.at < this.request.start || this.kept.has(o.id)) return;
    const sessionId = o.sessionId;
    if (sessionId && !this.sessions.has(sessionId)) {
      this.sessions.add(sessionId);
      this.intake.watchSession(sessionId, this);
      // Facts of one session are recorded in order: a session first seen by its opening has nothing earlier.
      if (o.kind !== 'session.open') {
        this.loading(async () => {
          for (const earlier of await this.journal.query({ sessionId, since: this.request.start })) this.add(earlier);
        });
      }
    }
    this.add(o);
  }

  private add(o: Observation): void {
    if (o.at < this.request.start || this.kept.has(o.id)) return;
    this.kept.set(o.id, o);
    if (this.ordered?.length && this.ordered.at(-1)!.id > o.id) this.ordered = undefined;
    else this.ordered?.push(o);
    if (this.decisive(o)) this.signal();
  }

  /**
   * Whether the fact may change what attribution counts: a fact on the job's protocol and endpoints, an address
   * fact, or the first fact of one of the account's mailboxes from an address (that address becomes « proven »,
   * which makes its sessions that only named the mailbox count). The others are kept, for the explanation.
   */
  private decisive(o: Observation): boolean {
    if (!o.sessionId || (o.protocol !== 'smtp' && o.protocol !== 'imap')) return true;
    if (o.protocol === this.request.job.protocol && this.endpoints.has(o.endpoint ?? '')) return true;
    if (o.clientIp && o.mailbox && this.mailboxes.has(o.mailbox.toLowerCase()) && !this.proven.has(o.clientIp)) {
      this.proven.add(o.clientIp);
      return true;
    }
    return false;
  }

  private loading(read: () => Promise<void>): void {
    const done = read().finally(() => {
      this.loads.delete(done);
      this.signal();
    });
    this.loads.add(done);
  }

  private signal(): void {
    this.changed = true;
    this.wake?.();
  }

  /** Resolves on a fact that may change the verdict, on the signal, or after `ms`. */
  async next(ms: number, signal: AbortSignal): Promise<void> {
    if (this.changed || signal.aborted) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      signal.addEventListener('abort', done);
      this.wake = done;
    });
  }

  /** The window's facts up to `until`, oldest first, once every read under way has ended. */
  async observations(until: number): Promise<Observation[]> {
    while (this.loads.size > 0) await Promise.all([...this.loads]);
    this.ordered ??= [...this.kept.values()].sort((a, b) => a.id - b.id);
    return this.ordered.filter((o) => o.at <= until);
  }

  close(): void {
    this.intake.close(this);
  }
}

function index<K>(map: Map<K, Set<JobWindow>>, key: K, window: JobWindow): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(window);
}

function unindex<K>(map: Map<K, Set<JobWindow>>, key: K, window: JobWindow): void {
  const set = map.get(key);
  set?.delete(window);
  if (set?.size === 0) map.delete(key);
}
