// What several verdict kinds share: building checks (no pass or fail without a recorded fact, a « Que
// corriger » on every failed or missing check), deciding a verdict from them, judging a set of sessions, and
// the rules every kind applies to an authenticated session (catalogue.md, "Rules common to every kind"):
// STARTTLS first, then the BAL type's authentication — PSC: XOAUTH2 with a verified token; AUTH_CLI: client
// certificate then PLAIN.
import { isMessageKey, t } from '../../i18n/messages.ts';
import type { Observation } from '../../observe/journal.ts';
import { authReason, mechanismName, problemText, tlsFailureText, tokenReason } from '../../observe/wording.ts';
import { authsInClear, commandsBeforeTls, type SessionFacts } from '../facts.ts';
import { explainNothing } from './explain.ts';
import type { Job, JobAccount, JudgeInput } from './types.ts';
import type { Check, CheckId, CheckOutcome, Judgement, JudgementStatus } from './types.ts';

export { problemText, tokenReason };

export interface CheckOptions {
  /** A failure that exposed credentials. */
  critical?: boolean;
  /** « Que corriger » when the catalogue's fix.<id> does not fit (it needs the case's names). */
  fix?: string;
}

/**
 * One check. A pass or a fail must cite the observations that show it: a verdict states only what the
 * evidence shows, so a check without any is a programming error, not a verdict.
 */
export function check(
  id: CheckId,
  outcome: CheckOutcome,
  requirement: string,
  detail: string,
  observations: (Observation | undefined)[] = [],
  options: CheckOptions = {},
): Check {
  const cited = observations.filter((o): o is Observation => o !== undefined).map((o) => o.id);
  if ((outcome === 'pass' || outcome === 'fail') && cited.length === 0)
    throw new Error(`check ${id}: ${outcome} without a recorded fact`);
  const fix = outcome === 'fail' || outcome === 'missing' ? (options.fix ?? defaultFix(id)) : undefined;
  return {
    id,
    label: t(`check.${id}`),
    outcome,
    detail,
    requirement,
    ...(fix ? { fix } : {}),
    ...(options.critical ? { critical: true } : {}),
    observations: [...new Set(cited)],
  };
}

function defaultFix(id: CheckId): string | undefined {
  const key = `fix.${id}`;
  return isMessageKey(key) ? t(key) : undefined;
}

/**
 * Marks of checks in the log and the pages: ✔ passed, ✘ failed or missing, ○ not evaluated (neutral), ℹ information.
 */
export const CHECK_MARKS = {
  pass: '✔',
  fail: '✘',
  missing: '✘',
  not_evaluated: '○',
  info: 'ℹ',
} as const satisfies Record<CheckOutcome, string>;

/** A check the verdict was decided without: neutral, with nothing cited and nothing to correct. */
export function notEvaluated(c: Check): Check {
  const { fix: _fix, ...rest } = c;
  return { ...rest, outcome: 'not_evaluated', detail: t('detail.notEvaluated'), observations: [] };
}

/** Any failure is final; all passed is final; otherwise wait, or at the end count what is missing as failed. */
export function decide(checks: Check[], final: boolean): JudgementStatus {
  if (checks.some((c) => c.outcome === 'fail')) return 'KO';
  const judged = checks.filter((c) => c.outcome !== 'info' && c.outcome !== 'not_evaluated');
  if (judged.length > 0 && judged.every((c) => c.outcome === 'pass')) return 'OK';
  return final ? 'KO' : 'PENDING';
}

/**
 * The verdict of a set of checks. A decisive failure settles it: the checks that have no evidence yet were
 * not evaluated (« non évalué »), not missing — « manquant » is kept for facts the whole window went without.
 */
export function judgement(checks: Check[], final: boolean): Judgement {
  const status = decide(checks, final);
  const settled = checks.some((c) => c.outcome === 'fail')
    ? checks.map((c) => (c.outcome === 'missing' ? notEvaluated(c) : c))
    : checks;
  return { status, checks: settled, used: [...new Set(settled.flatMap((c) => c.observations))] };
}

