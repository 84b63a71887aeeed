// send — Envoi Mail SMTP (MSS-CONF.05): on one authenticated session of the account, STARTTLS, the BAL type's
// authentication (verdicts/common.ts), then a message from the mailbox to itself accepted.
import { t } from '../../i18n/messages.ts';
import { activeSessions, toSelf } from '../facts.ts';
import { check, jobMailbox, judgeSessions, sessionRules } from '../verdicts/common.ts';
import type { Check, Judge } from '../verdicts/types.ts';
import { USUAL_INSTRUCTIONS } from './shared.ts';
import type { VerdictKindModule } from './types.ts';

const judgeSend: Judge = (input) =>
  judgeSessions(input, activeSessions(input.observations), (session) => {
    const mailbox = jobMailbox(input.job, input.account);
    const checks: Check[] = sessionRules(input, session, 'MSS-CONF.05');
    const accepted = session.messages.filter((m) => m.data.outcome === 'accepted');
    const toItself = accepted.find((m) => toSelf(m, mailbox));
    checks.push(
      toItself
        ? check('message-accepted', 'pass', 'MSS-CONF.05', t('detail.messageToSelf', { mailbox: mailbox ?? '' }), [
            toItself,
          ])
        : check(
            'message-accepted',
            'missing',
            'MSS-CONF.05',
            accepted.length > 0 ? t('detail.messageNotToSelf', { mailbox: mailbox ?? '' }) : t('detail.noMessage'),
            accepted,
          ),
    );
    return checks;
  });

export const send: VerdictKindModule = {
  id: 'send',
  label: 'Envoi Mail',
  requirements: ['MSS-CONF.05'],
  ipRequired: false,
  instructions: USUAL_INSTRUCTIONS,
  judge: judgeSend,
};
