// The registry of verdict kinds: one line per kind, its module holding all the kind is (kinds/types.ts). A new
// kind is a new module here and its jobs in jobs.ts (docs/adding-a-verdict-kind.md).
import { authCert } from './auth-cert.ts';
import { authPsc } from './auth-psc.ts';
import { autoconfig } from './autoconfig.ts';
import { certReject } from './cert-reject.ts';
import { headers } from './headers.ts';
import { imapAccess } from './imap-access.ts';
import { patient } from './patient.ts';
import { reopen } from './reopen.ts';
import { send } from './send.ts';
import { tls } from './tls.ts';
import type { VerdictKindModule } from './types.ts';

export const VERDICT_KINDS = {
  tls,
  'imap-access': imapAccess,
  send,
  'auth-psc': authPsc,
  'auth-cert': authCert,
  headers,
  patient,
  'cert-reject': certReject,
  autoconfig,
  reopen,
} as const satisfies Record<string, VerdictKindModule>;

export type VerdictKind = keyof typeof VERDICT_KINDS;

/** The module of a job's kind. */
export function kindOf(job: { kind: VerdictKind }): VerdictKindModule {
  return VERDICT_KINDS[job.kind];
}

export type { VerdictKindModule } from './types.ts';