/** Nothing attributable happened in the window: INCONCLUSIVE at the end, saying what was seen instead. */
export function nothingObserved(input: JudgeInput): Judgement {
  // Only the final verdict is shown: explain it then, not at every look during the window.
  const seen = input.final ? explainNothing(input) : [];
  const what = check(
    'connection',
    'missing',
    input.job.requirements[0] ?? '',
    t('detail.noConnection', { endpoint: input.job.endpoint, protocol: input.job.protocol.toUpperCase() }),
    [],
    {
      fix: t(input.ip === null ? 'fix.connectionNoIp' : 'fix.connection'),
    },
  );
  return {
    status: input.final ? 'INCONCLUSIVE' : 'PENDING',
    checks: [what, ...seen],
    used: [...new Set(seen.flatMap((c) => c.observations))],
  };
}

/**
 * Judges every session with `judgeOne` and keeps the most telling: the first that failed (one bad session is
 * enough for KO), else the first that passed, else the one that got furthest.
 */
export function judgeSessions(
  input: JudgeInput,
  sessions: SessionFacts[],
  judgeOne: (s: SessionFacts) => Check[],
): Judgement {
  if (sessions.length === 0) return nothingObserved(input);
  const judged = sessions.map((s) => judgement(judgeOne(s), input.final));
  return (
    judged.find((j) => j.status === 'KO' && j.checks.some((c) => c.outcome === 'fail')) ??
    judged.find((j) => j.status === 'OK') ??
    best(judged)
  );
}

function best(judged: Judgement[]): Judgement {
  return judged.reduce((a, b) => (passes(b) > passes(a) ? b : a));
}

function passes(j: Judgement): number {
  return j.checks.filter((c) => c.outcome === 'pass').length;
}

/**
 * The rules of every kind that involves an authenticated session, whatever it then checks: STARTTLS before
 * anything sensitive, then the authentication the BAL type requires. A headers, patient, autoconfig or
 * reopen job is never OK on a session a real operator would have refused.
 */
export function sessionRules(input: JudgeInput, session: SessionFacts, requirement: string): Check[] {
  return [starttlsFirst(session, requirement), ...balAuthentication(input, session)];
}

/** STARTTLS came before any command carrying credentials or mail (CONF.05/06), and TLS was established. */
export function starttlsFirst(session: SessionFacts, requirement: string): Check {
  const early = commandsBeforeTls(session);
  const clear = authsInClear(session);
  if (early.length > 0 || clear.length > 0) {
    // The auth record may come before its command's: name the command from it too.
    const authCommand = (a: Observation<'auth'>) =>
      a.data.command ?? (session.protocol === 'imap' ? 'AUTHENTICATE' : 'AUTH');
    const names = [...new Set([...early.map((c) => c.name), ...clear.map(authCommand)])].join(', ');
    const credentials = clear.some((a) => a.data.credentialsInClear === true);
    return check(
      'starttls',
      'fail',
      requirement,
      t(credentials ? 'detail.credentialsBeforeTls' : 'detail.commandsBeforeTls', { commands: names }),
      [...early.map((c) => c.observation), ...clear],
      { critical: clear.length > 0 },
    );
  }
  if (session.established)
    return check(
      'starttls',
      'pass',
      requirement,
      t('detail.starttlsOk', { version: String(session.established.data.version) }),
      [session.established],
    );
  if (session.tlsFailure)
    return check(
      'starttls',
      'fail',
      requirement,
      t('detail.tlsNotEstablished', { reason: tlsFailureText(session.tlsFailure.data) }),
      [session.tlsFailure],
      { fix: t('fix.tlsNotEstablished') },
    );
  return check('starttls', 'missing', requirement, t('detail.noTls'));
}

