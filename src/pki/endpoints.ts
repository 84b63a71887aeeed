// Server certificates of the mail endpoints. Generated leaves are kept between runs and re-issued only when
// the inputs that shape them change, a file is missing or does not match, or a leaf meant to be valid nears
// its end. An endpoint configured with certFile/keyFile presents the operator's certificate instead.
import { createHash, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { CertificateKind, Config, EndpointConfig } from '../config/config.ts';
import type { EndpointId } from '../config/schema.ts';
import type { Logger } from '../util/log.ts';
import { IGC_ORG, NON_IGC_INTERMEDIATE, type Authority, type CaName } from './authorities.ts';
import { isIssuedBy, parseCertificate, type Certificate } from './certificate.ts';
import { DAY_MS, pemBlocks, toPem, wholeSeconds } from './encoding.ts';
import type { x509 } from './engine.ts';
import { readOptional, writeFileAtomic, type PkiLayout } from './files.ts';
import { issueCertificate, leafValidity, serverUsage, type PkiUrls } from './issue.ts';
import { keyAt, type RsaKey } from './keys.ts';
import type { Manifest } from './manifest.ts';
import { t } from '../i18n/messages.ts';

export interface EndpointCredentials {
  endpointId: EndpointId;
  kind: CertificateKind;
  keyPem: string;
  /** The leaf alone. */
  certPem: string;
  /** Leaf then intermediate(s), no root: what the server presents. */
  chainPem: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** PEM file holding chainPem. */
  certFile: string;
  keyFile: string;
}

export interface EndpointCertificate {
  credentials: EndpointCredentials;
  leaf: Certificate;
  /** The CA that issued it; undefined for a certificate supplied by the operator. */
  issuer?: Authority;
}

function issuerOf(kind: CertificateKind): CaName {
  return kind === 'non-igc' ? NON_IGC_INTERMEDIATE : IGC_ORG;
}

// Fixed and in the past, inside the CAs' validity: the certificate a conformant client must refuse as expired.
const EXPIRED_VALIDITY = { notBefore: new Date('2023-01-01T00:00:00Z'), notAfter: new Date('2024-01-01T00:00:00Z') };

/** Bump when the leaf profile changes in code, so that existing leaves are re-issued with the new one. */
const LEAF_PROFILE_VERSION = 1;

/** Leaves that must stay within validity (renewed before they end); the expired one never is. */
const RENEWED_KINDS: readonly CertificateKind[] = ['valid', 'revoked', 'non-igc'];

/** renewBeforeDays, but at most half a leaf's life: a longer margin would re-issue the leaves at every start. */
export function renewalMarginMs(config: Config): number {
  return Math.min(config.pki.renewBeforeDays, config.pki.serverValidityDays / 2) * DAY_MS;
}

export interface EndpointContext {
  config: Config;
  layout: PkiLayout;
  urls: PkiUrls;
  authorities: Map<CaName, Authority>;
  /** Updated in place with new serials, fingerprints and revocations. */
  manifest: Manifest;
  log: Logger;
  now: Date;
}

export async function loadEndpointCertificates(context: EndpointContext): Promise<Map<EndpointId, EndpointCertificate>> {
  const loaded = await Promise.all(
    context.config.endpoints.map(async (endpoint) => {
      const certificate = endpoint.certFile || endpoint.keyFile ? await loadSupplied(endpoint) : await loadGenerated(endpoint, context);
      return [endpoint.id, certificate] as const;
    }),
  );
  return new Map(loaded);
}

/** SAN content: the endpoint's name and address, plus loopback so that local tests reach it by any name. */
function serverNames(endpoint: EndpointConfig): { dns: string[]; ips: string[] } {
  const unspecified = ['0.0.0.0', '::'];
  const candidates = [endpoint.host, endpoint.address, 'localhost', '127.0.0.1', '::1'].filter((name) => !unspecified.includes(name));
  const unique = [...new Set(candidates)];
  return { dns: unique.filter((name) => isIP(name) === 0), ips: unique.filter((name) => isIP(name) !== 0) };
}

async function loadGenerated(endpoint: EndpointConfig, context: EndpointContext): Promise<EndpointCertificate> {
  const { config, layout, manifest, now } = context;
  const issuer = context.authorities.get(issuerOf(endpoint.certificate))!;
  const fingerprint = inputsFingerprint(endpoint, config, issuer);
  const files = { certFile: layout.endpointChain(endpoint.id), keyFile: layout.endpointKey(endpoint.id) };
  const { key, created } = await keyAt(files.keyFile, config.pki.keyBits, context.log, (k) => k.bits === config.pki.keyBits);
  // A new key always needs a new leaf.
  const stored = created ? undefined : await readStoredLeaf(files.certFile);
  const reason = reissueReason(stored, { endpoint, issuer, key, fingerprint, manifest, now, marginMs: renewalMarginMs(config) });
  if (stored && !reason) return { credentials: credentialsOf(endpoint, stored, key, issuer, files), leaf: stored, issuer };

  const leaf = await issueCertificate({
    subject: serverSubject(endpoint),
    subjectKey: key,
    issuer,
    ...(endpoint.certificate === 'expired' ? EXPIRED_VALIDITY : leafValidity(now, config.pki.serverValidityDays)),
    extensions: serverUsage(serverNames(endpoint)),
    urls: context.urls,
  });
  await writeFileAtomic(files.certFile, leaf.pem + issuer.certificate.pem);
  manifest.endpoints[endpoint.id] = { serialNumber: leaf.serialNumber, fingerprint };
  if (endpoint.certificate === 'revoked') {
    manifest.revocations.push({ ca: issuer.name, serialNumber: leaf.serialNumber, revokedAt: wholeSeconds(now).toISOString(), reason: 'keyCompromise', endpoint: endpoint.id });
  }
  context.log.info('pki: endpoint certificate issued', { endpoint: endpoint.id, reason, serial: leaf.serialNumber });
  return { credentials: credentialsOf(endpoint, leaf, key, issuer, files), leaf, issuer };
}

/** Everything that shapes a leaf: when any of it changes, the leaf is re-issued. */
function inputsFingerprint(endpoint: EndpointConfig, config: Config, issuer: Authority): string {
  const inputs = {
    profile: LEAF_PROFILE_VERSION,
    kind: endpoint.certificate,
    names: serverNames(endpoint),
    publicUrl: config.publicUrl,
    keyBits: config.pki.keyBits,
    validityDays: config.pki.serverValidityDays,
    issuer: issuer.certificate.node.fingerprint256,
  };
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
}

interface ReissueInputs {
  endpoint: EndpointConfig;
  issuer: Authority;
  key: RsaKey;
  fingerprint: string;
  manifest: Manifest;
  now: Date;
  marginMs: number;
}

/** Why the stored leaf cannot be kept, or undefined when it can. */
function reissueReason(stored: Certificate | undefined, inputs: ReissueInputs): string | undefined {
  if (!stored) return 'missing';
  const entry = inputs.manifest.endpoints[inputs.endpoint.id];
  if (entry?.serialNumber !== stored.serialNumber || entry.fingerprint !== inputs.fingerprint) return 'inputs changed';
  if (!stored.node.checkPrivateKey(inputs.key.keyObject) || !isIssuedBy(stored, inputs.issuer.certificate)) return 'key or issuer mismatch';
  const remainingMs = stored.parsed.notAfter.getTime() - inputs.now.getTime();
  if (RENEWED_KINDS.includes(inputs.endpoint.certificate) && remainingMs < inputs.marginMs) return 'renewal';
  return undefined;
}

async function readStoredLeaf(file: string): Promise<Certificate | undefined> {
  const stored = await readOptional(file);
  const der = stored ? pemBlocks(stored.toString('utf8'), 'CERTIFICATE')[0] : undefined;
  return der ? parseCertificate(der) : undefined;
}

function serverSubject(endpoint: EndpointConfig): x509.JsonName {
  return [
    { C: ['FR'] },
    { O: ['motco (simulation, non ANS)'] },
    { OU: [`SIMULATION motco - serveur de test ${endpoint.id}`] },
    // The SAN carries the name; CN is limited to 64 characters (RFC 5280 ub-common-name).
    ...(endpoint.host.length <= 64 ? [{ CN: [endpoint.host] }] : []),
  ];
}

function credentialsOf(endpoint: EndpointConfig, leaf: Certificate, key: RsaKey, issuer: Authority, files: { certFile: string; keyFile: string }): EndpointCredentials {
  return {
    endpointId: endpoint.id,
    kind: endpoint.certificate,
    keyPem: key.pem,
    certPem: leaf.pem,
    chainPem: leaf.pem + issuer.certificate.pem,
    serialNumber: leaf.serialNumber,
    notBefore: leaf.parsed.notBefore,
    notAfter: leaf.parsed.notAfter,
    ...files,
  };
}

/** The operator's certificate, presented as given (its chain file may hold intermediates). */
async function loadSupplied(endpoint: EndpointConfig): Promise<EndpointCertificate> {
  const { certFile, keyFile } = endpoint;
  if (!certFile || !keyFile) throw new Error(t('pki.suppliedIncomplete', { endpoint: endpoint.id }));
  try {
    return await readSupplied(endpoint, certFile, keyFile);
  } catch (error) {
    throw new Error(t('pki.suppliedUnusable', { endpoint: endpoint.id, reason: (error as Error).message }));
  }
}

async function readSupplied(endpoint: EndpointConfig, certFile: string, keyFile: string): Promise<EndpointCertificate> {
  const [chainText, keyPem] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
  const blocks = pemBlocks(chainText, 'CERTIFICATE');
  if (!blocks[0]) throw new Error(t('pki.suppliedNoCertificate', { file: certFile }));
  const leaf = parseCertificate(blocks[0]);
  if (!leaf.node.checkPrivateKey(createPrivateKey(keyPem))) throw new Error(t('pki.suppliedKeyMismatch'));
  const credentials: EndpointCredentials = {
    endpointId: endpoint.id,
    kind: endpoint.certificate,
    keyPem,
    certPem: leaf.pem,
    chainPem: blocks.map((der) => toPem(der, 'CERTIFICATE')).join(''),
    serialNumber: leaf.serialNumber,
    notBefore: leaf.parsed.notBefore,
    notAfter: leaf.parsed.notAfter,
    certFile,
    keyFile,
  };
  return { credentials, leaf };
}
