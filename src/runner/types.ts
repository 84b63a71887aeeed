// Executions as the runner keeps and shows them (manual §3.4, figures 12–14).
import type { Check } from '../catalogue/verdicts/types.ts';

/** OK / KO / INCONCLUSIVE come from the verdict; ERROR is a platform fault; CANCELLED a stop; INTERRUPTED a restart. */
export type Verdict = 'OK' | 'KO' | 'INCONCLUSIVE' | 'ERROR' | 'CANCELLED' | 'INTERRUPTED';
export type ExecutionStatus = 'running' | 'finished';
export type TargetType = 'job' | 'folder' | 'campaign';

export interface ExecutionOptions {
  /** Délai: listening time of each unit job, in seconds. */
  delaiSeconds: number;
  /** Adresse IP: the public address of the LPS machine, when given. */
  ip: string | null;
}

/** The account as it was when the execution started: the evidence must not change if the account does. */
export interface ExecutionAccount {
  nil: string;
  runnerUserId: string;
  idnatPsc: string | null;
  idnatAuthCli: string | null;
  personalMailbox: string | null;
  applicativeMailbox: string | null;
  patientAddress: string | null;
}

export interface Execution {
  id: number;
  accountId: number;
  /** Null only for executions recorded before the snapshot existed. */
  account: ExecutionAccount | null;
  targetType: TargetType;
  /** Unit job id, folder id, or "campaign". */
  targetId: string;
  parentId: number | null;
  options: ExecutionOptions;
  status: ExecutionStatus;
  verdict: Verdict | null;
  startedAt: number;
  endedAt: number | null;
  /** Listening window of a unit job. */
  window: { start: number; end: number } | null;
  checks: Check[];
  /** Observations the verdict used. */
  observationIds: number[];
  startedBy: string;
}

export type LogLevel = 'info' | 'step' | 'fact' | 'check' | 'result' | 'error';

export interface LogLine {
  seq: number;
  at: number;
  level: LogLevel;
  text: string;
  /** The unit job the line belongs to, inside a global job or a campaign. */
  jobId: string | null;
}

/** What a live follower receives: a log line, or the execution's new state. */
export type ExecutionEvent = { type: 'log'; line: LogLine } | { type: 'state'; execution: Execution };
