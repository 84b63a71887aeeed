// The "Attendus" of every job (manual §3.5): prerequisites, preparation and test steps, written for this
// deployment (its host names and ports) and, when known, for the account (its mailboxes and addresses).
import type { Config } from '../config/config.ts';
import { t, type MessageKey } from '../i18n/messages.ts';
import type { UnitJob } from './jobs.ts';
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
  const mailbox = (account && jobMailbox(job, account)) ?? t(personal ? 'attendus.mailboxPlaceholderPsc' : 'attendus.mailboxPlaceholderAuthCli', { domain: config.mailDomain });
  const kindOfBal = t(personal ? 'attendus.balPersonal' : 'attendus.balApplicative');
  const p = { mailbox, bal: kindOfBal, proto, host: endpoint.host, port, patient: account?.patientAddress ?? t('attendus.patientPlaceholder', { domain: config.patientDomain }), idnat: (personal ? account?.idnatPsc : account?.idnatAuthCli) ?? '…', autoconfig: config.autoconfig.url, seconds: config.runner.reopenImapDelaySeconds };

  const prerequisites = [...(personal ? [t('attendus.pscIdentity')] : [t('attendus.orgCertificate', p)]), t('attendus.mailboxName', p)];
  if (job.kind === 'patient') prerequisites.push(t('attendus.patientAddress', p));
  if (job.ipRequired) prerequisites.push(t(job.kind === 'autoconfig' ? 'attendus.ipAutoconfig' : 'attendus.ip'));
  if (job.endpoint.endsWith('-nonigc')) prerequisites.push(t('attendus.nonIgcRootInstalled'));

  const lps = [t('attendus.configureBal', p)];
  if (job.kind === 'autoconfig') {
    lps.push(t('attendus.autoconfigRepeat'), t('attendus.configureAutoconfig', p), t(job.protocol === 'imap' ? 'attendus.prepareReceive' : 'attendus.prepareSend'), t('attendus.removeConfiguration'));
  } else {
    lps.push(t('attendus.configureServer', p), t(preparationKey(job), p));
  }

  const test = [t('attendus.launch')];
  const instruction = t(instructionKey(job), p);
  if (job.kind === 'autoconfig') test.push(t('attendus.configureBal', p), t('attendus.configureAutoconfig', p));
  test.push(instruction);
  return { prerequisites, preparation: { lps, runner: [t('attendus.delay')] }, test, instruction };
}

function preparationKey(job: UnitJob): MessageKey {
  if (job.kind === 'patient') return 'attendus.preparePatient';
  if (job.kind === 'headers') return 'attendus.prepareHeaders';
  if (job.kind === 'reopen') return job.protocol === 'imap' ? 'attendus.prepareReopenImap' : 'attendus.prepareSend';
  return job.protocol === 'imap' ? 'attendus.prepareReceive' : 'attendus.prepareSend';
}

function instructionKey(job: UnitJob): MessageKey {
  switch (job.kind) {
    case 'cert-reject':
      return job.endpoint.endsWith('-expire') ? 'attendus.doRejectExpired' : job.endpoint.endsWith('-revoq') ? 'attendus.doRejectRevoked' : 'attendus.doRejectNonIgc';
    case 'reopen':
      return job.protocol === 'imap' ? 'attendus.doReopenImap' : 'attendus.doReopenSmtp';
    case 'headers':
      return 'attendus.doHeaders';
    case 'patient':
      return 'attendus.doPatient';
    case 'autoconfig':
      return job.protocol === 'imap' ? 'attendus.doAutoconfigImap' : 'attendus.doAutoconfigSmtp';
    default:
      return job.protocol === 'imap' ? 'attendus.doOpenInbox' : 'attendus.doSend';
  }
}
