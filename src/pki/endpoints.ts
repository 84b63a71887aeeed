// Server certificates of the mail endpoints and of the web server's HTTPS listener. Generated leaves are kept
// between runs and re-issued only when the inputs that shape them change, a file is missing or does not match,
// or a leaf meant to be valid nears its end. A server configured with certFile/keyFile presents the operator's
// certificate instead.
import { createHash, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { CertificateKind, Config, EndpointConfig } from '../config/config.ts';
import { ENDPOINT_IDS } from '../config/schema.ts';
import type { Logger } from '../util/log.ts';
import { IGC_ORG, NON_IGC_INTERMEDIATE, type Authority, type CaName } from './authorities.ts';
import { isIssuedBy, parseCertificate, type Certificate } from './certificate.ts';
import { DAY_MS, pemBlocks, toPem, wholeSeconds } from './encoding.ts';
import type { x509 } from './engine.ts';
import { readOptional, writeFileAtomic } from '../util/files.ts';
import type { PkiLayout } from './files.ts';
import { issueCertificate, leafValidity, serverUsage, type PkiUrls } from './issue.ts';
import { keyAt, type RsaKey } from './keys.ts';
import type { Manifest } from './manifest.ts';
import { t } from '../i18n/messages.ts';

/** The web server (HTTPS: autoconfig, CRL/OCSP, pages), whose leaf lives beside the endpoints'. */
export const WEB_SERVER = 'web';
export const SERVER_IDS = [...ENDPOINT_IDS, WEB_SERVER] as const;
export type ServerId = (typeof SERVER_IDS)[number];

export interface EndpointCredentials {
  endpointId: ServerId;
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
  /** The name the certificate must carry (checked by `pki check`). */
  host: string;
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

/** A server whose certificate the PKI provides: a mail endpoint or the web server. */
interface ServerSpec {
  id: ServerId;
  kind: CertificateKind;
  /** Its main name: CN, and the name `pki check` requires. */
  host: string;
  /** SAN content. */
  names: { dns: string[]; ips: string[] };
  certFile?: string;
  keyFile?: string;
}

export async function loadEndpointCertificates(context: EndpointContext): Promise<Map<ServerId, EndpointCertificate>> {
  const specs = [...context.config.endpoints.map(endpointSpec), webServerSpec(context.config)];
  const loaded = await Promise.all(
    specs.map(async (spec) => {
      const certificate = spec.certFile || spec.keyFile ? await loadSupplied(spec) : await loadGenerated(spec, context);
      return [spec.id, certificate] as const;
    }),
  );
  return new Map(loaded);
}

function endpointSpec(endpoint: EndpointConfig): ServerSpec {
  const { id, certificate: kind, host, certFile, keyFile } = endpoint;
  return {
    id,
    kind,
    host,
    names: serverNames([host, endpoint.address]),
    ...(certFile ? { certFile } : {}),
    ...(keyFile ? { keyFile } : {}),
  };
}

/**
 * The HTTPS listener answers for the web and autoconfig names, the hosts of the URLs we publish, and the bare
 * mail domain (Thunderbird's second autoconfig URL is https://<mail domain>/.well-known/autoconfig/…). Its leaf
 * comes from the non-IGC ("commercial") CA: an autoconfig host may present IGC Santé or a commercial
 * certificate (CONF.04), LPS fetch it with their system trust store, and vendors install that root there.
 */
function webServerSpec(config: Config): ServerSpec {
  const urlHosts = [config.publicUrl, config.autoconfig.url].map((url) =>
    new URL(url).hostname.replace(/^\[(.*)\]$/, '$1'),
  );
  const { certFile, keyFile } = config.webTls;
  return {
    id: WEB_SERVER,
    kind: 'non-igc',
    host: config.hosts.autoconfig,
    names: serverNames([
      config.hosts.autoconfig,
      config.hosts.web,
      config.mailDomain,
      ...urlHosts,
      config.listenAddress,
      config.autoconfig.address,
    ]),
    ...(certFile ? { certFile } : {}),
    ...(keyFile ? { keyFile } : {}),
  };
}

/** SAN content: the server's names and addresses, plus loopback so that local tests reach it by any name. */
function serverNames(names: string[]): { dns: string[]; ips: string[] } {
  const unspecified = ['0.0.0.0', '::'];
  const candidates = [...names, 'localhost', '127.0.0.1', '::1'].filter((name) => !unspecified.includes(name));
  const unique = [...new Set(candidates)];
  return { dns: unique.filter((name) => isIP(name) === 0), ips: unique.filter((name) => isIP(name) !== 0) };
}

async function loadGenerated(spec: ServerSpec, context: EndpointContext): Promise<EndpointCertificate> {
  const { config, layout, manifest, now } = context;
  const issuer = context.authorities.get(issuerOf(spec.kind))!;
  const fingerprint = inputsFingerprint(spec, config, issuer);
  const files = { certFile: layout.endpointChain(spec.id), keyFile: layout.endpointKey(spec.id) };
  const { key, created } = await keyAt(
    files.keyFile,
    config.pki.keyBits,
    context.log,
    (k) => k.bits === config.pki.keyBits,
  );
  // A new key always needs a new leaf.
  const stored = created ? undefined : await readStoredLeaf(files.certFile);
  const reason = reissueReason(stored, {
    spec,
    issuer,
    key,
    fingerprint,
    manifest,
    now,
    marginMs: renewalMarginMs(config),
  });
  if (stored && !reason)
    return { host: spec.host, credentials: credentialsOf(spec, stored, key, issuer, files), leaf: stored, issuer };

  const leaf = await issueCertificate({
    subject: serverSubject(spec),
    subjectKey: key,
    issuer,
    ...(spec.kind === 'expired' ? EXPIRED_VALIDITY : leafValidity(now, config.pki.serverValidityDays)),
    extensions: serverUsage(spec.names),
    urls: context.urls,
  });
  await writeFileAtomic(files.certFile, leaf.pem + issuer.certificate.pem);
  manifest.endpoints[spec.id] = { serialNumber: leaf.serialNumber, fingerprint };
  if (spec.kind === 'revoked') {
    manifest.revocations.push({
      ca: issuer.name,
      serialNumber: leaf.serialNumber,
      revokedAt: wholeSeconds(now).toISOString(),
      reason: 'keyCompromise',
      endpoint: spec.id,
    });
  }
  context.log.info('pki: endpoint certificate issued', { endpoint: spec.id, reason, serial: leaf.serialNumber });
  return { host: spec.host, credentials: credentialsOf(spec, leaf, key, issuer, files), leaf, issuer };
}

/** Everything that shapes a leaf: when any of it changes, the leaf is re-issued. */
function inputsFingerprint(spec: ServerSpec, config: Config, issuer: Authority): string {
  const inputs = {
    profile: LEAF_PROFILE_VERSION,
    kind: spec.kind,
    names: spec.names,
    publicUrl: config.publicUrl,
    keyBits: config.pki.keyBits,
    validityDays: config.pki.serverValidityDays,
    issuer: issuer.certificate.node.fingerprint256,
  };
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
}

interface ReissueInputs {
  spec: ServerSpec;
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
  const entry = inputs.manifest.endpoints[inputs.spec.id];
  if (entry?.serialNumber !== stored.serialNumber || entry.fingerprint !== inputs.fingerprint) return 'inputs changed';
  if (!stored.node.checkPrivateKey(inputs.key.keyObject) || !isIssuedBy(stored, inputs.issuer.certificate))
    return 'key or issuer mismatch';
  const remainingMs = stored.parsed.notAfter.getTime() - inputs.now.getTime();
  if (RENEWED_KINDS.includes(inputs.spec.kind) && remainingMs < inputs.marginMs) return 'renewal';
  return undefined;
}

async function readStoredLeaf(file: string): Promise<Certificate | undefined> {
  const stored = await readOptional(file);
  const der = stored ? pemBlocks(stored.toString('utf8'), 'CERTIFICATE')[0] : undefined;
  return der ? parseCertificate(der) : undefined;
}

function serverSubject(spec: ServerSpec): x509.JsonName {
  return [
    { C: ['FR'] },
    { O: ['motco (simulation, non ANS)'] },
    { OU: [`SIMULATION motco - serveur de test ${spec.id}`] },
    // The SAN carries the name; CN is limited to 64 characters (RFC 5280 ub-common-name).
    ...(spec.host.length <= 64 ? [{ CN: [spec.host] }] : []),
  ];
}

function credentialsOf(
  spec: ServerSpec,
  leaf: Certificate,
  key: RsaKey,
  issuer: Authority,
  files: { certFile: string; keyFile: string },
): EndpointCredentials {
  return {
    endpointId: spec.id,
    kind: spec.kind,
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
async function loadSupplied(spec: ServerSpec): Promise<EndpointCertificate> {
  const { certFile, keyFile } = spec;
  if (!certFile || !keyFile) throw new Error(t('pki.suppliedIncomplete', { endpoint: spec.id }));
  try {
    return await readSupplied(spec, certFile, keyFile);
  } catch (error) {
    throw new Error(t('pki.suppliedUnusable', { endpoint: spec.id, reason: (error as Error).message }));
  }
}

async function readSupplied(spec: ServerSpec, certFile: string, keyFile: string): Promise<EndpointCertificate> {
  const [chainText, keyPem] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
  const blocks = pemBlocks(chainText, 'CERTIFICATE');
  if (!blocks[0]) throw new Error(t('pki.suppliedNoCertificate', { file: certFile }));
  const leaf = parseCertificate(blocks[0]);
  if (!leaf.node.checkPrivateKey(createPrivateKey(keyPem))) throw new Error(t('pki.suppliedKeyMismatch'));
  const credentials: EndpointCredentials = {
    endpointId: spec.id,
    kind: spec.kind,
    keyPem,
    certPem: leaf.pem,
    chainPem: blocks.map((der) => toPem(der, 'CERTIFICATE')).join(''),
    serialNumber: leaf.serialNumber,
    notBefore: leaf.parsed.notBefore,
    notAfter: leaf.parsed.notAfter,
    certFile,
    keyFile,
  };
  return { host: spec.host, credentials, leaf };
}
