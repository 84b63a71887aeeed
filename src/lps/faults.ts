// The named faults the reference LPS can play, one at a time: each is a single departure from a conformant
// client, applies to the jobs whose verdict rule can see it, and must make exactly one check of that rule
// fail (verdicts/*.ts): that is how the platform's verdicts are shown to be right.
import { UNIT_JOBS, type UnitJob, type VerdictKind } from '../catalogue/jobs.ts';
import type { CheckId } from '../catalogue/verdicts/types.ts';
import { t } from '../i18n/messages.ts';

export const FAULT_NAMES = [
  'forbidden-suite',
  'missing-suites',
  'tls11',
  'accept-bad-certificate',
  'no-revocation-check',
  'auth-before-starttls',
  'login-instead-of-xoauth2',
  'oauthbearer',
  'wrong-user',
  'expired-token',
  'id-token',
  'no-client-certificate',
  'wrong-ou',
  'missing-nil',
  'wrong-nil',
  'wrong-codecda',
  'wrong-ins',
  'missing-mes',
  'no-autoconfig',
  'no-reconnection',
  'no-inbox',
] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

export interface Fault {
  id: FaultName;
  /** What the faulty client does, in French. */
  description: string;
  /** Ids of the unit jobs it applies to. */
  jobs: string[];
  /** Id of the check the job's verdict must fail (or find missing) because of it. */
  failedCheck(job: UnitJob): CheckId;
}

/** Jobs that open a session with the BAL's own authentication and judge it. */
const AUTHENTICATING: readonly VerdictKind[] = ['imap-access', 'send', 'auth-psc', 'auth-cert'];
const authenticating = (job: UnitJob) => AUTHENTICATING.includes(job.kind);
const pscAuthenticating = (job: UnitJob) => job.bal === 'PSC' && authenticating(job);
const certAuthenticating = (job: UnitJob) => job.bal === 'AUTH_CLI' && authenticating(job);
/** Every kind judges the BAL type's authentication (catalogue.md, common rules): all but certificate rejection. */
const anyAuthenticating = (bal: UnitJob['bal']) => (job: UnitJob) => job.bal === bal && job.kind !== 'cert-reject';
const kind =
  (...kinds: VerdictKind[]) =>
  (job: UnitJob) =>
    kinds.includes(job.kind);

interface Rule {
  applies(job: UnitJob): boolean;
  check: CheckId | ((job: UnitJob) => CheckId);
}

const RULES: Record<FaultName, Rule> = {
  'forbidden-suite': { applies: kind('tls'), check: 'forbidden-suites' },
  'missing-suites': { applies: kind('tls'), check: 'all-suites' },
  tls11: { applies: kind('tls'), check: 'version' },
  'accept-bad-certificate': { applies: kind('cert-reject'), check: 'certificate-refused' },
  'no-revocation-check': {
    applies: (job) => job.kind === 'cert-reject' && job.endpoint.endsWith('-revoq'),
    check: 'certificate-refused',
  },
  'auth-before-starttls': {
    applies: kind('tls', 'imap-access', 'send', 'auth-psc', 'auth-cert', 'autoconfig'),
    check: 'starttls',
  },
  'login-instead-of-xoauth2': { applies: anyAuthenticating('PSC'), check: 'mechanism' },
  oauthbearer: { applies: pscAuthenticating, check: 'mechanism' },
  'wrong-user': { applies: authenticating, check: 'user' },
  'expired-token': {
    applies: (job) => pscAuthenticating(job) || job.kind === 'reopen',
    check: (job) => (job.kind === 'reopen' ? 'new-session' : 'token'),
  },
  'id-token': { applies: pscAuthenticating, check: 'token' },
  'no-client-certificate': { applies: anyAuthenticating('AUTH_CLI'), check: 'client-certificate' },
  'wrong-ou': { applies: certAuthenticating, check: 'certificate-ou' },
  'missing-nil': { applies: kind('headers'), check: 'header-nil' },
  'wrong-nil': { applies: kind('headers'), check: 'header-nil' },
  'wrong-codecda': { applies: kind('headers'), check: 'header-codecda' },
  'wrong-ins': { applies: kind('headers'), check: 'header-ins' },
  'missing-mes': { applies: kind('patient'), check: 'header-mes' },
  'no-autoconfig': { applies: kind('autoconfig'), check: 'autoconfig-lookup' },
  'no-reconnection': { applies: kind('reopen'), check: 'new-session' },
  'no-inbox': {
    applies: (job) =>
      job.protocol === 'imap' && (job.kind === 'imap-access' || job.kind === 'autoconfig' || job.kind === 'reopen'),
    check: (job) => (job.kind === 'reopen' ? 'inbox-reopened' : 'inbox-opened'),
  },
};

export const FAULTS: readonly Fault[] = FAULT_NAMES.map((id) => {
  const rule = RULES[id];
  return {
    id,
    description: t(`lps.fault.${id}`),
    jobs: UNIT_JOBS.filter((job) => rule.applies(job)).map((job) => job.id),
    failedCheck: (job) => (typeof rule.check === 'string' ? rule.check : rule.check(job)),
  };
});

export function isFaultName(name: string): name is FaultName {
  return (FAULT_NAMES as readonly string[]).includes(name);
}

export function findFault(name: FaultName): Fault {
  return FAULTS.find((f) => f.id === name)!;
}
