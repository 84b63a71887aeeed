// Verdict kinds judged on one authenticated session of the account:
//   imap-access — Accès Mail IMAP (MSS-CONF.06): STARTTLS, the BAL type's authentication, INBOX opened;
//   send        — Envoi Mail SMTP (MSS-CONF.05): STARTTLS, the BAL type's authentication, a message to itself accepted;
//   auth-psc    — MIE PSC : Authentification (MSS-CONF.07): XOAUTH2 with a valid PSC access token, then commands;
//   auth-cert   — MIE AUTH_CLI : Authentification (MSS-CONF.12): ORG_AUTH_CLI certificate with the right OU, then PLAIN.
import { t } from '../../i18n/messages.ts';
import { activeSessions, inboxSelects, successfulAuth, toSelf } from '../facts.ts';
import { certificateAuthentication, check, jobMailbox, judgeSessions, pscAuthentication, sessionRules, starttlsFirst } from './common.ts';
import type { Check, Judge } from './types.ts';

export const judgeImapAccess: Judge = (input) =>
  judgeSessions(input, activeSessions(input.observations), (session) => {
    const checks: Check[] = sessionRules(input, session, 'MSS-CONF.06');
    const selects = inboxSelects(session);
    const opened = selects.find((c) => c.ok);
    checks.push(
      opened
        ? check('inbox-opened', 'pass', 'MSS-CONF.06', t('detail.inboxOpened', { command: opened.name }), [opened.observation])
        : check('inbox-opened', selects.length > 0 ? 'fail' : 'missing', 'MSS-CONF.06', selects.length > 0 ? t('detail.inboxRefused') : t('detail.inboxNotOpened'), selects.map((c) => c.observation)),
    );
    return checks;
  });

export const judgeSend: Judge = (input) =>
  judgeSessions(input, activeSessions(input.observations), (session) => {
    const mailbox = jobMailbox(input.job, input.account);
    const checks: Check[] = sessionRules(input, session, 'MSS-CONF.05');
    const accepted = session.messages.filter((m) => m.data.outcome === 'accepted');
    const toItself = accepted.find((m) => toSelf(m, mailbox));
    checks.push(
      toItself
        ? check('message-accepted', 'pass', 'MSS-CONF.05', t('detail.messageToSelf', { mailbox: mailbox ?? '' }), [toItself])
        : check('message-accepted', 'missing', 'MSS-CONF.05', accepted.length > 0 ? t('detail.messageNotToSelf', { mailbox: mailbox ?? '' }) : t('detail.noMessage'), accepted),
    );
    return checks;
  });

export const judgeAuthPsc: Judge = (input) =>
  judgeSessions(input, activeSessions(input.observations), (session) => {
    const checks: Check[] = [starttlsFirst(session, 'MSS-CONF.07'), ...pscAuthentication(input.account, session, 'MSS-CONF.07')];
    const success = successfulAuth(session);
    if (success) {
      const after = session.commands.filter((c) => c.at > success.at && c.name !== 'AUTH' && c.name !== 'AUTHENTICATE');
      checks.push(
        after.length > 0
          ? check('command-after-auth', 'pass', 'MSS-CONF.07', t('detail.commandAfterAuth', { command: after[0]!.name }), [after[0]!.observation])
          : check('command-after-auth', 'missing', 'MSS-CONF.07', t('detail.noCommandAfterAuth'), [success]),
      );
    }
    return checks;
  });

export const judgeAuthCert: Judge = (input) =>
  judgeSessions(input, activeSessions(input.observations), (session) => [starttlsFirst(session, 'MSS-CONF.12'), ...certificateAuthentication(input.account, session, 'MSS-CONF.12')]);
