// The observation journal: append-only facts recorded by the endpoints (and by the autoconfig and PKI
// services), the only input of verdicts. Endpoints record; nobody edits or deletes. What each kind of fact
// holds is declared in facts.ts.
import { EventEmitter } from 'node:events';
import { setImmediate } from 'node:timers';
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Bus } from '../bus/bus.ts';
import type { Database } from '../store/schema.ts';
import type { Logger } from '../util/log.ts';
import { factProblems, type FactData, type ObservationKind } from './facts.ts';

export type { FactData, ObservationKind } from './facts.ts';

export type Protocol = 'smtp' | 'imap' | 'http' | 'dns';

interface InputEnvelope {
  endpoint?: string | undefined;
  protocol?: Protocol | undefined;
  sessionId?: string | undefined;
  clientIp?: string | undefined;
  clientPort?: number | undefined;
  mailbox?: string | undefined;
  /** Milliseconds since the epoch; now by default. */
  at?: number;
}

/** A fact to record: its kind and the data of that kind (facts.ts). */
export type ObservationInput<K extends ObservationKind = ObservationKind> = {
  [P in K]: InputEnvelope & { kind: P; data: FactData<P> };
}[K];

export interface ObservationEnvelope {
  id: number;
  at: number;
  endpoint: string | null;
  protocol: Protocol | null;
  sessionId: string | null;
  clientIp: string | null;
  clientPort: number | null;
  mailbox: string | null;
}

/** A recorded fact; narrowing on `kind` types its `data` (Observation<'auth'>, …). */
export type Observation<K extends ObservationKind = ObservationKind> = {
  [P in K]: ObservationEnvelope & { kind: P; data: FactData<P> };
}[K];

/** A fact whose data did not match its kind's schema when it was recorded: a programming error, kept anyway. */
export interface InvalidFact {
  id: number;
  kind: ObservationKind;
  problems: string[];
}

export interface ObservationFilter {
  /** Observations of every session on which this mailbox (one of these) authenticated, plus those tagged with it. */
  mailbox?: string | string[];
  clientIp?: string;
  endpoint?: string;
  protocol?: Protocol;
  sessionId?: string;
  kind?: ObservationKind | ObservationKind[];
  /** Inclusive lower bound on `at`. */
  since?: number;
  /** Inclusive upper bound on `at`. */
  until?: number;
  /** Only observations with a greater id (for paging and following). */
  afterId?: number;
  limit?: number;
}

/** An observation as stored, before the database gives it its id. */
type ObservationRow = Omit<Database['observations'], 'id'>;

/** Rows per INSERT: 9 parameters each, well under SQLite's and PostgreSQL's limits on parameters. */
const MAX_ROWS_PER_INSERT = 500;

export class Journal {
  private readonly events = new EventEmitter();
  /** The first facts recorded by this process that did not match their schema (tests fail on any). */
  readonly invalidFacts: InvalidFact[] = [];
  /** Ids of facts other processes recorded, waiting to be read and emitted here. */
  private elsewhere: number[] = [];
  private readingElsewhere: Promise<void> | undefined;
  /** Rows recorded and not written yet (insert()), and whether a write is in flight. */
  private readonly unwritten: {
    row: ObservationRow;
    resolve: (id: number) => void;
    reject: (error: unknown) => void;
  }[] = [];
  private writing = false;

