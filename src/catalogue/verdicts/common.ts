// What several verdict kinds share: building checks, deciding a verdict from them, judging a set of sessions,
// and the two authentication methods of catalogue.md (PSC: XOAUTH2 with a verified token; AUTH_CLI: client
// certificate then PLAIN).
import { t, type MessageKey } from '../../i18n/messages.ts';
import type { Observation } from '../../observe/journal.ts';
import type { UnitJob } from '../jobs.ts';
import { authsInClear, commandsBeforeTls, type SessionFacts } from '../facts.ts';
import type { JobAccount, JudgeInput } from './types.ts';
import type { Check, CheckOutcome, Judgement, JudgementStatus } from './types.ts';

export function check(id: string, outcome: CheckOutcome, requirement: string, detail: string, observations: (Observation | undefined)[] = [], critical = false): Check {
  return {
    id,
    label: t(`check.${id}` as MessageKey),
    outcome,
    detail,
    requirement,
    ...(critical ? { critical } : {}),
    observations: observations.filter((o): o is Observation => o !== undefined).map((o) => o.id),
  };
}

/** Any failure is final; all passed is final; otherwise wait, or at the end count what is missing as failed. */
export function decide(checks: Check[], final: boolean): JudgementStatus {
  if (checks.some((c) => c.outcome === 'fail')) return 'KO';
  const judged = checks.filter((c) => c.outcome !== 'info');
  if (judged.length > 0 && judged.every((c) => c.outcome === 'pass')) return 'OK';
  return final ? 'KO' : 'PENDING';
}

export function judgement(checks: Check[], final: boolean): Judgement {
  return { status: decide(checks, final), checks, used: [...new Set(checks.flatMap((c) => c.observations))] };
}

/** Nothing attributable happened in the window: INCONCLUSIVE at the end ("aucune connexion observée"). */
export function nothingObserved(input: JudgeInput): Judgement {
  const what = check('connection', 'missing', input.job.requirements[0] ?? '', t('detail.noConnection', { endpoint: input.job.endpoint, protocol: input.job.protocol.toUpperCase() }));
  return { status: input.final ? 'INCONCLUSIVE' : 'PENDING', checks: [what], used: [] };
}

/**
 * Judges every session with `judgeOne` and keeps the most telling: the first that failed (one bad session is
 * enough for KO), else the first that passed, else the one that got furthest.
 */
export function judgeSessions(input: JudgeInput, sessions: SessionFacts[], judgeOne: (s: SessionFacts) => Check[]): Judgement {
  if (sessions.length === 0) return nothingObserved(input);
  const judged = sessions.map((s) => judgement(judgeOne(s), input.final));
  const pick = judged.find((j) => j.status === 'KO' && j.checks.some((c) => c.outcome === 'fail')) ?? judged.find((j) => j.status === 'OK') ?? best(judged);
  return pick;
}

function best(judged: Judgement[]): Judgement {
  return judged.reduce((a, b) => (passes(b) > passes(a) ? b : a));
}

function passes(j: Judgement): number {
  return j.checks.filter((c) => c.outcome === 'pass').length;
}

/** STARTTLS came before any command carrying credentials or mail (CONF.05/06). */
export function starttlsFirst(session: SessionFacts, requirement: string): Check {
  const early = commandsBeforeTls(session);
  const clear = authsInClear(session);
  if (early.length > 0 || clear.length > 0) {
    const names = [...new Set(early.map((c) => c.name))].join(', ') || 'AUTH';
    return check('starttls', 'fail', requirement, t('detail.commandsBeforeTls', { commands: names }), [...early.map((c) => c.observation), ...clear], clear.length > 0);
  }
  if (!session.established) return check('starttls', 'missing', requirement, t('detail.noTls'));
  return check('starttls', 'pass', requirement, t('detail.starttlsOk', { version: String(session.established.data.version) }), [session.established]);
}

/** The account's mailbox of the job's BAL type. */
export function jobMailbox(job: UnitJob, account: JobAccount): string | null {
  return job.bal === 'PSC' ? account.personalMailbox : account.applicativeMailbox;
}

/** Authentication by the BAL type's method: PSC → XOAUTH2 with a verified PSC token; AUTH_CLI → client certificate + PLAIN. */
export function balAuthentication(input: JudgeInput, session: SessionFacts): Check[] {
  return input.job.bal === 'PSC' ? pscAuthentication(input.account, session, 'MSS-CONF.07') : certificateAuthentication(input.account, session, 'MSS-CONF.12');
}

export function pscAuthentication(account: JobAccount, session: SessionFacts, requirement: string): Check[] {
  const checks: Check[] = [];
  const mailbox = account.personalMailbox;
  const attempts = session.auths.filter((a) => a.data.tls !== false);
  if (attempts.length === 0) return [check('mechanism', 'missing', requirement, t('detail.noAuth'))];
  const others = attempts.filter((a) => a.data.mechanism !== 'XOAUTH2');
  checks.push(
    others.length > 0
      ? check('mechanism', 'fail', requirement, t('detail.wrongMechanism', { used: mechanisms(others), expected: 'XOAUTH2' }), others)
      : check('mechanism', 'pass', requirement, t('detail.mechanismOk', { mechanism: 'XOAUTH2' }), attempts),
  );
  const xoauth = attempts.filter((a) => a.data.mechanism === 'XOAUTH2');
  if (xoauth.length === 0) return checks;
  const wrongUser = xoauth.filter((a) => a.data.user !== mailbox);
  checks.push(
    wrongUser.length > 0
      ? check('user', 'fail', requirement, t('detail.wrongUser', { user: String(wrongUser[0]!.data.user ?? ''), expected: mailbox ?? '' }), wrongUser)
      : check('user', 'pass', requirement, t('detail.userOk', { user: mailbox ?? '' }), xoauth),
  );
  const refused = xoauth.filter((a) => a.data.outcome !== 'success');
  const accepted = xoauth.find((a) => a.data.outcome === 'success' && a.data.bearerVerified === true);
  if (refused.length > 0) {
    checks.push(check('token', 'fail', requirement, t('detail.tokenRefused', { reason: tokenReason(String(refused[0]!.data.reason ?? '')) }), refused));
  } else if (accepted) {
    const claims = (accepted.data.bearer as { claims?: Record<string, unknown> } | undefined)?.claims ?? {};
    checks.push(check('token', 'pass', requirement, t('detail.tokenOk', { subject: String(claims.SubjectNameID ?? ''), acr: String(claims.acr ?? '') }), [accepted]));
  } else {
    checks.push(check('token', 'missing', requirement, t('detail.tokenUnverified'), xoauth));
  }
  return checks;
}

