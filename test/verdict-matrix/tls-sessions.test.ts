// Verdict matrix: TLS IMAP/SMTP, Accès Mail IMAP and Envoi Mail SMTP, both BAL types (cases.ts).
import { CASES, FILES } from './cases.ts';
import { matrixFile } from './harness.ts';

matrixFile('TLS, Accès Mail IMAP, Envoi Mail SMTP', FILES['tls-sessions'], CASES);
