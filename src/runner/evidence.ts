// The evidence of an execution (catalogue.md: what a vendor sends the agency under its #id), assembled: options,
// timings, verdict, every check with its requirement, the whole log and, in full, the observations the verdict
// used; a global job's or a campaign's carry their steps' evidence too. The API exports it as JSON
// (api/schemas.ts evidenceSchema) and web/review/evidence-page.ts renders it as a printable French page.
import type { ProductAccount } from '../accounts/accounts.ts';
import { targetTitle } from '../catalogue/jobs.ts';
import type { Journal, Observation } from '../observe/journal.ts';
import type { ExecutionStore } from './store.ts';
import type { Execution, LogLine } from './types.ts';

/** An execution as the API and the pages show it: with the title of what it ran. */
export type ExecutionView = Execution & { title: string };

export function executionView(execution: Execution): ExecutionView {
  return { ...execution, title: targetTitle(execution) };
}

export interface EvidenceStep {
  execution: ExecutionView;
  /** Once finished. */
  durationMs: number | null;
  log: LogLine[];
  /** The observations the verdict used, in full. */
  observations: Observation[];
  children: EvidenceStep[];
}

/** The account as it was when the execution started (as it is now for executions older than the snapshot). */
export interface EvidenceAccount {
  id: number;
  nil: string;
  runnerUserId: string;
  organisation: string;
  idnatPsc: string | null;
  idnatAuthCli: string | null;
  mailboxes: { personal: string | null; applicative: string | null; patient: string | null };
}

export interface Evidence extends EvidenceStep {
  account: EvidenceAccount;
  exportedAt: number;
}

export interface EvidenceSources {
  executions: ExecutionStore;
  journal: Journal;
}

export async function buildEvidence(
  execution: Execution,
  account: ProductAccount,
  deps: EvidenceSources,
): Promise<Evidence> {
  return {
    ...(await step(execution, deps)),
    account: asRun(execution, account),
    exportedAt: Date.now(),
  };
}

/** The account's values when the execution started (the snapshot), else as it is now. */
function asRun(execution: Execution, account: ProductAccount): EvidenceAccount {
  const run = execution.account;
  const common = { id: account.id, organisation: account.organisation.raisonSociale };
  if (!run)
    return {
      ...common,
      nil: account.nil,
      runnerUserId: account.runnerUserId,
      idnatPsc: account.idnatPsc,
      idnatAuthCli: account.idnatAuthCli,
      mailboxes: account.mailboxes,
    };
  return {
    ...common,
    nil: run.nil,
    runnerUserId: run.runnerUserId,
    idnatPsc: run.idnatPsc,
    idnatAuthCli: run.idnatAuthCli,
    mailboxes: { personal: run.personalMailbox, applicative: run.applicativeMailbox, patient: run.patientAddress },
  };
}

async function step(execution: Execution, deps: EvidenceSources): Promise<EvidenceStep> {
  const children = await deps.executions.children(execution.id);
  return {
    execution: executionView(execution),
    durationMs: execution.endedAt === null ? null : execution.endedAt - execution.startedAt,
    log: await deps.executions.log(execution.id),
    observations: await usedObservations(execution, deps.journal),
    children: await Promise.all(children.map((child) => step(child, deps))),
  };
}

/** The observations a verdict used (they lie in the unit's window: read its id range, keep the used ones). */
async function usedObservations(execution: Execution, journal: Journal): Promise<Observation[]> {
  const ids = new Set([...execution.observationIds, ...execution.checks.flatMap((c) => c.observations)]);
  if (ids.size === 0) return [];
  const low = Math.min(...ids);
  const high = Math.max(...ids);
  const range = await journal.query({ afterId: low - 1, limit: high - low + 1 });
  return range.filter((o) => ids.has(o.id));
}
