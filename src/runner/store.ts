// Executions and their logs in the database: what the execution page, the API, exports and statistics read.
import { sql, type Kysely } from 'kysely';
import type { Check } from '../catalogue/verdicts/types.ts';
import type { Database } from '../store/schema.ts';
import type {
  Execution,
  ExecutionAccount,
  ExecutionOptions,
  LogLevel,
  LogLine,
  RunEvent,
  TargetType,
  Verdict,
} from './types.ts';

type Row = Database['executions'] extends infer T ? { [K in keyof T]: unknown } : never;

export interface ExecutionFilter {
  accountIds?: number[];
  targetId?: string;
  parentId?: number | null;
  verdict?: Verdict;
  beforeId?: number;
  startedFrom?: number;
  startedBefore?: number;
}

export class ExecutionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(input: {
    accountId: number;
    account: ExecutionAccount;
    targetType: TargetType;
    targetId: string;
    parentId: number | null;
    options: ExecutionOptions;
    startedBy: string;
  }): Promise<Execution> {
    const row = await this.db
      .insertInto('executions')
      .values({
        account_id: input.accountId,
        target_type: input.targetType,
        target_id: input.targetId,
        parent_id: input.parentId,
        options: JSON.stringify(input.options),
        status: 'running',
        verdict: null,
        started_at: Date.now(),
        ended_at: null,
        window_start: null,
        window_end: null,
        checks: '[]',
        observation_ids: '[]',
        started_by: input.startedBy,
        account: JSON.stringify(input.account),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toExecution(row);
  }

  async get(id: number): Promise<Execution | undefined> {
    const row = await this.db.selectFrom('executions').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toExecution(row) : undefined;
  }

  /** Newest first; `startedFrom` (inclusive) and `startedBefore` (exclusive) bound the start time, in ms. */
  async list(filter: ExecutionFilter & { limit?: number } = {}): Promise<Execution[]> {
    const rows = await this.filtered(filter)
      .selectAll()
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 100)
      .execute();
    return rows.map(toExecution);
  }

  /** How many executions match, and how many of them finished with neither OK nor CANCELLED. */
  async count(filter: ExecutionFilter): Promise<{ executions: number; failures: number }> {
    const row = await this.filtered(filter)
      .select((eb) => [
        eb.fn.countAll().as('executions'),
        eb.fn
          .sum(
            eb
              .case()
              .when(eb.and([eb('status', '=', 'finished'), eb('verdict', 'not in', ['OK', 'CANCELLED'])]))
              .then(eb.lit(1))
              .else(eb.lit(0))
              .end(),
          )
          .as('failures'),
      ])
      .executeTakeFirstOrThrow();
    return { executions: Number(row.executions), failures: Number(row.failures ?? 0) };
  }

  /** Steps of an execution (a global job's units, a campaign's global jobs), in the order they ran. */
  async children(id: number): Promise<Execution[]> {
    const rows = await this.db.selectFrom('executions').selectAll().where('parent_id', '=', id).orderBy('id').execute();
    return rows.map(toExecution);
  }

  /**
   * The latest execution of each target an account ran (steps of global jobs included), by target id; `finished`: the
   * latest that ended.
   */
  async latestByTarget(accountId: number, options: { finished?: boolean } = {}): Promise<Map<string, Execution>> {
    let latest = this.db
      .selectFrom('executions')
      .select((eb) => eb.fn.max('id').as('id'))
      .where('account_id', '=', accountId);
    if (options.finished) latest = latest.where('status', '=', 'finished');
    latest = latest.groupBy('target_id');
    const rows = await this.db.selectFrom('executions').selectAll().where('id', 'in', latest).execute();
    return new Map(rows.map(toExecution).map((e) => [e.targetId, e]));
  }

  private filtered(filter: ExecutionFilter) {
    let q = this.db.selectFrom('executions');
    if (filter.accountIds)
      q = filter.accountIds.length > 0 ? q.where('account_id', 'in', filter.accountIds) : q.where(sql<boolean>`1 = 0`);
    if (filter.targetId) q = q.where('target_id', '=', filter.targetId);
    if (filter.parentId !== undefined)
      q = filter.parentId === null ? q.where('parent_id', 'is', null) : q.where('parent_id', '=', filter.parentId);
    if (filter.verdict) q = q.where('verdict', '=', filter.verdict);
    if (filter.beforeId) q = q.where('id', '<', filter.beforeId);
    if (filter.startedFrom !== undefined) q = q.where('started_at', '>=', filter.startedFrom);
    if (filter.startedBefore !== undefined) q = q.where('started_at', '<', filter.startedBefore);
    return q;
  }

  async setWindow(id: number, start: number, end: number): Promise<void> {
    await this.db
      .updateTable('executions')
      .set({ window_start: start, window_end: end })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Ends a running execution; the observations its evidence cites are listed too, so that journal retention keeps them.
   */
  async finish(id: number, verdict: Verdict, checks: Check[], observationIds: number[]): Promise<void> {
    const cited = [...new Set([...observationIds, ...checks.flatMap((c) => c.observations)])];
    await this.db.transaction().execute(async (trx) => {
      const ended = await trx
        .updateTable('executions')
        .set({
          status: 'finished',
          verdict,
          ended_at: Date.now(),
          checks: JSON.stringify(checks),
          observation_ids: JSON.stringify(observationIds),
        })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .executeTakeFirst();
      if (Number(ended.numUpdatedRows) === 0) return;
      for (let i = 0; i < cited.length; i += 500) {
        await trx
          .insertInto('execution_observations')
          .values(cited.slice(i, i + 500).map((observation_id) => ({ observation_id, execution_id: id })))
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
    });
  }

  /** Executions left running by a previous process. */
  async running(): Promise<Execution[]> {
    const rows = await this.db.selectFrom('executions').selectAll().where('status', '=', 'running').execute();
    return rows.map(toExecution);
  }

  /** One line: its event and the French text that renders it (render.ts), both kept. */
  async appendLog(executionId: number, line: Omit<LogLine, 'at'>): Promise<LogLine> {
    const written: LogLine = {
      seq: line.seq,
      at: Date.now(),
      level: line.level,
      text: line.text,
      jobId: line.jobId,
      event: line.event,
    };
    await this.db
      .insertInto('execution_logs')
      .values({
        execution_id: executionId,
        seq: line.seq,
        at: written.at,
        level: line.level,
        text: line.text,
        job_id: line.jobId,
        event: line.event && JSON.stringify(line.event),
      })
      .execute();
    return written;
  }

  async log(executionId: number, afterSeq = 0): Promise<LogLine[]> {
    const rows = await this.db
      .selectFrom('execution_logs')
      .selectAll()
      .where('execution_id', '=', executionId)
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .execute();
    return rows.map((r) => ({
      seq: Number(r.seq),
      at: Number(r.at),
      level: r.level as LogLevel,
      text: r.text,
      jobId: r.job_id,
      event: r.event ? (JSON.parse(r.event) as RunEvent) : null,
    }));
  }

  /** Executions, success rate and mean duration of one target (manual figure 12), over finished executions. */
  async stats(
    targetId: string,
    accountIds?: number[],
  ): Promise<{ executions: number; successRate: number; meanDurationMs: number }> {
    let q = this.db
      .selectFrom('executions')
      .select(['verdict', 'started_at', 'ended_at'])
      .where('target_id', '=', targetId)
      .where('status', '=', 'finished');
    if (accountIds) q = accountIds.length > 0 ? q.where('account_id', 'in', accountIds) : q.where(sql<boolean>`1 = 0`);
    const rows = await q.execute();
    const ok = rows.filter((r) => r.verdict === 'OK').length;
    const total = rows.reduce((sum, r) => sum + (Number(r.ended_at) - Number(r.started_at)), 0);
    return {
      executions: rows.length,
      successRate: rows.length ? ok / rows.length : 0,
      meanDurationMs: rows.length ? Math.round(total / rows.length) : 0,
    };
  }
}

function toExecution(row: Row): Execution {
  const windowStart = row.window_start === null ? null : Number(row.window_start);
  return {
    id: Number(row.id),
    accountId: Number(row.account_id),
    account: row.account ? (JSON.parse(row.account as string) as ExecutionAccount) : null,
    targetType: row.target_type as TargetType,
    targetId: row.target_id as string,
    parentId: row.parent_id === null ? null : Number(row.parent_id),
    options: JSON.parse(row.options as string) as ExecutionOptions,
    status: row.status as Execution['status'],
    verdict: (row.verdict as Verdict | null) ?? null,
    startedAt: Number(row.started_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
    window: windowStart === null ? null : { start: windowStart, end: Number(row.window_end) },
    checks: JSON.parse(row.checks as string) as Check[],
    observationIds: JSON.parse(row.observation_ids as string) as number[],
    startedBy: row.started_by as string,
  };
}
