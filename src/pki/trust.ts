// The trust material handed to vendors and the agency: what a conformant client trusts, the root that evidence
// dossiers verify against, and the CRLs, as files.
import path from 'node:path';
import { EVIDENCE_ROOT, IGC_ORG, IGC_ROOT, NON_IGC_ROOT, type Authority, type CaName } from './authorities.ts';
import { crlPem } from './crl.ts';
import { day } from './encoding.ts';
import type { x509 } from './engine.ts';
import { PUBLIC_FILE_MODE, writeFileAtomic } from '../util/files.ts';
import { t } from '../i18n/messages.ts';

export const TRUST_FILES = {
  igc: 'igc-sante-test-roots.pem',
  nonIgc: 'non-igc-root.pem',
  evidence: 'motco-evidence-root.pem',
} as const;

/** The IGC Santé TEST root and the organisation CA: real IGC Santé bundles ship both. */
export function igcTrustBundle(authorities: Map<CaName, Authority>): string {
  return authorities.get(IGC_ROOT)!.certificate.pem + authorities.get(IGC_ORG)!.certificate.pem;
}

export function nonIgcRoot(authorities: Map<CaName, Authority>): string {
  return authorities.get(NON_IGC_ROOT)!.certificate.pem;
}

/** What `openssl cms -verify -CAfile` and `motco dossier verify --root` take to check a dossier's signature. */
export function evidenceRoot(authorities: Map<CaName, Authority>): string {
  return authorities.get(EVIDENCE_ROOT)!.certificate.pem;
}

/** Writes the trust files, every CRL (DER and PEM) and a README in French; returns the paths written. */
export async function exportTrust(
  dir: string,
  authorities: Map<CaName, Authority>,
  crls: Map<CaName, x509.X509Crl>,
  ocspUrl: string,
  now = new Date(),
): Promise<string[]> {
  const files: [string, string | Uint8Array][] = [
    [TRUST_FILES.igc, igcTrustBundle(authorities)],
    [TRUST_FILES.nonIgc, nonIgcRoot(authorities)],
    [TRUST_FILES.evidence, evidenceRoot(authorities)],
    ...[...crls].flatMap(([name, crl]): [string, string | Uint8Array][] => [
      [`${name}.crl`, new Uint8Array(crl.rawData)],
      [`${name}.crl.pem`, crlPem(crl)],
    ]),
    ['README.txt', t('pki.trustReadme', { date: day(now), ocsp: ocspUrl })],
  ];
  const written: string[] = [];
  for (const [name, content] of files) {
    const file = path.join(dir, name);
    // Handed to vendors and their clients: readable by all, unlike what stays in the data folder.
    await writeFileAtomic(file, content, PUBLIC_FILE_MODE);
    written.push(file);
  }
  return written;
}
