// The two simulated CA hierarchies: "IGC Santé TEST" (root → organisation CA) and a stand-in for a commercial CA (root
// → intermediate), and the platform's own evidence root, which signs nothing but the certificate that signs evidence
// dossiers (evidence.ts) and pretends to be no one else's. Vendors and the agency install these as trust roots, so keys
// and subjects are created once and then kept; only a missing file brings a new one (and a new root re-issues its
// intermediate). An intermediate is re-signed, same key and subject, when the URL of its parent's CRL changes (a new
// publicUrl): chains still verify with the bundle vendors installed, and clients that check the whole chain find the
// CRL.
import type { Logger } from '../util/log.ts';
import { crlUrls, isIssuedBy, parseCertificate } from './certificate.ts';
import { pemBlocks } from './encoding.ts';
import type { x509 } from './engine.ts';
import { readOptional, writeFileAtomic } from '../util/files.ts';
import type { PkiLayout } from './files.ts';
import { caUsage, issueCertificate, type Issuer, type PkiUrls } from './issue.ts';
import { keyAt } from './keys.ts';

export const IGC_ROOT = 'igc-sante-test-root';
export const IGC_ORG = 'igc-sante-test-org';
export const NON_IGC_ROOT = 'non-igc-root';
export const NON_IGC_INTERMEDIATE = 'non-igc-intermediate';
export const EVIDENCE_ROOT = 'motco-evidence-root';
export const CA_NAMES = [IGC_ROOT, IGC_ORG, NON_IGC_ROOT, NON_IGC_INTERMEDIATE, EVIDENCE_ROOT] as const;
export type CaName = (typeof CA_NAMES)[number];

/** A CA: its name is also its file name and the last segment of its CRL and certificate URLs. */
export type Authority = Issuer & {
  name: CaName;
  /** The CA that signed this one; its own name for a root. */
  issuedBy: CaName;
};

interface CaProfile {
  name: CaName;
  parent?: CaName;
  subject: x509.JsonName;
  pathLength: number;
}

// Every subject says "simulation" so that nobody mistakes these for the real ANS hierarchy.
const SIMULATED = 'motco (simulation, non ANS)';
const IGC_UNIT = 'IGC-SANTE TEST (simulation)';
const NON_IGC_UNIT = 'AC commerciale fictive (simulation)';
const subject = (unit: string, commonName: string): x509.JsonName => [
  { C: ['FR'] },
  { O: [SIMULATED] },
  { OU: [unit] },
  { CN: [commonName] },
];

/** Parents before children. */
const PROFILES: readonly CaProfile[] = [
  {
    name: IGC_ROOT,
    subject: subject(IGC_UNIT, 'SIMULATION motco - AC RACINE IGC-SANTE ELEMENTAIRE TEST'),
    pathLength: 1,
  },
  {
    name: IGC_ORG,
    parent: IGC_ROOT,
    subject: subject(IGC_UNIT, 'SIMULATION motco - AC IGC-SANTE ELEMENTAIRE ORGANISATIONS TEST'),
    pathLength: 0,
  },
  {
    name: NON_IGC_ROOT,
    subject: subject(NON_IGC_UNIT, 'SIMULATION motco - AC RACINE COMMERCIALE NON IGC-SANTE'),
    pathLength: 1,
  },
  {
    name: NON_IGC_INTERMEDIATE,
    parent: NON_IGC_ROOT,
    subject: subject(NON_IGC_UNIT, 'SIMULATION motco - AC SERVEURS COMMERCIALE NON IGC-SANTE'),
    pathLength: 0,
  },
  // Not a simulation: the trust anchor of this platform's evidence, under motco's own name only.
  {
    name: EVIDENCE_ROOT,
    subject: [
      { C: ['FR'] },
      { O: ['motco'] },
      { OU: ['Preuves des executions (non ANS)'] },
      { CN: ['motco evidence root'] },
    ],
    pathLength: 0,
  },
];

// Fixed and in the past, so that the expired leaf's window (2023) lies inside the CAs' validity.
const CA_NOT_BEFORE = new Date('2020-01-01T00:00:00Z');
// Before 2050, so that the date stays a UTCTime (RFC 5280 §4.1.2.5).
const CA_NOT_AFTER = new Date('2045-01-01T00:00:00Z');

export interface AuthorityContext {
  layout: PkiLayout;
  urls: PkiUrls;
  keyBits: number;
  log: Logger;
}

export async function loadAuthorities(context: AuthorityContext): Promise<Map<CaName, Authority>> {
  const authorities = new Map<CaName, Authority>();
  for (const profile of PROFILES) {
    const parent = profile.parent ? authorities.get(profile.parent) : undefined;
    authorities.set(profile.name, await loadAuthority(profile, parent, context));
  }
  return authorities;
}

async function loadAuthority(
  profile: CaProfile,
  parent: Authority | undefined,
  context: AuthorityContext,
): Promise<Authority> {
  const { layout, log } = context;
  const { key } = await keyAt(layout.caKey(profile.name), context.keyBits, log);
  const stored = await readOptional(layout.caCertificate(profile.name));
  const storedCertificate = stored ? pemBlocks(stored.toString('utf8'), 'CERTIFICATE')[0] : undefined;
  if (storedCertificate) {
    const certificate = parseCertificate(storedCertificate);
    // Kept unless it no longer matches its key, its (re-created) parent, or where its parent's CRL now is.
    const crlUrlCurrent = !parent || crlUrls(certificate).includes(context.urls.crl(parent.name));
    if (
      certificate.node.checkPrivateKey(key.keyObject) &&
      isIssuedBy(certificate, parent?.certificate ?? certificate) &&
      crlUrlCurrent
    ) {
      return { name: profile.name, issuedBy: parent?.name ?? profile.name, certificate, key };
    }
  }
  const certificate = await issueCertificate({
    subject: profile.subject,
    subjectKey: key,
    ...(parent ? { issuer: parent } : {}),
    notBefore: CA_NOT_BEFORE,
    notAfter: CA_NOT_AFTER,
    extensions: caUsage(profile.pathLength),
    urls: context.urls,
  });
  await writeFileAtomic(layout.caCertificate(profile.name), certificate.pem);
  log.info('pki: CA certificate issued', { ca: profile.name });
  return { name: profile.name, issuedBy: parent?.name ?? profile.name, certificate, key };
}
