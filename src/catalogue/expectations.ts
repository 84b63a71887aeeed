// The "Attendus" of every job (manual §3.5): prerequisites, preparation and test steps, written for this
// deployment (its host names and ports) and, when known, for the account (its mailboxes and addresses). What
// every job has is here; what its kind adds, its kind's module says (kinds/types.ts, KindInstructions).
import type { Config } from '../config/config.ts';
import { t } from '../i18n/messages.ts';
import type { UnitJob } from './jobs.ts';
import { kindOf } from './kinds/index.ts';
import type { AttendusParams } from './kinds/types.ts';
import { jobMailbox } from './verdicts/common.ts';
import type { JobAccount } from './verdicts/types.ts';

export interface Expectations {
  prerequisites: string[];
  preparation: { lps: string[]; runner: string[] };
  test: string[];
  /** The one thing to do on the LPS while the job listens (the last test step). */
  instruction: string;
}

export interface ExpectationContext {
  config: Config;
  account?: JobAccount | undefined;
}

export function expectations(job: UnitJob, context: ExpectationContext): Expectations {
  const { config, account } = context;
  const endpoint = config.endpoints.find((e) => e.id === job.endpoint)!;
  const proto = job.protocol.toUpperCase();
  const port = job.protocol === 'imap' ? endpoint.imapPort : endpoint.smtpPort;
  const personal = job.bal === 'PSC';
  const mailbox =
    (account && jobMailbox(job, account)) ??
    t(personal ? 'attendus.mailboxPlaceholderPsc' : 'attendus.mailboxPlaceholderAuthCli', {
      domain: config.mailDomain,
    });
  const kindOfBal = t(personal ? 'attendus.balPersonal' : 'attendus.balApplicative');
  const p: AttendusParams = {
    mailbox,
    bal: kindOfBal,
    proto,
    host: endpoint.host,
    port,
    patient: account?.patientAddress ?? t('attendus.patientPlaceholder', { domain: config.patientDomain }),
    idnat: (personal ? account?.idnatPsc : account?.idnatAuthCli) ?? '…',
    autoconfig: config.autoconfig.url,
    seconds: config.runner.reopenImapDelaySeconds,
  };
  const kind = kindOf(job).instructions;

  const prerequisites = [
    ...(personal ? [t('attendus.pscIdentity')] : [t('attendus.orgCertificate', p)]),
    t('attendus.mailboxName', p),
    ...(kind.prerequisites?.(job, p) ?? []),
  ];
  const lps = [t('attendus.configureBal', p), ...kind.preparation(job, p)];
  const instruction = kind.instruction(job, p);
  const test = [t('attendus.launch'), ...(kind.steps?.(job, p) ?? []), instruction];
  return { prerequisites, preparation: { lps, runner: [t('attendus.delay')] }, test, instruction };
}
