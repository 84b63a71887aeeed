// auth-psc — MIE PSC : Authentification IMAP/SMTP (MSS-CONF.07): after STARTTLS, SASL XOAUTH2 with a valid PSC
// access token of the mailbox's owner (verdicts/common.ts, pscAuthentication), then at least one command.
import { t } from '../../i18n/messages.ts';
import { activeSessions, successfulAuth } from '../facts.ts';
import { check, judgeSessions, pscAuthentication, starttlsFirst } from '../verdicts/common.ts';
import type { Check, Judge } from '../verdicts/types.ts';
import { USUAL_INSTRUCTIONS } from './shared.ts';
import type { VerdictKindModule } from './types.ts';

const judgeAuthPsc: Judge = (input) =>
  judgeSessions(input, activeSessions(input.observations), (session) => {
    const checks: Check[] = [
      starttlsFirst(session, 'MSS-CONF.07'),
      ...pscAuthentication(input.account, session, 'MSS-CONF.07'),
    ];
    const success = successfulAuth(session);
    if (success) {
      const after = session.commands.filter((c) => c.at > success.at && c.name !== 'AUTH' && c.name !== 'AUTHENTICATE');
      checks.push(
        after.length > 0
          ? check(
              'command-after-auth',
              'pass',
              'MSS-CONF.07',
              t('detail.commandAfterAuth', { command: after[0]!.name }),
              [after[0]!.observation],
            )
          : check('command-after-auth', 'missing', 'MSS-CONF.07', t('detail.noCommandAfterAuth'), [success]),
      );
    }
    return checks;
  });

export const authPsc: VerdictKindModule = {
  id: 'auth-psc',
  label: 'Authentification',
  requirements: ['MSS-CONF.07'],
  ipRequired: false,
  instructions: USUAL_INSTRUCTIONS,
  judge: judgeAuthPsc,
};
