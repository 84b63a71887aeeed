// The contract of verdict functions: observations in, checks and a verdict out. They never touch sockets or
// the database (catalogue.md: verdicts are computed only from observations).
import type { KeySuffix } from '../../i18n/messages.ts';
import type { EndpointId } from '../../config/schema.ts';
import type { Observation } from '../../observe/journal.ts';

export type BalType = 'PSC' | 'AUTH_CLI';
export type JobProtocol = 'imap' | 'smtp';

/** A unit job as verdicts and kind modules see it (jobs.ts holds the catalogue's 34, UnitJob). */
export interface Job {
  /** Stable short id, e.g. psc-tls-smtp. */
  id: string;
  /** Title as the manual shows it. */
  title: string;
  /** Id of its kind (kinds/index.ts). */
  kind: string;
  bal: BalType;
  protocol: JobProtocol;
  endpoint: EndpointId;
  /** Requirement references, e.g. ['MSS-CONF.01', 'MSS-CONF.03'] or ['ECO 1.1.5']. */
  requirements: string[];
  /** Whether the Adresse IP option is required (catalogue.md: autoconfig, certificate rejection, global jobs). */
  ipRequired: boolean;
  /** Endpoints whose sessions the job listens to: its own, or more when its kind says so (autoconfig). */
  listensOn: EndpointId[];
}

/** What a job needs to know about the account it runs for. */
export interface JobAccount {
  nil: string;
  idnatPsc: string | null;
  idnatAuthCli: string | null;
  personalMailbox: string | null;
  applicativeMailbox: string | null;
  /** <matricule INS>@patient.<mail domain> */
  patientAddress: string | null;
}

export interface JudgeInput {
  job: Job;
  account: JobAccount;
  /** The Adresse IP option, when given: only its traffic counts, and it attributes unauthenticated sessions. */
  ip: string | null;
  window: { start: number; end: number };
  /** Attributable observations of the window (attribution.ts), oldest first. */
  observations: Observation[];
  /** The window has ended: what is missing now will not come. */
  final: boolean;
  /**
   * Observations of the window that do not count for the job (other addresses, endpoints or protocols, other
   * vendors' traffic). Read only to explain a verdict with nothing attributable (verdicts/explain.ts); never
   * evidence for a check that passes or fails.
   */
  unattributed?: Observation[];
}

/**
 * pass / fail: what a recorded fact shows (at least one observation cited); missing: the window ended without
 * the fact; not_evaluated: the verdict was decided (a decisive failure) before the check could be — neutral,
 * never a failure; info: a fact reported without judging it.
 */
/** A check's stable id: one with a label (check.<id>) in the catalogue. */
export type CheckId = KeySuffix<'check.'>;

export type CheckOutcome = 'pass' | 'fail' | 'missing' | 'not_evaluated' | 'info';

export interface Check {
  /** Stable id, e.g. forbidden-suites. */
  id: string;
  /** What is checked, in French. */
  label: string;
  outcome: CheckOutcome;
  /** What was observed, in French. */
  detail: string;
  /** Requirement the check comes from, e.g. MSS-CONF.03. */
  requirement: string;
  /** « Que corriger » : what the vendor changes in the LPS, in French; on every failed or missing check. */
  fix?: string;
  /** A failure that exposed credentials (cert-reject: credentials sent to a refused server). */
  critical?: boolean;
  /** Ids of the observations the check read. */
  observations: number[];
}

export type JudgementStatus = 'PENDING' | 'OK' | 'KO' | 'INCONCLUSIVE';

export interface Judgement {
  status: JudgementStatus;
  checks: Check[];
  /** Every observation the verdict relied on. */
  used: number[];
}

export type Judge = (input: JudgeInput) => Judgement;
