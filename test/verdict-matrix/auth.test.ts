// Verdict matrix: MIE PSC and MIE AUTH_CLI Authentification IMAP/SMTP (cases.ts).
import { CASES, FILES } from './cases.ts';
import { matrixFile } from './harness.ts';

matrixFile('Authentification PSC et AUTH_CLI', FILES.auth, CASES);
