// Verdict kinds judged on a submitted message:
//   headers — Indicateurs SMTP (MSS-CONF.14;15;16): a message to itself with an IHE_XDM.ZIP holding a CDA;
//             X-MSS-NIL = the account's NIL, X-MSS-CODECDA = the CDA code(s), X-MSS-INS = O with an INS, else N;
//   patient — Indicateurs SMTP Mail patient (MSS-CONF.21): a message to the test patient address with X-MSS-MES: FIN.
import { t } from '../../i18n/messages.ts';
import type { HeaderField } from '../../mail/message/headers.ts';
import type { XdmFacts } from '../../mail/message/xdm.ts';
import type { Observation } from '../../observe/journal.ts';
import { completeSessions, toSelf } from '../facts.ts';
import { check, jobMailbox, judgement, nothingObserved } from './common.ts';
import type { Check, Judge, Judgement, JudgeInput } from './types.ts';

function acceptedMessages(input: JudgeInput): Observation[] {
  return completeSessions(input.observations)
    .flatMap((s) => s.messages)
    .filter((m) => m.data.outcome === 'accepted');
}

/** Every value of a header field (case-insensitive name), trimmed. */
export function headerValues(message: Observation, name: string): string[] {
  return ((message.data.headers as HeaderField[]) ?? []).filter((h) => h.name.toLowerCase() === name.toLowerCase()).map((h) => h.value.trim());
}

/** X-MSS-CODECDA may list several codes (separator unspecified: commas, semicolons or repeated fields are read). */
export function codesOf(values: string[]): string[] {
  return [...new Set(values.flatMap((v) => v.split(/[,;]/)).map((c) => c.trim()).filter(Boolean))].sort();
}

/** Judges the latest relevant message; earlier ones in the window are superseded (a vendor may retry). */
function judgeLatest(input: JudgeInput, candidates: Observation[], judgeOne: (m: Observation) => Check[], missing: Check): Judgement {
  const latest = candidates.at(-1);
  if (!latest) return input.observations.length > 0 ? judgement([missing], input.final) : nothingObserved(input);
  return judgement(judgeOne(latest), true);
}

export const judgeHeaders: Judge = (input) => {
  const mailbox = jobMailbox(input.job, input.account);
  const toItself = acceptedMessages(input).filter((m) => toSelf(m, mailbox));
  const withXdm = toItself.filter((m) => ((m.data.xdm as XdmFacts | null)?.documents.length ?? 0) > 0);
  const missing = check('xdm-attachment', 'missing', 'MSS-CONF.14', toItself.length > 0 ? t('detail.noXdm') : t('detail.noMessageToSelf', { mailbox: mailbox ?? '' }), toItself);
  return judgeLatest(input, withXdm, (message) => {
    const xdm = message.data.xdm as XdmFacts;
    const codes = codesOf(xdm.documents.map((d) => d.code ?? ''));
    const expectedIns = xdm.documents.some((d) => d.hasIns) ? 'O' : 'N';
    const checks: Check[] = [check('xdm-attachment', 'pass', 'MSS-CONF.14', t('detail.xdmFound', { count: xdm.documents.length, codes: codes.join(', ') }), [message])];
    checks.push(headerCheck('header-nil', 'MSS-CONF.16', message, 'X-MSS-NIL', (values) => values.length === 1 && values[0] === input.account.nil, input.account.nil));
    checks.push(headerCheck('header-codecda', 'MSS-CONF.15', message, 'X-MSS-CODECDA', (values) => values.length > 0 && codesOf(values).join(',') === codes.join(','), codes.join(',')));
    checks.push(headerCheck('header-ins', 'MSS-CONF.14', message, 'X-MSS-INS', (values) => values.length === 1 && values[0] === expectedIns, expectedIns));
    return checks;
  }, missing);
};

export const judgePatient: Judge = (input) => {
  const mailbox = jobMailbox(input.job, input.account);
  const patient = input.account.patientAddress ?? '';
  const toPatient = acceptedMessages(input).filter((m) => m.data.from === mailbox && (m.data.to as string[]).includes(patient));
  const missing = check('patient-message', 'missing', 'MSS-CONF.21', t('detail.noPatientMessage', { patient }));
  return judgeLatest(input, toPatient, (message) => [
    check('patient-message', 'pass', 'MSS-CONF.21', t('detail.patientMessage', { patient }), [message]),
    headerCheck('header-mes', 'MSS-CONF.21', message, 'X-MSS-MES', (values) => values.length === 1 && values[0] === 'FIN', 'FIN'),
  ], missing);
};

function headerCheck(id: string, requirement: string, message: Observation, name: string, valid: (values: string[]) => boolean, expected: string): Check {
  const values = headerValues(message, name);
  if (values.length === 0) return check(id, 'fail', requirement, t('detail.headerMissing', { name, expected }), [message]);
  return valid(values)
    ? check(id, 'pass', requirement, t('detail.headerOk', { name, value: values.join(' | ') }), [message])
    : check(id, 'fail', requirement, t('detail.headerWrong', { name, value: values.join(' | '), expected }), [message]);
}
