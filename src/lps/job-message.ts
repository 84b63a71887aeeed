// What the reference LPS writes for a job: X-MSS-NIL on every message (MSS-CONF.16); for the headers job a
// CDA in an IHE_XDM.ZIP with X-MSS-CODECDA and X-MSS-INS (MSS-CONF.14;15); for the patient job
// X-MSS-MES: FIN (MSS-CONF.21). A fault changes exactly one of these.
import type { UnitJob } from '../catalogue/jobs.ts';
import { t } from '../i18n/messages.ts';
import type { FaultName } from './faults.ts';
import { xdmArchive, type TestDocument } from './health-document.ts';
import type { OutgoingMessage } from '../mail/message/compose.ts';

/** The health document the headers job attaches (CI-SIS: compte rendu de consultation). */
const DOCUMENT = { code: '11488-4', displayName: 'Compte rendu de consultation' };
/** The code the wrong-codecda fault announces instead (another LOINC document type). */
const OTHER_CODE = '34133-9';
/** A test INS matricule (NIR shape, valid key) when the account's patient address does not give one. */
const TEST_INS = '279035121518989';

export interface MessageInput {
  job: UnitJob;
  nil: string;
  /** The account's test patient address, whose local part is the patient's INS matricule. */
  patientAddress: string | null;
  from: string;
  to: string[];
  fault?: FaultName | undefined;
}

export function jobMessage(input: MessageInput): OutgoingMessage {
  const { job, nil, fault } = input;
  const headers: [string, string][] = [];
  if (fault !== 'missing-nil') headers.push(['X-MSS-NIL', fault === 'wrong-nil' ? `${nil}-AUTRE` : nil]);
  const message: OutgoingMessage = {
    from: input.from,
    to: input.to,
    subject: t('lps.message.subject', { title: job.title }),
    text: t('lps.message.body', { title: job.title, id: job.id }),
    headers,
    attachments: [],
  };
  if (job.kind === 'headers') {
    const document: TestDocument = { ...DOCUMENT, ins: insMatricule(input.patientAddress) };
    headers.push(
      ['X-MSS-CODECDA', fault === 'wrong-codecda' ? OTHER_CODE : document.code],
      ['X-MSS-INS', fault === 'wrong-ins' ? 'N' : 'O'],
    );
    // MSS-CONF.23's subject: XDM/1.0/DDM+<libellé> <NOM> <prénom>.
    message.subject = `XDM/1.0/DDM+${document.displayName} TEST PATIENT`;
    message.attachments.push({
      filename: 'IHE_XDM.ZIP',
      contentType: 'application/zip',
      content: xdmArchive([document]),
    });
  }
  if (job.kind === 'patient' && fault !== 'missing-mes') headers.push(['X-MSS-MES', 'FIN']);
  return message;
}

function insMatricule(patientAddress: string | null): string {
  const local = patientAddress?.split('@')[0] ?? '';
  return /^\d{13,15}$/.test(local) ? local : TEST_INS;
}
