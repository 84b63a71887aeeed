// Executions as the runner keeps and shows them (manual §3.4, figures 12–14).
import type { JobProtocol } from '../catalogue/jobs.ts';
import type { Check } from '../catalogue/verdicts/types.ts';

/** OK / KO / INCONCLUSIVE come from the verdict; ERROR is a platform fault; CANCELLED a stop; INTERRUPTED a restart. */
export type Verdict = 'OK' | 'KO' | 'INCONCLUSIVE' | 'ERROR' | 'CANCELLED' | 'INTERRUPTED';
export type ExecutionStatus = 'running' | 'finished';
/** A selection is a chosen list of unit jobs run as one execution (« Rejouer les KO » of the readiness board). */
export type TargetType = 'job' | 'folder' | 'campaign' | 'selection';

export interface ExecutionOptions {
  /** Délai: listening time of each unit job, in seconds. */
  delaiSeconds: number;
  /** Adresse IP: the public address of the LPS machine, when given. */
  ip: string | null;
  /** A selection's unit jobs, in the order they run; absent for every other target. */
  units?: string[];
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
  /** Unit job id, folder id, "campaign" or "selection". */
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

/**
 * What the runner says happened during an execution, as data: one event per log line. The French line is a
 * rendering of the event (render.ts) kept beside it; followers (the reference LPS, `motco run`, the execution
 * page) act on the event, never on the wording, so that rewording a message changes no protocol.
 */
export type RunEvent =
  /** A unit job begins (its own execution, or a step of a global job). */
  | { type: 'unit.started'; jobId: string; title: string }
  /** Who the unit runs for: the runner user name and the product reference. */
  | { type: 'user'; runnerUserId: string; nil: string }
  /** The server the client is expected to use. */
  | { type: 'endpoint'; protocol: JobProtocol; host: string; port: number }
  /** The execution's options. */
  | { type: 'options'; delaiSeconds: number; ip: string | null }
  /** What the vendor does now, in French (the job's instruction). */
  | { type: 'todo'; instruction: string }
  /** The listening window is open: the client may act from now until `until` (ms). */
  | { type: 'window.open'; from: number; until: number }
  /** A fact of the journal attributed to the unit, with its French sentence. */
  | { type: 'fact'; observationId: number; kind: string; sentence: string }
  /** The verdict was certain before the window's end. */
  | { type: 'verdict.early' }
  /** One check of the unit's verdict. */
  | { type: 'check'; check: Check }
  /** « Que corriger » after a failed check. */
  | { type: 'fix'; checkId: string; fix: string }
  /** The execution ends with its verdict (exit code 0 only on OK). */
  | { type: 'verdict'; verdict: Verdict }
  /** Stopped before its end: by a user, by the platform stopping, or found running at a restart. */
  | { type: 'stopped'; reason: 'cancelled' | 'shutdown' | 'restart' }
  /** A fault of the platform (not of the client). */
  | { type: 'error'; message: string }
  /** A global job begins: `count` unit jobs, each a step. */
  | { type: 'folder.started'; folderId: string; count: number }
  /** The campaign begins: its global jobs in order. */
  | { type: 'campaign.started'; folders: string[] }
  /** A selection begins: its unit jobs in order. */
  | { type: 'selection.started'; jobs: string[] }
  /** A step begins as execution #executionId; `instruction` is null for a global job (follow its steps). */
  | {
      type: 'child.started';
      executionId: number;
      index: number;
      count: number;
      targetType: TargetType;
      targetId: string;
      title: string;
      instruction: string | null;
    }
  /** A step ended with its verdict. */
  | { type: 'child.ended'; executionId: number; targetId: string; title: string; verdict: Verdict };

export type RunEventType = RunEvent['type'];

export interface LogLine {
  seq: number;
  at: number;
  level: LogLevel;
  text: string;
  /** The unit job the line belongs to, inside a global job or a campaign. */
  jobId: string | null;
  /** What the line says, as data; null on lines recorded before events existed (migration 0009). */
  event: RunEvent | null;
}

/** What a live follower receives: a log line, or the execution's new state. */
export type ExecutionEvent = { type: 'log'; line: LogLine } | { type: 'state'; execution: Execution };
