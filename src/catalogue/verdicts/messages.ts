// Verdict kinds judged on a submitted message and the session that carried it (STARTTLS and the BAL type's
// authentication, as every kind):
//   headers — Indicateurs SMTP (MSS-CONF.14;15;16): a message to itself with an IHE_XDM.ZIP holding a CDA;
//             X-MSS-NIL = the account's NIL, X-MSS-CODECDA = the CDA code(s), X-MSS-INS = O with an INS, else N;
//   patient — Indicateurs SMTP Mail patient (MSS-CONF.21): a message to the test patient address with X-MSS-MES: FIN.
import { t } from '../../i18n/messages.ts';
import type { HeaderField } from '../../mail/message/headers.ts';
import type { XdmFacts } from '../../mail/message/xdm.ts';
import type { Observation } from '../../observe/journal.ts';
import { activeSessions, toSelf, type SessionFacts } from '../facts.ts';
import { check, jobMailbox, judgement, judgeSessions, nothingObserved, sessionRules } from './common.ts';
import type { Check, Judge, Judgement, JudgeInput } from './types.ts';

/** Headers and CDA facts are judged on the latest message that qualifies; earlier ones are superseded (a vendor may retry). */
interface Candidate {
  session: SessionFacts;
  message: Observation;
}

function candidates(sessions: SessionFacts[], qualifies: (m: Observation) => boolean): Candidate[] {
  return sessions
    .flatMap((session) => session.messages.filter((m) => m.data.outcome === 'accepted' && qualifies(m)).map((message) => ({ session, message })))
    .sort((a, b) => a.message.id - b.message.id);
}

/** Every value of a header field (case-insensitive name), trimmed. */
export function headerValues(message: Observation, name: string): string[] {
  return ((message.data.headers as HeaderField[]) ?? []).filter((h) => h.name.toLowerCase() === name.toLowerCase()).map((h) => h.value.trim());
}

/** X-MSS-CODECDA may list several codes (separator unspecified: commas, semicolons or repeated fields are read). */
export function codesOf(values: string[]): string[] {
  return [...new Set(values.flatMap((v) => v.split(/[,;]/)).map((c) => c.trim()).filter(Boolean))].sort();
}

/**
 * The latest qualifying message is judged with the session that carried it (STARTTLS, the BAL type's
 * authentication); without one yet, a session that already broke those rules makes the job KO, else the
 * message is awaited.
 */
function judgeMessages(input: JudgeInput, requirement: string, qualifies: (m: Observation) => boolean, judgeOne: (m: Observation) => Check[], missing: (s: SessionFacts) => Check): Judgement {
  const sessions = activeSessions(input.observations);
  if (sessions.length === 0) return nothingObserved(input);
  const latest = candidates(sessions, qualifies).at(-1);
  if (latest) {
    // Another session that broke the common rules (credentials in clear, a password for a PSC mailbox…) is KO.
    const broken = sessions
      .filter((s) => s !== latest.session)
      .map((s) => judgement(sessionRules(input, s, requirement), input.final))
      .find((j) => j.checks.some((c) => c.outcome === 'fail'));
    return broken ?? judgement([...sessionRules(input, latest.session, requirement), ...judgeOne(latest.message)], input.final);
  }
  return judgeSessions(input, sessions, (session) => [...sessionRules(input, session, requirement), missing(session)]);
}

export const judgeHeaders: Judge = (input) => {
  const mailbox = jobMailbox(input.job, input.account);
  const withXdm = (m: Observation) => toSelf(m, mailbox) && ((m.data.xdm as XdmFacts | null)?.documents.length ?? 0) > 0;
  const missing = (session: SessionFacts) => {
    const toItself = session.messages.filter((m) => m.data.outcome === 'accepted' && toSelf(m, mailbox));
    return check('xdm-attachment', 'missing', 'MSS-CONF.14', toItself.length > 0 ? t('detail.noXdm') : t('detail.noMessageToSelf', { mailbox: mailbox ?? '' }), toItself);
  };
  return judgeMessages(input, 'MSS-CONF.14', withXdm, (message) => {
    const xdm = message.data.xdm as XdmFacts;
    const codes = codesOf(xdm.documents.map((d) => d.code ?? ''));
    const expectedIns = xdm.documents.some((d) => d.hasIns) ? 'O' : 'N';
    return [
      check('xdm-attachment', 'pass', 'MSS-CONF.14', t('detail.xdmFound', { count: xdm.documents.length, codes: codes.join(', ') }), [message]),
      headerCheck('header-nil', 'MSS-CONF.16', message, 'X-MSS-NIL', (values) => values.length === 1 && values[0] === input.account.nil, input.account.nil),
      headerCheck('header-codecda', 'MSS-CONF.15', message, 'X-MSS-CODECDA', (values) => values.length > 0 && codesOf(values).join(',') === codes.join(','), codes.join(',')),
      headerCheck('header-ins', 'MSS-CONF.14', message, 'X-MSS-INS', (values) => values.length === 1 && values[0] === expectedIns, expectedIns),
    ];
  }, missing);
};

export const judgePatient: Judge = (input) => {
  const mailbox = jobMailbox(input.job, input.account);
  const patient = input.account.patientAddress ?? '';
  const toPatient = (m: Observation) => m.data.from === mailbox && (m.data.to as string[]).includes(patient);
  return judgeMessages(
    input,
    'MSS-CONF.21',
    toPatient,
    (message) => [
      check('patient-message', 'pass', 'MSS-CONF.21', t('detail.patientMessage', { patient }), [message]),
      headerCheck('header-mes', 'MSS-CONF.21', message, 'X-MSS-MES', (values) => values.length === 1 && values[0] === 'FIN', 'FIN'),
    ],
    () => check('patient-message', 'missing', 'MSS-CONF.21', t('detail.noPatientMessage', { patient })),
  );
};

function headerCheck(id: string, requirement: string, message: Observation, name: string, valid: (values: string[]) => boolean, expected: string): Check {
  const values = headerValues(message, name);
  if (values.length === 0) return check(id, 'fail', requirement, t('detail.headerMissing', { name, expected }), [message]);
  return valid(values)
    ? check(id, 'pass', requirement, t('detail.headerOk', { name, value: values.join(' | ') }), [message])
    : check(id, 'fail', requirement, t('detail.headerWrong', { name, value: values.join(' | '), expected }), [message]);
}
