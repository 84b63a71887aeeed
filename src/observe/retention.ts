// Journal retention (setting journal.retentionDays): observations older than the retention that no execution's
// evidence cites (the execution_observations rows ExecutionStore.finish() writes) are deleted, so that the
// journal of a long-lived instance stays bounded. Cited observations are kept for good: an execution's evidence
// page, its export and its dossier show them whatever their age. The submitted messages (table submissions, the
// bytes behind a journal's `message` fact) follow their fact: one older than the retention goes unless a cited
// `message` observation names it. Deletes go in small batches, each its own short statement, with a turn of the
// event loop between them: neither the event loop nor the database's write lock (SQLite) is held for long, and
// sessions keep recording meanwhile.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { t } from '../i18n/messages.ts';
import { PURGE_BATCH } from '../store/batches.ts';
import type { Database } from '../store/schema.ts';
import type { Logger } from '../util/log.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How often the deployment purges (the first purge runs at start). */
export const RETENTION_INTERVAL_MS = 60 * 60 * 1000;
/** How often a process looks whether it leads and a purge is due: leadership may come after start, or move. */
const LOOK_MS = 60 * 1000;

export interface PurgeResult {
  deleted: number;
  /** Old observations kept because an execution cites them. */
  kept: number;
  /** Submitted messages deleted, and old ones kept because a cited observation names them. */
  submissions: { deleted: number; kept: number };
  ms: number;
}

export class JournalRetention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** When this process last purged (performance.now()). */
  private lastPurge = -Infinity;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: {
      days: number;
      log: Logger;
      /** Whether this process does the deployment's singleton work now (the bus's leader()); always, by default. */
      leader?: () => boolean;
      batch?: number;
    },
  ) {}

  /**
   * Deletes the observations recorded before `now` minus the retention that no execution cites, then the
   * submissions of that age no cited observation names. Facts of executions still running are not cited yet:
   * nothing recorded after the oldest running execution started is deleted (a Délai lasts a day at most, the
   * retention at least a day: a safety net, not the rule).
   */
  async purge(now = Date.now()): Promise<PurgeResult> {
    const began = performance.now();
    const result = { deleted: 0, kept: 0, submissions: { deleted: 0, kept: 0 } };
    if (this.options.days <= 0) return { ...result, ms: 0 };
    const running = await this.db
      .selectFrom('executions')
      .select((eb) => eb.fn.min('started_at').as('oldest'))
      .where('status', '=', 'running')
      .executeTakeFirst();
    const oldest = running?.oldest;
    const cutoff = Math.min(
      now - this.options.days * DAY_MS,
      oldest === null || oldest === undefined ? Infinity : Number(oldest),
    );
    const size = this.options.batch ?? PURGE_BATCH;
    // A cursor on (at, id), the order of the observations_at index: each batch starts where the last one ended,
    // so that the kept rows are not read again.
    let after: { at: number; id: number } | undefined;
    while (!this.stopped) {
      const cursor = after;
      const rows = await this.db
        .selectFrom('observations')
        .select(['id', 'at'])
        .where('at', '<', cutoff)
        .$if(cursor !== undefined, (q) =>
          q.where((eb) =>
            eb.or([eb('at', '>', cursor!.at), eb.and([eb('at', '=', cursor!.at), eb('id', '>', cursor!.id)])]),
          ),
        )
        .orderBy('at')
        .orderBy('id')
        .limit(size)
        .execute();
      if (rows.length === 0) break;
      const ids = rows.map((r) => Number(r.id));
      const cited = new Set(
        (
          await this.db
            .selectFrom('execution_observations')
            .select('observation_id')
            .where('observation_id', 'in', ids)
            .execute()
        ).map((r) => Number(r.observation_id)),
      );
      const doomed = ids.filter((id) => !cited.has(id));
      if (doomed.length > 0) {
        const deleted = await this.db.deleteFrom('observations').where('id', 'in', doomed).executeTakeFirst();
        result.deleted += Number(deleted.numDeletedRows);
      }
      result.kept += cited.size;
      const last = rows.at(-1)!;
      after = { at: Number(last.at), id: Number(last.id) };
      if (rows.length < size) break;
      await nextTurn();
    }
    result.submissions = await this.purgeSubmissions(cutoff, size);
    return { ...result, ms: Math.round(performance.now() - began) };
  }

  /**
   * Deletes the submissions recorded before `cutoff` that no cited `message` observation names (its data's
   * submissionId). Walks the table in id order, which is the order of arrival, and stops at the first one
   * recorded after the cutoff: the table has no index on its time, and reading on would touch every recent
   * message (a row that arrived out of order by a clock's skew between instances waits for the next purge).
   */
  private async purgeSubmissions(cutoff: number, size: number): Promise<{ deleted: number; kept: number }> {
    const result = { deleted: 0, kept: 0 };
    for (let after = 0; !this.stopped; ) {
      const rows = await this.db
        .selectFrom('submissions')
        .select(['id', 'at', 'session_id'])
        .where('id', '>', after)
        .orderBy('id')
        .limit(size)
        .execute();
      const recent = rows.findIndex((r) => Number(r.at) >= cutoff);
      const old = recent < 0 ? rows : rows.slice(0, recent);
      if (old.length > 0) {
        // The facts that name a submission are its session's `message` facts (observations_session index).
        const facts = await this.db
          .selectFrom('observations')
          .innerJoin('execution_observations', 'execution_observations.observation_id', 'observations.id')
          .select('observations.data')
          .where('observations.kind', '=', 'message')
          .where('observations.session_id', 'in', [...new Set(old.map((r) => r.session_id))])
          .execute();
        const cited = new Set(facts.map((f) => (JSON.parse(f.data) as { submissionId?: unknown }).submissionId));
        const doomed = old.map((r) => Number(r.id)).filter((id) => !cited.has(id));
        if (doomed.length > 0) {
          const deleted = await this.db.deleteFrom('submissions').where('id', 'in', doomed).executeTakeFirst();
          result.deleted += Number(deleted.numDeletedRows);
        }
        result.kept += old.length - doomed.length;
      }
      if (recent >= 0 || rows.length < size) break;
      after = Number(rows.at(-1)!.id);
      await nextTurn();
    }
    return result;
  }

  /**
   * Purges now (when this process leads) and then every hour while it leads; logs each purge that deleted
   * something. Resolves when the first purge is over (nobody needs to wait for it: it never throws).
   */
  start(): Promise<void> {
    if (this.options.days <= 0) return Promise.resolve();
    const tick = (): Promise<void> | undefined => {
      if (this.running || this.stopped || !(this.options.leader?.() ?? true)) return undefined;
      if (performance.now() - this.lastPurge < RETENTION_INTERVAL_MS) return undefined;
      this.lastPurge = performance.now();
      return (this.running = this.purge()
        .then(
          (r) => {
            if (r.deleted > 0)
              this.options.log.info(t('retention.purged', { count: r.deleted, days: this.options.days, ms: r.ms }), {
                deleted: r.deleted,
                kept: r.kept,
              });
            if (r.submissions.deleted > 0)
              this.options.log.info(
                t('retention.purgedSubmissions', { count: r.submissions.deleted, days: this.options.days }),
                r.submissions,
              );
          },
          (error: unknown) => this.options.log.error(t('retention.failed'), { error }),
        )
        .finally(() => (this.running = undefined)));
    };
    this.timer = setInterval(tick, LOOK_MS);
    this.timer.unref();
    return tick() ?? Promise.resolve();
  }

  /** Stops the timer and lets a purge under way finish its batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }
}
