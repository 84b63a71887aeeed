// What a kind of job is, in one object: the contract every module of kinds/ fulfils. A kind says what its jobs
// check (label, requirements), where they listen, what the vendor is told to do (« Attendus »), how the journal
// is judged, and which platform action its window needs. The runner, the job pages and the Attendus read
// kinds through the registry (index.ts) and know no particular one.
import type { Config } from '../../config/config.ts';
import type { EndpointId } from '../../config/schema.ts';
import type { MessageKey } from '../../i18n/messages.ts';
import type { CloseTrigger } from '../../mail/sessions.ts';
import type { Job, JobAccount, Judge } from '../verdicts/types.ts';

export interface VerdictKindModule {
  /** The kind's id, as jobs name it (UnitJob.kind) and the API and the CLI show it. */
  readonly id: string;
  /** What it checks, in the manual's words (titles add the BAL type, the protocol and the requirements). */
  readonly label: string;
  /** The requirements its checks cite; a job cites those of its title, some of these. */
  readonly requirements: readonly string[];
  /** The Adresse IP option is required: only the job's address tells its traffic apart (catalogue.md). */
  readonly ipRequired: boolean;
  /** Endpoints whose sessions a job of this kind listens to, given its own; just its own when absent. */
  listensOn?(endpoint: EndpointId): EndpointId[];
  /** What the vendor is told to do (manual §3.5). */
  readonly instructions: KindInstructions;
  /** Help of the job page's Adresse IP field, when the kind needs its own. */
  readonly ipHelp?: MessageKey;
  /** The verdict: attributable observations in, checks and a status out (verdicts/types.ts). */
  readonly judge: Judge;
  /** A platform action armed for the job's window, undone when it ends (the reopen jobs' server-side close). */
  beforeWindow?(job: Job, account: JobAccount, platform: PlatformActions): ArmedAction;
}

/**
 * « Attendus » of a job: each kind adds its own to the steps every job has (expectations.ts): the BAL type's
 * identity and mailbox, configuring the mailbox, launching the job, the delay.
 */
export interface KindInstructions {
  /** Prerequisites after the identity and the mailbox name (an Adresse IP, the patient address…). */
  prerequisites?(job: Job, p: AttendusParams): string[];
  /** Preparation of the LPS after configuring the mailbox. */
  preparation(job: Job, p: AttendusParams): string[];
  /** Test steps between launching the job and the instruction. */
  steps?(job: Job, p: AttendusParams): string[];
  /** The one thing to do on the LPS while the job listens (the last test step, logged by the runner). */
  instruction(job: Job, p: AttendusParams): string;
}

/** The names the « Attendus » messages take, for this deployment and, when known, this account. */
export interface AttendusParams {
  [name: string]: string | number;
  mailbox: string;
  /** « BAL personnelle » or « BAL applicative ». */
  bal: string;
  /** IMAP or SMTP. */
  proto: string;
  host: string;
  port: number;
  patient: string;
  idnat: string;
  /** The autoconfiguration URL. */
  autoconfig: string;
  /** runner.reopenImapDelaySeconds. */
  seconds: number;
}

/** What the runner lends a kind for its window: narrow, so that a kind acts on the platform only through it. */
export interface PlatformActions {
  /** Arms a one-shot server-side close of the mailbox's next session that reaches the trigger (mail/sessions.ts). */
  armClose(trigger: CloseTrigger): ArmedAction;
  /** The runner's settings. */
  runner: Config['runner'];
}

export interface ArmedAction {
  cancel(): void;
}
