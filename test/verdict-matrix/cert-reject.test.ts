// Verdict matrix: Certificat expiré, Certificat révoqué, AC non IGC Santé, IMAP and SMTP, both BAL types (cases.ts).
import { CASES, FILES } from './cases.ts';
import { matrixFile } from './harness.ts';

matrixFile('Certificat expiré, révoqué, AC non IGC Santé', FILES['cert-reject'], CASES);