/** The account's mailbox of the job's BAL type. */
export function jobMailbox(job: Pick<Job, 'bal'>, account: JobAccount): string | null {
  return job.bal === 'PSC' ? account.personalMailbox : account.applicativeMailbox;
}

/**
 * Authentication by the BAL type's method: PSC → XOAUTH2 with a verified PSC token; AUTH_CLI → client certificate +
 * PLAIN.
 */
export function balAuthentication(input: JudgeInput, session: SessionFacts): Check[] {
  return input.job.bal === 'PSC'
    ? pscAuthentication(input.account, session, 'MSS-CONF.07')
    : certificateAuthentication(input.account, session, 'MSS-CONF.12');
}

/**
 * For kinds whose verdict is the TLS negotiation (tls): the authentication is judged when the session
 * attempted one; a session that only negotiated TLS and ended (or the window did) is judged on TLS alone.
 */
export function authenticationIfAttempted(input: JudgeInput, session: SessionFacts): Check[] {
  const attempted = session.auths.some((a) => a.data.tls !== false);
  if (attempted || (!session.closed && !input.final)) return balAuthentication(input, session);
  return [
    check('authentication', 'info', input.job.bal === 'PSC' ? 'MSS-CONF.07' : 'MSS-CONF.12', t('detail.noAuthTlsOnly')),
  ];
}

export function pscAuthentication(account: JobAccount, session: SessionFacts, requirement: string): Check[] {
  const checks: Check[] = [];
  const mailbox = account.personalMailbox;
  const attempts = session.auths.filter((a) => a.data.tls !== false);
  if (attempts.length === 0)
    return [check('mechanism', 'missing', requirement, t('detail.noAuth'), [], { fix: t('fix.mechanismPsc') })];
  const others = attempts.filter((a) => a.data.mechanism !== 'XOAUTH2');
  checks.push(
    others.length > 0
      ? check(
          'mechanism',
          'fail',
          requirement,
          t('detail.wrongMechanism', { used: mechanisms(others), expected: 'XOAUTH2' }),
          others,
          { fix: t('fix.mechanismPsc') },
        )
      : check('mechanism', 'pass', requirement, t('detail.mechanismOk', { mechanism: 'XOAUTH2' }), attempts),
  );
  // An exchange the client abandoned or cancelled carried no user and no token: nothing to judge them on.
  const xoauth = attempts.filter(
    (a) => a.data.mechanism === 'XOAUTH2' && a.data.outcome !== 'abandoned' && a.data.outcome !== 'cancelled',
  );
  if (xoauth.length === 0)
    return attempts.some((a) => a.data.mechanism === 'XOAUTH2')
      ? [
          ...checks,
          check('token', 'missing', requirement, t('detail.tokenAbandoned'), [], { fix: t('fix.mechanismPsc') }),
        ]
      : checks;
  const wrongUser = xoauth.filter((a) => String(a.data.user ?? '').toLowerCase() !== (mailbox ?? '').toLowerCase());
  checks.push(
    wrongUser.length > 0
      ? check(
          'user',
          'fail',
          requirement,
          t('detail.wrongUser', { user: String(wrongUser[0]!.data.user ?? ''), expected: mailbox ?? '' }),
          wrongUser,
          { fix: t('fix.user', { mailbox: mailbox ?? '' }) },
        )
      : check('user', 'pass', requirement, t('detail.userOk', { user: mailbox ?? '' }), xoauth),
  );
  const refused = xoauth.filter((a) => a.data.outcome !== 'success');
  const accepted = xoauth.find((a) => a.data.outcome === 'success' && a.data.bearerVerified === true);
  if (refused.length > 0) {
    checks.push(
      check(
        'token',
        'fail',
        requirement,
        t('detail.tokenRefused', { reason: authReason(refused[0]!.data.reason) }),
        refused,
      ),
    );
  } else if (accepted) {
    const claims = accepted.data.bearer?.claims ?? {};
    checks.push(
      check(
        'token',
        'pass',
        requirement,
        t('detail.tokenOk', { subject: String(claims.SubjectNameID ?? ''), acr: String(claims.acr ?? '') }),
        [accepted],
      ),
    );
  } else {
    checks.push(check('token', 'missing', requirement, t('detail.tokenUnverified'), xoauth));
  }
  return checks;
}