export function certificateAuthentication(account: JobAccount, session: SessionFacts, requirement: string): Check[] {
  const checks: Check[] = [];
  const certificate = session.established?.data.clientCertificate as
    | { present?: boolean; ou?: string; trusted?: boolean; problems?: string[]; subject?: string }
    | undefined;
  if (!session.established) return [check('client-certificate', 'missing', requirement, t('detail.noTls'))];
  if (!certificate?.present) {
    checks.push(check('client-certificate', 'fail', requirement, t('detail.noClientCertificate'), [session.established]));
  } else if (!certificate.trusted) {
    checks.push(check('client-certificate', 'fail', requirement, t('detail.clientCertificateRefused', { problems: (certificate.problems ?? []).map(problemText).join(', ') }), [session.established]));
  } else {
    checks.push(check('client-certificate', 'pass', requirement, t('detail.clientCertificateOk', { subject: certificate.subject ?? '' }), [session.established]));
  }
  if (certificate?.present) {
    checks.push(
      certificate.ou === account.idnatAuthCli
        ? check('certificate-ou', 'pass', requirement, t('detail.ouOk', { ou: certificate.ou ?? '' }), [session.established])
        : check('certificate-ou', 'fail', requirement, t('detail.wrongOu', { ou: certificate.ou ?? '—', expected: account.idnatAuthCli ?? '' }), [session.established]),
    );
  }
  const attempts = session.auths.filter((a) => a.data.tls !== false);
  if (attempts.length === 0) return [...checks, check('mechanism', 'missing', requirement, t('detail.noAuth'))];
  const others = attempts.filter((a) => a.data.mechanism !== 'PLAIN' || a.data.command === 'LOGIN');
  checks.push(
    others.length > 0
      ? check('mechanism', 'fail', requirement, t('detail.wrongMechanism', { used: mechanisms(others), expected: 'PLAIN' }), others)
      : check('mechanism', 'pass', requirement, t('detail.mechanismOk', { mechanism: 'PLAIN' }), attempts),
  );
  const plain = attempts.filter((a) => a.data.mechanism === 'PLAIN' && a.data.command !== 'LOGIN');
  const wrongUser = plain.filter((a) => a.data.user !== account.applicativeMailbox);
  if (plain.length > 0) {
    checks.push(
      wrongUser.length > 0
        ? check('user', 'fail', requirement, t('detail.wrongUser', { user: String(wrongUser[0]!.data.user ?? ''), expected: account.applicativeMailbox ?? '' }), wrongUser)
        : check('user', 'pass', requirement, t('detail.userOk', { user: account.applicativeMailbox ?? '' }), plain),
    );
    const accepted = plain.find((a) => a.data.outcome === 'success');
    checks.push(
      accepted
        ? check('server-accepted', 'pass', requirement, t('detail.serverAccepted'), [accepted])
        : check('server-accepted', 'fail', requirement, t('detail.serverRefused', { reason: String(plain[0]!.data.reason ?? '') }), plain),
    );
  }
  return checks;
}

function mechanisms(attempts: Observation[]): string {
  return [...new Set(attempts.map((a) => (a.data.command === 'LOGIN' ? 'LOGIN (commande IMAP)' : String(a.data.mechanism))))].join(', ');
}

const TOKEN_REASONS: Record<string, MessageKey> = {
  expired: 'token.expired',
  not_yet_valid: 'token.notYetValid',
  wrong_issuer: 'token.wrongIssuer',
  bad_signature: 'token.badSignature',
  unknown_key: 'token.badSignature',
  alg_none: 'token.unsigned',
  id_token: 'token.idToken',
  refresh_token: 'token.refreshToken',
  not_an_access_token: 'token.notAccessToken',
  wrong_acr: 'token.wrongAcr',
  wrong_identity: 'token.wrongIdentity',
  missing_identity: 'token.wrongIdentity',
  not_personal_mailbox: 'token.notPersonalMailbox',
};

/** French words for a refused token's reason, with or without the auth record's `bearer_` prefix. */
export function tokenReason(reason: string): string {
  const code = reason.replace(/^bearer_/, '');
  const key = TOKEN_REASONS[code];
  return key ? t(key) : code;
}

const CERTIFICATE_PROBLEMS: Record<string, MessageKey> = {
  untrusted_chain: 'certificateProblem.untrusted',
  expired: 'certificateProblem.expired',
  not_yet_valid: 'certificateProblem.notYetValid',
  revoked: 'certificateProblem.revoked',
  no_client_auth_eku: 'certificateProblem.noClientAuth',
};

/** French words for a client certificate's problem code (pki/judge.ts). */
export function problemText(problem: string): string {
  const key = CERTIFICATE_PROBLEMS[problem];
  return key ? t(key) : problem;
}