  /** With a bus, facts recorded by the other processes of the deployment are emitted here too (read by id). */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: { log?: Logger; bus?: Bus } = {},
  ) {
    this.events.setMaxListeners(0);
    options.bus?.on('observation', (m) => this.recordedElsewhere(m.id));
  }

  /**
   * Records a fact. Its data is checked against its kind's schema (facts.ts) as stored; a fact that does not
   * match is a programming error of its writer: logged as an error and kept in invalidFacts, and recorded all
   * the same — a client's fact is never lost.
   */
  async record<K extends ObservationKind>(input: ObservationInput<K>): Promise<Observation> {
    const row = {
      at: input.at ?? Date.now(),
      kind: input.kind,
      endpoint: input.endpoint ?? null,
      protocol: input.protocol ?? null,
      session_id: input.sessionId ?? null,
      client_ip: input.clientIp ?? null,
      client_port: input.clientPort ?? null,
      mailbox: input.mailbox ?? null,
      data: JSON.stringify(input.data),
    };
    const id = await this.insert(row);
    const observation = toObservation({ ...row, id });
    const problems = factProblems(observation.kind, observation.data);
    if (problems.length > 0) this.invalid({ id: observation.id, kind: observation.kind, problems });
    this.events.emit('observation', observation);
    const { id: factId, at, kind, endpoint, protocol, mailbox, clientIp, sessionId } = observation;
    this.options.bus?.publish({
      type: 'observation',
      id: factId,
      at,
      kind,
      endpoint,
      protocol,
      mailbox,
      clientIp,
      sessionId,
    });
    return observation;
  }

  /**
   * Writes a fact's row and resolves with its id once committed. The rows recorded during one turn of the
   * event loop (a burst: many sessions answered at once, a command and its facts) are written together at the
   * end of that turn, in one INSERT — one transaction — in the order record() was called; while a write is in
   * flight the next rows wait and go in the following one. So ids follow the order of the record() calls, each
   * record() resolves (and its fact is emitted) after its commit and in id order, and a crash loses at most the
   * facts of the turn being written, none that record() had resolved.
   */
  private insert(row: ObservationRow): Promise<number> {
    return new Promise((resolve, reject) => {
      this.unwritten.push({ row, resolve, reject });
      if (this.unwritten.length === 1 && !this.writing) setImmediate(() => void this.writeUnwritten());
    });
  }

  private async writeUnwritten(): Promise<void> {
    this.writing = true;
    while (this.unwritten.length > 0) {
      const batch = this.unwritten.splice(0, MAX_ROWS_PER_INSERT);
      try {
        // Ids are taken in the order of the VALUES (SQLite's rowid and PostgreSQL's sequence alike); the order
        // of the RETURNING rows is not promised, hence the sort.
        const rows = await this.db
          .insertInto('observations')
          .values(batch.map((b) => b.row))
          .returning('id')
          .execute();
        const ids = rows.map((r) => Number(r.id)).sort((a, b) => a - b);
        batch.forEach((b, i) => b.resolve(ids[i]!));
      } catch {
        // One row the database refuses must not cost the others theirs: each alone, as before batching.
        for (const b of batch) {
          try {
            const { id } = await this.db
              .insertInto('observations')
              .values(b.row)
              .returning('id')
              .executeTakeFirstOrThrow();
            b.resolve(Number(id));
          } catch (error) {
            b.reject(error);
          }
        }
      }
    }
    this.writing = false;
  }

  /**
   * A fact another process recorded: read and emitted here if anyone listens (bursts are read in one query, in order).
   */
  private recordedElsewhere(id: number): void {
    if (this.events.listenerCount('observation') === 0) return;
    this.elsewhere.push(id);
    this.readingElsewhere ??= this.readElsewhere();
  }

  private async readElsewhere(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    while (this.elsewhere.length > 0) {
      const ids = this.elsewhere.splice(0, 500);
      try {
        for (const o of await this.byIds(ids)) this.events.emit('observation', o);
      } catch (error) {
        this.options.log?.error('journal: reading facts recorded by another process failed', { error });
      }
    }
    this.readingElsewhere = undefined;
  }

  private invalid(fact: InvalidFact): void {
    this.options.log?.error('journal: fact does not match the schema of its kind (src/observe/facts.ts)', { ...fact });
    if (this.invalidFacts.length < 100) this.invalidFacts.push(fact);
  }

  /** Observations matching the filter, oldest first; a filter on kinds types what it returns. */
  async query<K extends ObservationKind>(filter: ObservationFilter & { kind: K | K[] }): Promise<Observation<K>[]>;
  async query(filter?: ObservationFilter): Promise<Observation[]>;
  async query(filter: ObservationFilter = {}): Promise<Observation[]> {
    let q = this.db.selectFrom('observations').selectAll();
    q = applyFilter(q, filter);
    q = q.orderBy('id', 'asc');
    if (filter.limit !== undefined) q = q.limit(filter.limit);
    const rows = await q.execute();
    return rows.map(toObservation);
  }

  /** The most recent observations matching the filter, oldest first. */
  async tail<K extends ObservationKind>(
    filter: ObservationFilter & { kind: K | K[] },
    count: number,
  ): Promise<Observation<K>[]>;
  async tail(filter: ObservationFilter, count: number): Promise<Observation[]>;
  async tail(filter: ObservationFilter, count: number): Promise<Observation[]> {
    const rows = await applyFilter(this.db.selectFrom('observations').selectAll(), filter)
      .orderBy('id', 'desc')
      .limit(count)
      .execute();
    return rows.reverse().map(toObservation);
  }

  /**
   * Live observations recorded by this process and, with a bus, by the other processes of the deployment
   * (workers, instances sharing the database; order is kept per process). A mailbox filter matches observations
   * tagged with the mailbox and, once it has authenticated on a session, the rest of that session; query() also
   * returns what came before the authentication.
   */
  subscribe(filter: Omit<ObservationFilter, 'afterId' | 'limit'>, listener: (o: Observation) => void): () => void {
    const sessionsOfMailbox = new Set<string>();
    const handler = (o: Observation) => {
      if (o.sessionId && hasMailbox(filter, o.mailbox)) sessionsOfMailbox.add(o.sessionId);
      if (matches(o, filter, sessionsOfMailbox)) listener(o);
    };
    this.events.on('observation', handler);
    return () => this.events.off('observation', handler);
  }

  /**
   * Follows the journal by polling the database, so that another process (the CLI) sees what the running
   * platform records. Resolves when the signal aborts.
   */
  async follow(
    filter: ObservationFilter,
    listener: (o: Observation) => void,
    options: { intervalMs?: number; signal?: AbortSignal } = {},
  ): Promise<void> {
    let afterId = filter.afterId ?? (await this.lastId());
    const interval = options.intervalMs ?? 300;
    while (!options.signal?.aborted) {
      const batch = await this.query({ ...filter, afterId, limit: 1000 });
      for (const o of batch) listener(o);
      if (batch.length > 0) afterId = batch.at(-1)!.id;
      if (batch.length < 1000) await sleep(interval, options.signal);
    }
  }

  async lastId(): Promise<number> {
    const row = await this.db
      .selectFrom('observations')
      .select((eb) => eb.fn.max('id').as('max'))
      .executeTakeFirst();
    return Number(row?.max ?? 0);
  }

  /** Ids recorded after `afterId`, in order: read from the primary key alone, no row is loaded. */
  async idsAfter(afterId: number, limit: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('observations')
      .select('id')
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => Number(r.id));
  }

  /** These observations (those that exist), oldest first. */
  async byIds(ids: number[]): Promise<Observation[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('observations').selectAll().where('id', 'in', ids).orderBy('id').execute();
    return rows.map(toObservation);
  }
}