export function certificateAuthentication(account: JobAccount, session: SessionFacts, requirement: string): Check[] {
  const checks: Check[] = [];
  const certificate = session.established?.data.clientCertificate;
  if (!session.established) return [check('client-certificate', 'missing', requirement, t('detail.noTls'))];
  if (!certificate?.present) {
    checks.push(
      check('client-certificate', 'fail', requirement, t('detail.noClientCertificate'), [session.established]),
    );
  } else if (!certificate.trusted) {
    checks.push(
      check(
        'client-certificate',
        'fail',
        requirement,
        t('detail.clientCertificateRefused', { problems: (certificate.problems ?? []).map(problemText).join(', ') }),
        [session.established],
      ),
    );
  } else {
    checks.push(
      check(
        'client-certificate',
        'pass',
        requirement,
        t('detail.clientCertificateOk', { subject: certificate.subject ?? '' }),
        [session.established],
      ),
    );
  }
  if (certificate?.present) {
    checks.push(
      certificate.ou === account.idnatAuthCli
        ? check('certificate-ou', 'pass', requirement, t('detail.ouOk', { ou: certificate.ou ?? '' }), [
            session.established,
          ])
        : check(
            'certificate-ou',
            'fail',
            requirement,
            t('detail.wrongOu', { ou: certificate.ou ?? '—', expected: account.idnatAuthCli ?? '' }),
            [session.established],
            { fix: t('fix.certificate-ou', { idnat: account.idnatAuthCli ?? '' }) },
          ),
    );
  }
  const attempts = session.auths.filter((a) => a.data.tls !== false);
  if (attempts.length === 0)
    return [
      ...checks,
      check('mechanism', 'missing', requirement, t('detail.noAuth'), [], { fix: t('fix.mechanismCert') }),
    ];
  const others = attempts.filter((a) => a.data.mechanism !== 'PLAIN' || a.data.command === 'LOGIN');
  checks.push(
    others.length > 0
      ? check(
          'mechanism',
          'fail',
          requirement,
          t('detail.wrongMechanism', { used: mechanisms(others), expected: 'PLAIN' }),
          others,
          { fix: t('fix.mechanismCert') },
        )
      : check('mechanism', 'pass', requirement, t('detail.mechanismOk', { mechanism: 'PLAIN' }), attempts),
  );
  const plain = attempts.filter((a) => a.data.mechanism === 'PLAIN' && a.data.command !== 'LOGIN');
  const mailbox = account.applicativeMailbox ?? '';
  const wrongUser = plain.filter((a) => String(a.data.user ?? '').toLowerCase() !== mailbox.toLowerCase());
  if (plain.length > 0) {
    checks.push(
      wrongUser.length > 0
        ? check(
            'user',
            'fail',
            requirement,
            t('detail.wrongUser', { user: String(wrongUser[0]!.data.user ?? ''), expected: mailbox }),
            wrongUser,
            { fix: t('fix.user', { mailbox }) },
          )
        : check('user', 'pass', requirement, t('detail.userOk', { user: mailbox }), plain),
    );
    const accepted = plain.find((a) => a.data.outcome === 'success');
    checks.push(
      accepted
        ? check('server-accepted', 'pass', requirement, t('detail.serverAccepted'), [accepted])
        : check(
            'server-accepted',
            'fail',
            requirement,
            t('detail.serverRefused', { reason: authReason(plain[0]!.data.reason) }),
            plain,
          ),
    );
  }
  return checks;
}

function mechanisms(attempts: Observation<'auth'>[]): string {
  return [...new Set(attempts.map((a) => mechanismName(a.data)))].join(', ');
}
