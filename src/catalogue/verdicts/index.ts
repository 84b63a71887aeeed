// One verdict function per kind of job (catalogue.md, "Verdict rules by kind").
import type { VerdictKind } from '../jobs.ts';
import { judgeAutoconfig } from './autoconfig.ts';
import { judgeCertReject } from './cert-reject.ts';
import { judgeHeaders, judgePatient } from './messages.ts';
import { judgeReopen } from './reopen.ts';
import { judgeAuthCert, judgeAuthPsc, judgeImapAccess, judgeSend } from './sessions.ts';
import { judgeTls } from './tls.ts';
import type { Judge } from './types.ts';

export const JUDGES: Record<VerdictKind, Judge> = {
  tls: judgeTls,
  'imap-access': judgeImapAccess,
  send: judgeSend,
  'auth-psc': judgeAuthPsc,
  'auth-cert': judgeAuthCert,
  headers: judgeHeaders,
  patient: judgePatient,
  'cert-reject': judgeCertReject,
  autoconfig: judgeAutoconfig,
  reopen: judgeReopen,
};

export type { Check, Judge, JudgeInput, Judgement, JobAccount } from './types.ts';
