// reopen — Réouv Session IMAP/SMTP (MSS-CONF.11), PSC only. The platform closes the client's first authenticated
// session (beforeWindow, armed by the runner for the job's window) (IMAP: * BYE once a folder other than INBOX is
// selected; SMTP: 421 after the first accepted message); the client must open a new session by itself, authenticated
// with a currently valid token (a refreshed one if the first expired), and — for IMAP — open INBOX again. Until the
// close, every session follows the common rules (STARTTLS, XOAUTH2 with a valid token of the mailbox's owner).
import { t } from '../../i18n/messages.ts';
import { authReason } from '../../observe/wording.ts';
import { activeSessions, inboxSelects, successfulAuth, type SessionFacts } from '../facts.ts';
import { check, judgement, nothingObserved, pscAuthentication, sessionRules } from '../verdicts/common.ts';
import type { Check, Judge } from '../verdicts/types.ts';
import { serverPreparation } from './shared.ts';
import type { VerdictKindModule } from './types.ts';

/** The reason the runner gives when it closes the session; the verdict finds the close by it. */
export const REOPEN_CLOSE_REASON = 'Session closed by the operator (MSS-CONF.11 reopening test)';

export function closedByPlatform(session: SessionFacts): boolean {
  return session.closed?.data.by === 'server' && session.closed.data.reason === REOPEN_CLOSE_REASON;
}

const judgeReopen: Judge = (input) => {
  const sessions = activeSessions(input.observations);
  if (sessions.length === 0) return nothingObserved(input);
  const checks: Check[] = [];
  const first = sessions.find(closedByPlatform);
  const rules = (s: SessionFacts) => sessionRules(input, s, 'MSS-CONF.11');

  // Up to the platform's close, every session follows the common rules (STARTTLS, XOAUTH2 with a valid token).
  // The moment the platform closed it (its BYE or 421): a client may reconnect before the close fact is written.
  const closedAt = first?.closed ? (first.closed.data.closingAt ?? first.closed.at) : Number.POSITIVE_INFINITY;
  const broken = sessions
    .filter((s) => s.openedAt < closedAt)
    .map(rules)
    .find((c) => c.some((x) => x.outcome === 'fail'));
  if (broken) {
    const closed = first
      ? check(
          'first-session-closed',
          'pass',
          'MSS-CONF.11',
          t('detail.reopenClosed', { protocol: input.job.protocol.toUpperCase() }),
          [successfulAuth(first), first.closed],
        )
      : check('first-session-closed', 'missing', 'MSS-CONF.11', t('detail.noAuth'));
    return judgement([...broken, closed], input.final);
  }
  if (!first) {
    const authenticated = sessions.find((s) => successfulAuth(s));
    checks.push(
      ...(authenticated ? rules(authenticated) : []),
      check(
        'first-session-closed',
        'missing',
        'MSS-CONF.11',
        authenticated
          ? t(input.job.protocol === 'imap' ? 'detail.reopenWaitingSelect' : 'detail.reopenWaitingMessage')
          : t('detail.noAuth'),
        authenticated ? [successfulAuth(authenticated)] : [],
      ),
    );
    return judgement(checks, input.final);
  }
  checks.push(
    ...rules(first),
    check(
      'first-session-closed',
      'pass',
      'MSS-CONF.11',
      t('detail.reopenClosed', { protocol: input.job.protocol.toUpperCase() }),
      [successfulAuth(first), first.closed],
    ),
  );

  const later = sessions.filter((s) => s.openedAt >= closedAt && s.id !== first.id);
  if (later.length === 0)
    return judgement(
      [...checks, check('new-session', 'missing', 'MSS-CONF.11', t('detail.noNewSession'))],
      input.final,
    );

  const reopened = later.find(
    (s) => successfulAuth(s)?.data.mechanism === 'XOAUTH2' && successfulAuth(s)?.data.bearerVerified === true,
  );
  if (!reopened) {
    const refused = later.flatMap((s) => s.auths).filter((a) => a.data.outcome !== 'success');
    const reason = refused[0] ? authReason(refused[0].data.reason) : '';
    const failed = refused.length > 0;
    return judgement(
      [
        ...checks,
        check(
          'new-session',
          failed ? 'fail' : 'missing',
          'MSS-CONF.11',
          failed ? t('detail.reopenRefused', { reason }) : t('detail.reopenNotAuthenticated'),
          refused,
        ),
      ],
      input.final,
    );
  }
  checks.push(
    ...pscAuthentication(input.account, reopened, 'MSS-CONF.11').map((c) => ({ ...c, id: `new-session-${c.id}` })),
  );
  checks.push(
    check(
      'new-session',
      'pass',
      'MSS-CONF.11',
      t('detail.reopenOk', { seconds: Math.round((reopened.openedAt - closedAt) / 1000) }),
      [successfulAuth(reopened)],
    ),
  );
  if (input.job.protocol === 'imap') {
    const inbox = inboxSelects(reopened).find((c) => c.ok);
    checks.push(
      inbox
        ? check('inbox-reopened', 'pass', 'MSS-CONF.11', t('detail.inboxOpened', { command: inbox.name }), [
            inbox.observation,
          ])
        : check('inbox-reopened', 'missing', 'MSS-CONF.11', t('detail.inboxNotOpened')),
    );
  }
  return judgement(checks, input.final);
};

export const reopen: VerdictKindModule = {
  id: 'reopen',
  label: 'Réouv Session',
  requirements: ['MSS-CONF.11'],
  ipRequired: false,
  instructions: {
    preparation: (job, p) =>
      serverPreparation(p, job.protocol === 'imap' ? 'attendus.prepareReopenImap' : 'attendus.prepareSend'),
    instruction: (job, p) => t(job.protocol === 'imap' ? 'attendus.doReopenImap' : 'attendus.doReopenSmtp', p),
  },
  judge: judgeReopen,
  // The close the manual describes: IMAP, once a folder other than INBOX is selected and a short delay has
  // passed (* BYE); SMTP, right after the first accepted message (421). Only the mailbox's next such session.
  beforeWindow(job, account, platform) {
    const mailbox = account.personalMailbox ?? '';
    return job.protocol === 'imap'
      ? platform.armClose({
          mailbox,
          protocol: 'imap',
          on: 'selected',
          exceptFolder: 'INBOX',
          delayMs: platform.runner.reopenImapDelaySeconds * 1000,
          reason: REOPEN_CLOSE_REASON,
        })
      : platform.armClose({
          mailbox,
          protocol: 'smtp',
          on: 'message-accepted',
          delayMs: 0,
          reason: REOPEN_CLOSE_REASON,
        });
  },
};
