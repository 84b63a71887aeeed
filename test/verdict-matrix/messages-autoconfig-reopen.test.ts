// Verdict matrix: Indicateurs SMTP, Mail patient, Autoconfig and Réouv Session (cases.ts).
import { CASES, FILES } from './cases.ts';
import { matrixFile } from './harness.ts';

matrixFile('Indicateurs, Autoconfig, Réouv Session', FILES['messages-autoconfig-reopen'], CASES, { reopenAccounts: 4 });
