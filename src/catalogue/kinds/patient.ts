// patient — Indicateurs SMTP Mail patient (MSS-CONF.21): a message from the mailbox to the account's test patient
// address carrying exactly X-MSS-MES: FIN (verdicts/submitted-messages.ts), on a session that follows the
// common rules.
import { t } from '../../i18n/messages.ts';
import type { Observation } from '../../observe/journal.ts';
import { check, jobMailbox } from '../verdicts/common.ts';
import { headerCheck, judgeMessages } from '../verdicts/submitted-messages.ts';
import type { Judge } from '../verdicts/types.ts';
import { serverPreparation } from './shared.ts';
import type { VerdictKindModule } from './types.ts';

const judgePatient: Judge = (input) => {
  const mailbox = jobMailbox(input.job, input.account);
  const patientAddress = input.account.patientAddress ?? '';
  const toPatient = (m: Observation<'message'>) => m.data.from === mailbox && m.data.to.includes(patientAddress);
  return judgeMessages(
    input,
    'MSS-CONF.21',
    toPatient,
    (message) => [
      check('patient-message', 'pass', 'MSS-CONF.21', t('detail.patientMessage', { patient: patientAddress }), [
        message,
      ]),
      headerCheck(
        'header-mes',
        'MSS-CONF.21',
        message,
        'X-MSS-MES',
        (values) => values.length === 1 && values[0] === 'FIN',
        'FIN',
      ),
    ],
    () => check('patient-message', 'missing', 'MSS-CONF.21', t('detail.noPatientMessage', { patient: patientAddress })),
  );
};

export const patient: VerdictKindModule = {
  id: 'patient',
  label: 'Indicateurs SMTP Mail patient',
  requirements: ['MSS-CONF.21'],
  ipRequired: false,
  instructions: {
    prerequisites: (_job, p) => [t('attendus.patientAddress', p)],
    preparation: (_job, p) => serverPreparation(p, 'attendus.preparePatient'),
    instruction: (_job, p) => t('attendus.doPatient', p),
  },
  judge: judgePatient,
};