function applyFilter<O>(
  q: SelectQueryBuilder<Database, 'observations', O>,
  f: ObservationFilter,
): SelectQueryBuilder<Database, 'observations', O> {
  if (f.mailbox !== undefined) {
    const mailboxes = [f.mailbox].flat();
    q =
      mailboxes.length === 0
        ? q.where(sql<boolean>`1 = 0`)
        : q.where((eb) =>
            eb.or([
              eb('mailbox', 'in', mailboxes),
              eb(
                'session_id',
                'in',
                // Looked for above the filter's lower bounds only: every fact a session records after its
                // authentication carries the mailbox, so a session authenticated before the bound is found by its
                // facts after it — and the look stays among the rows asked for, not the mailbox's whole history.
                eb
                  .selectFrom('observations as o2')
                  .select('o2.session_id')
                  .where('o2.mailbox', 'in', mailboxes)
                  .where('o2.session_id', 'is not', null)
                  .$if(f.since !== undefined, (s) => s.where('o2.at', '>=', f.since!))
                  .$if(f.afterId !== undefined, (s) => s.where('o2.id', '>', f.afterId!)),
              ),
            ]),
          );
  }
  if (f.clientIp !== undefined) q = q.where('client_ip', '=', f.clientIp);
  if (f.endpoint !== undefined) q = q.where('endpoint', '=', f.endpoint);
  if (f.protocol !== undefined) q = q.where('protocol', '=', f.protocol);
  if (f.sessionId !== undefined) q = q.where('session_id', '=', f.sessionId);
  if (f.kind !== undefined) q = q.where('kind', 'in', Array.isArray(f.kind) ? f.kind : [f.kind]);
  if (f.since !== undefined) q = q.where('at', '>=', f.since);
  if (f.until !== undefined) q = q.where('at', '<=', f.until);
  if (f.afterId !== undefined) q = q.where('id', '>', f.afterId);
  return q;
}

function matches(o: Observation, f: ObservationFilter, sessionsOfMailbox: Set<string>): boolean {
  if (f.mailbox !== undefined && !hasMailbox(f, o.mailbox) && !(o.sessionId && sessionsOfMailbox.has(o.sessionId)))
    return false;
  if (f.clientIp !== undefined && o.clientIp !== f.clientIp) return false;
  if (f.endpoint !== undefined && o.endpoint !== f.endpoint) return false;
  if (f.protocol !== undefined && o.protocol !== f.protocol) return false;
  if (f.sessionId !== undefined && o.sessionId !== f.sessionId) return false;
  if (f.kind !== undefined && !(Array.isArray(f.kind) ? f.kind.includes(o.kind) : f.kind === o.kind)) return false;
  if (f.since !== undefined && o.at < f.since) return false;
  if (f.until !== undefined && o.at > f.until) return false;
  return true;
}

/** The filter names this mailbox. */
function hasMailbox(f: ObservationFilter, mailbox: string | null): boolean {
  return mailbox !== null && f.mailbox !== undefined && [f.mailbox].flat().includes(mailbox);
}

function toObservation(
  row: Database['observations'] extends infer T ? { [K in keyof T]: unknown } : never,
): Observation {
  return {
    id: Number(row.id),
    at: Number(row.at),
    kind: row.kind as ObservationKind,
    endpoint: (row.endpoint as string | null) ?? null,
    protocol: (row.protocol as Protocol | null) ?? null,
    sessionId: (row.session_id as string | null) ?? null,
    clientIp: (row.client_ip as string | null) ?? null,
    clientPort: row.client_port === null || row.client_port === undefined ? null : Number(row.client_port),
    mailbox: (row.mailbox as string | null) ?? null,
    // As recorded: checked against its kind's schema when it was written, not again on every read.
    data: JSON.parse(row.data as string),
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
