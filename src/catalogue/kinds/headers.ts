// headers — Indicateurs SMTP (MSS-CONF.14;15;16): a message from the mailbox to itself with an IHE_XDM.ZIP holding
// a CDA; X-MSS-NIL = the account's NIL, X-MSS-CODECDA = the CDA code(s), X-MSS-INS = O with an INS, else N;
// each header judged on its own (verdicts/submitted-messages.ts), on a session that follows the common rules.
import { t } from '../../i18n/messages.ts';
import type { Observation } from '../../observe/journal.ts';
import { toSelf, type SessionFacts } from '../facts.ts';
import { check, jobMailbox } from '../verdicts/common.ts';
import { codesOf, headerCheck, judgeMessages } from '../verdicts/submitted-messages.ts';
import type { Judge } from '../verdicts/types.ts';
import { serverPreparation } from './shared.ts';
import type { VerdictKindModule } from './types.ts';

const judgeHeaders: Judge = (input) => {
  const mailbox = jobMailbox(input.job, input.account);
  const withXdm = (m: Observation<'message'>) => toSelf(m, mailbox) && (m.data.xdm?.documents.length ?? 0) > 0;
  const missing = (session: SessionFacts) => {
    const toItself = session.messages.filter((m) => m.data.outcome === 'accepted' && toSelf(m, mailbox));
    return check(
      'xdm-attachment',
      'missing',
      'MSS-CONF.14',
      toItself.length > 0 ? t('detail.noXdm') : t('detail.noMessageToSelf', { mailbox: mailbox ?? '' }),
      toItself,
    );
  };
  return judgeMessages(
    input,
    'MSS-CONF.14',
    withXdm,
    (message) => {
      // withXdm chose it: it carries an archive with documents.
      const documents = message.data.xdm?.documents ?? [];
      const codes = codesOf(documents.map((d) => d.code ?? ''));
      const expectedIns = documents.some((d) => d.hasIns) ? 'O' : 'N';
      return [
        check(
          'xdm-attachment',
          'pass',
          'MSS-CONF.14',
          t('detail.xdmFound', { count: documents.length, codes: codes.join(', ') }),
          [message],
        ),
        headerCheck(
          'header-nil',
          'MSS-CONF.16',
          message,
          'X-MSS-NIL',
          (values) => values.length === 1 && values[0] === input.account.nil,
          input.account.nil,
        ),
        headerCheck(
          'header-codecda',
          'MSS-CONF.15',
          message,
          'X-MSS-CODECDA',
          (values) => values.length > 0 && codesOf(values).join(',') === codes.join(','),
          codes.join(','),
        ),
        headerCheck(
          'header-ins',
          'MSS-CONF.14',
          message,
          'X-MSS-INS',
          (values) => values.length === 1 && values[0] === expectedIns,
          expectedIns,
        ),
      ];
    },
    missing,
  );
};

export const headers: VerdictKindModule = {
  id: 'headers',
  label: 'Indicateurs SMTP',
  requirements: ['MSS-CONF.14', 'MSS-CONF.15', 'MSS-CONF.16'],
  ipRequired: false,
  instructions: {
    preparation: (_job, p) => serverPreparation(p, 'attendus.prepareHeaders'),
    instruction: (_job, p) => t('attendus.doHeaders', p),
  },
  judge: judgeHeaders,
};
