// auth-cert — MIE AUTH_CLI : Authentification IMAP/SMTP (MSS-CONF.12): after STARTTLS, an ORG_AUTH_CLI client
// certificate whose OU is the account's IdNat AUTH_CLI, then SASL PLAIN with the applicative mailbox
// (verdicts/common.ts, certificateAuthentication).
import { activeSessions } from '../facts.ts';
import { certificateAuthentication, judgeSessions, starttlsFirst } from '../verdicts/common.ts';
import type { Judge } from '../verdicts/types.ts';
import { USUAL_INSTRUCTIONS } from './shared.ts';
import type { VerdictKindModule } from './types.ts';

const judgeAuthCert: Judge = (input) =>
  judgeSessions(input, activeSessions(input.observations), (session) => [
    starttlsFirst(session, 'MSS-CONF.12'),
    ...certificateAuthentication(input.account, session, 'MSS-CONF.12'),
  ]);

export const authCert: VerdictKindModule = {
  id: 'auth-cert',
  label: 'Authentification',
  requirements: ['MSS-CONF.12'],
  ipRequired: false,
  instructions: USUAL_INSTRUCTIONS,
  judge: judgeAuthCert,
};
