// The observation journal: append-only facts recorded by the endpoints (and by the autoconfig and PKI
// services), the only input of verdicts. Endpoints record; nobody edits or deletes.
import { EventEmitter } from 'node:events';
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Database } from '../store/schema.ts';

/** What kind of fact an observation is. The data shape of each kind is documented in the README. */
export type ObservationKind =
  | 'session.open'
  | 'session.close'
  | 'session.refused'
  | 'tls.client_hello'
  | 'tls.established'
  | 'tls.failed'
  | 'tls.renegotiation'
  | 'tls.plaintext_injection'
  | 'command'
  | 'auth'
  | 'message'
  | 'pki.crl_fetch'
  | 'pki.ocsp_request'
  | 'pki.ca_fetch'
  | 'autoconfig.http'
  | 'autoconfig.dns';

export type Protocol = 'smtp' | 'imap' | 'http' | 'dns';

export interface ObservationInput {
  kind: ObservationKind;
  endpoint?: string | undefined;
  protocol?: Protocol | undefined;
  sessionId?: string | undefined;
  clientIp?: string | undefined;
  clientPort?: number | undefined;
  mailbox?: string | undefined;
  data: Record<string, unknown>;
  /** Milliseconds since the epoch; now by default. */
  at?: number;
}

export interface Observation {
  id: number;
  at: number;
  kind: ObservationKind;
  endpoint: string | null;
  protocol: Protocol | null;
  sessionId: string | null;
  clientIp: string | null;
  clientPort: number | null;
  mailbox: string | null;
  data: Record<string, unknown>;
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

export class Journal {
  private readonly events = new EventEmitter();

  constructor(private readonly db: Kysely<Database>) {
    this.events.setMaxListeners(0);
  }

  async record(input: ObservationInput): Promise<Observation> {
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
    const { id } = await this.db.insertInto('observations').values(row).returning('id').executeTakeFirstOrThrow();
    const observation = toObservation({ ...row, id: Number(id) });
    this.events.emit('observation', observation);
    return observation;
  }

  async query(filter: ObservationFilter = {}): Promise<Observation[]> {
    let q = this.db.selectFrom('observations').selectAll();
    q = applyFilter(q, filter);
    q = q.orderBy('id', 'asc');
    if (filter.limit !== undefined) q = q.limit(filter.limit);
    const rows = await q.execute();
    return rows.map(toObservation);
  }

  /** The most recent observations matching the filter, oldest first. */
  async tail(filter: ObservationFilter, count: number): Promise<Observation[]> {
    const rows = await applyFilter(this.db.selectFrom('observations').selectAll(), filter)
      .orderBy('id', 'desc')
      .limit(count)
      .execute();
    return rows.reverse().map(toObservation);
  }

  /**
   * Live observations recorded by this process. A mailbox filter matches observations tagged with the mailbox
   * and, once it has authenticated on a session, the rest of that session; query() also returns what came
   * before the authentication.
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
  async follow(filter: ObservationFilter, listener: (o: Observation) => void, options: { intervalMs?: number; signal?: AbortSignal } = {}): Promise<void> {
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
    const row = await this.db.selectFrom('observations').select((eb) => eb.fn.max('id').as('max')).executeTakeFirst();
    return Number(row?.max ?? 0);
  }
}

function applyFilter<O>(q: SelectQueryBuilder<Database, 'observations', O>, f: ObservationFilter): SelectQueryBuilder<Database, 'observations', O> {
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
                eb.selectFrom('observations as o2').select('o2.session_id').where('o2.mailbox', 'in', mailboxes).where('o2.session_id', 'is not', null),
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
  if (f.mailbox !== undefined && !hasMailbox(f, o.mailbox) && !(o.sessionId && sessionsOfMailbox.has(o.sessionId))) return false;
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

function toObservation(row: Database['observations'] extends infer T ? { [K in keyof T]: unknown } : never): Observation {
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
    data: JSON.parse(row.data as string) as Record<string, unknown>,
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
