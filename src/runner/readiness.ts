// Where an account stands on the way to referencing: each of the catalogue's unit jobs with the latest
// execution of it (alone, or as a step of a global job, the campaign or a selection), what that says — OK,
// not passed, running, never run —, and the units still to pass. The readiness board, « Rejouer les KO », the
// evidence dossier's default choice and the message to the agency all read it from here.
import { FOLDERS, UNIT_JOBS, type FolderId, type UnitJob } from '../catalogue/jobs.ts';
import type { ExecutionStore } from './store.ts';
import type { Execution } from './types.ts';

/** ok: its latest execution ended OK; failed: it ended otherwise (KO, inconclusive, stopped…). */
export type UnitStatus = 'ok' | 'failed' | 'running' | 'never';

export interface ReadinessLine {
  job: UnitJob;
  status: UnitStatus;
  /** The latest execution of the job for this account, running or not. */
  latest: Execution | null;
}

export interface Readiness {
  lines: ReadinessLine[];
  /** Unit jobs whose latest execution ended OK. */
  ok: number;
  total: number;
  /**
   * Failed and never-run units the account can run (it has their mailbox), in the catalogue's order: what « Rejouer les
   * KO » runs.
   */
  toReplay: UnitJob[];
}

/** The account as readiness needs it: which executions are its own, which mailboxes it has. */
export interface ReadinessAccount {
  id: number;
  mailboxes: { personal: string | null; applicative: string | null };
}

export async function readiness(executions: ExecutionStore, account: ReadinessAccount): Promise<Readiness> {
  const latest = await executions.latestByTarget(account.id);
  const runnable = (job: UnitJob) =>
    Boolean(job.bal === 'PSC' ? account.mailboxes.personal : account.mailboxes.applicative);
  const lines = UNIT_JOBS.map((job): ReadinessLine => {
    const execution = latest.get(job.id) ?? null;
    return { job, latest: execution, status: statusOf(execution) };
  });
  return {
    lines,
    ok: lines.filter((l) => l.status === 'ok').length,
    total: lines.length,
    toReplay: lines.filter((l) => (l.status === 'failed' || l.status === 'never') && runnable(l.job)).map((l) => l.job),
  };
}

function statusOf(execution: Execution | null): UnitStatus {
  if (!execution) return 'never';
  if (execution.status === 'running') return 'running';
  return execution.verdict === 'OK' ? 'ok' : 'failed';
}

/** The lines by folder, in the Jobs tab's order. */
export function byFolder(lines: ReadinessLine[]): { folder: FolderId; description: string; lines: ReadinessLine[] }[] {
  return FOLDERS.map((f) => ({
    folder: f.id,
    description: f.description,
    lines: lines.filter((l) => l.job.folder === f.id),
  })).filter((g) => g.lines.length > 0);
}

/** The lines by requirement (MSS-CONF.xx, ECO x.y.z), requirements in natural order; a job citing two is under both. */
export function byRequirement(lines: ReadinessLine[]): { requirement: string; lines: ReadinessLine[] }[] {
  const requirements = [...new Set(lines.flatMap((l) => l.job.requirements))].sort((a, b) =>
    a.localeCompare(b, 'fr', { numeric: true }),
  );
  return requirements.map((requirement) => ({
    requirement,
    lines: lines.filter((l) => l.job.requirements.includes(requirement)),
  }));
}
