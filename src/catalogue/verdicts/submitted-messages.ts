// What the kinds judged on a submitted message share (kinds/headers.ts, kinds/patient.ts): the latest message
// that qualifies is judged with the session that carried it (STARTTLS and the BAL type's authentication, as
// every kind), each MSSanté header on its own check.
import { t } from '../../i18n/messages.ts';
import type { Observation } from '../../observe/journal.ts';
import { activeSessions, type SessionFacts } from '../facts.ts';
import { check, judgement, judgeSessions, nothingObserved, sessionRules } from './common.ts';
import type { Check, CheckId, Judgement, JudgeInput } from './types.ts';

/**
 * Headers and CDA facts are judged on the latest message that qualifies; earlier ones are superseded (a vendor may
 * retry).
 */
interface Candidate {
  session: SessionFacts;
  message: Observation<'message'>;
}

function candidates(sessions: SessionFacts[], qualifies: (m: Observation<'message'>) => boolean): Candidate[] {
  return sessions
    .flatMap((session) =>
      session.messages
        .filter((m) => m.data.outcome === 'accepted' && qualifies(m))
        .map((message) => ({ session, message })),
    )
    .sort((a, b) => a.message.id - b.message.id);
}

/** Every value of a header field (case-insensitive name), trimmed. */
export function headerValues(message: Observation<'message'>, name: string): string[] {
  return (message.data.headers ?? [])
    .filter((h) => h.name.toLowerCase() === name.toLowerCase())
    .map((h) => h.value.trim());
}

/** X-MSS-CODECDA may list several codes (separator unspecified: commas, semicolons or repeated fields are read). */
export function codesOf(values: string[]): string[] {
  return [
    ...new Set(
      values
        .flatMap((v) => v.split(/[,;]/))
        .map((c) => c.trim())
        .filter(Boolean),
    ),
  ].sort();
}

/**
 * The latest qualifying message is judged with the session that carried it (STARTTLS, the BAL type's
 * authentication); without one yet, a session that already broke those rules makes the job KO, else the
 * message is awaited.
 */
export function judgeMessages(
  input: JudgeInput,
  requirement: string,
  qualifies: (m: Observation<'message'>) => boolean,
  judgeOne: (m: Observation<'message'>) => Check[],
  missing: (s: SessionFacts) => Check,
): Judgement {
  const sessions = activeSessions(input.observations);
  if (sessions.length === 0) return nothingObserved(input);
  const latest = candidates(sessions, qualifies).at(-1);
  if (latest) {
    // Another session that broke the common rules (credentials in clear, a password for a PSC mailbox…) is KO.
    const broken = sessions
      .filter((s) => s !== latest.session)
      .map((s) => judgement(sessionRules(input, s, requirement), input.final))
      .find((j) => j.checks.some((c) => c.outcome === 'fail'));
    return (
      broken ??
      judgement([...sessionRules(input, latest.session, requirement), ...judgeOne(latest.message)], input.final)
    );
  }
  return judgeSessions(input, sessions, (session) => [...sessionRules(input, session, requirement), missing(session)]);
}

/** A header field's check: present, and its value(s) as `valid` wants them. */
export function headerCheck(
  id: CheckId,
  requirement: string,
  message: Observation<'message'>,
  name: string,
  valid: (values: string[]) => boolean,
  expected: string,
): Check {
  const values = headerValues(message, name);
  if (values.length === 0)
    return check(id, 'fail', requirement, t('detail.headerMissing', { name, expected }), [message]);
  return valid(values)
    ? check(id, 'pass', requirement, t('detail.headerOk', { name, value: values.join(' | ') }), [message])
    : check(id, 'fail', requirement, t('detail.headerWrong', { name, value: values.join(' | '), expected }), [message]);
}
