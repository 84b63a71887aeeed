// imap-access — Accès Mail IMAP (MSS-CONF.06): on one authenticated session of the account, STARTTLS, the BAL
// type's authentication (verdicts/common.ts), then INBOX opened (SELECT or EXAMINE answered OK).
import { t } from '../../i18n/messages.ts';
import { activeSessions, inboxSelects } from '../facts.ts';
import { check, judgeSessions, sessionRules } from '../verdicts/common.ts';
import type { Check, Judge } from '../verdicts/types.ts';
import { USUAL_INSTRUCTIONS } from './shared.ts';
import type { VerdictKindModule } from './types.ts';

const judgeImapAccess: Judge = (input) =>
  judgeSessions(input, activeSessions(input.observations), (session) => {
    const checks: Check[] = sessionRules(input, session, 'MSS-CONF.06');
    const selects = inboxSelects(session);
    const opened = selects.find((c) => c.ok);
    checks.push(
      opened
        ? check('inbox-opened', 'pass', 'MSS-CONF.06', t('detail.inboxOpened', { command: opened.name }), [
            opened.observation,
          ])
        : check(
            'inbox-opened',
            selects.length > 0 ? 'fail' : 'missing',
            'MSS-CONF.06',
            selects.length > 0 ? t('detail.inboxRefused') : t('detail.inboxNotOpened'),
            selects.map((c) => c.observation),
          ),
    );
    return checks;
  });

export const imapAccess: VerdictKindModule = {
  id: 'imap-access',
  label: 'Accès Mail',
  requirements: ['MSS-CONF.06'],
  ipRequired: false,
  instructions: USUAL_INSTRUCTIONS,
  judge: judgeImapAccess,
};
