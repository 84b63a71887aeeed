// The platform's test PKI: simulated IGC Santé TEST and non-IGC hierarchies, the endpoints' server
// certificates, CRLs, OCSP (served and stapled), ORG_AUTH_CLI client certificates, the judge of the
// client certificates the endpoints receive, and the evidence root with its certificate that signs evidence
// dossiers. Everything persists under <dataDir>/pki/.
import path from 'node:path';
import type { Config } from '../config/config.ts';
import type { Journal } from '../observe/journal.ts';
import { silentLogger, type Logger } from '../util/log.ts';
import { securePrivateFolder } from '../util/files.ts';
import type { RouteRegistrar } from '../web/server.ts';
import {
  CA_NAMES,
  EVIDENCE_ROOT,
  IGC_ORG,
  IGC_ROOT,
  loadAuthorities,
  type Authority,
  type CaName,
} from './authorities.ts';
import type { Certificate } from './certificate.ts';
import { signDetached, verifyDetached, type SignatureReading } from './cms.ts';
import { loadEvidenceSigner, type EvidenceSigner } from './evidence.ts';
import { checkPki, type PkiCheck } from './check.ts';
import {
  issueClientCertificate,
  readClientSerial,
  readClientSerials,
  writeClientCertificate,
  type ClientCertificate,
  type ClientCertificateOptions,
} from './client-certificates.ts';
import { crlPem, readCrls, refreshCrls } from './crl.ts';
import { DAY_MS } from './encoding.ts';
import {
  loadEndpointCertificates,
  type EndpointCertificate,
  type EndpointCredentials,
  type ServerId,
} from './endpoints.ts';
import type { x509 } from './engine.ts';
import { pkiLayout, type PkiLayout } from './files.ts';
import { pkiUrls, type PkiUrls } from './issue.ts';
import { judgeClientCertificate, type ClientCertificateJudgement } from './judge.ts';
import { readManifest, writeManifest, type Manifest } from './manifest.ts';
import { OcspResponder } from './ocsp.ts';
import { CertificateRegistry } from './registry.ts';
import { pkiRoutes } from './routes.ts';
import { evidenceRoot, exportTrust, igcTrustBundle, nonIgcRoot, TRUST_FILES } from './trust.ts';

export type { PkiCheck } from './check.ts';
export {
  idnatProblem,
  writeClientCertificate,
  type ClientCertificate,
  type ClientCertificateFiles,
  type ClientCertificateOptions,
} from './client-certificates.ts';
export { WEB_SERVER, type EndpointCredentials, type ServerId } from './endpoints.ts';
export type { ClientCertificateJudgement, ClientCertificateProblem } from './judge.ts';
export { TRUST_FILES } from './trust.ts';
export type { CertificateSummary, SignatureProblem, SignatureReading, SignatureStatus } from './cms.ts';

interface PkiState {
  config: Config;
  log: Logger;
  layout: PkiLayout;
  urls: PkiUrls;
  authorities: Map<CaName, Authority>;
  endpoints: Map<ServerId, EndpointCertificate>;
  manifest: Manifest;
  registry: CertificateRegistry;
  crls: Map<CaName, x509.X509Crl>;
  evidence: EvidenceSigner;
}

/** How often, at most, the client certificates are read again for an OCSP request about a serial not known. */
const RESCAN_MS = 2000;

export class TestPki {
  private readonly responder: OcspResponder;
  private readonly staples = new Map<ServerId, { der: Buffer; refreshAt: number }>();
  private refreshing: Promise<void> | undefined;
  private readonly issuedListeners = new Set<(idnat: string) => void>();
  private rescan: Promise<void> | undefined;
  private lastRescan = -Infinity;

  private constructor(private readonly state: PkiState) {
    this.responder = new OcspResponder(
      state.authorities.values(),
      state.registry,
      state.config.pki.crlValidityDays * DAY_MS,
      () => this.learnIssuedElsewhere(),
    );
  }

  /** Loads the PKI, creating what is missing and re-issuing what is due or no longer matches the configuration. */
  static async open(config: Config, log: Logger = silentLogger): Promise<TestPki> {
    securePrivateFolder(config.dataDir);
    const now = new Date();
    const layout = pkiLayout(config.dataDir);
    const urls = pkiUrls(config.publicUrl);
    const manifest = await readManifest(layout.manifest);
    const authorities = await loadAuthorities({ layout, urls, keyBits: config.pki.keyBits, log });
    const endpoints = await loadEndpointCertificates({ config, layout, urls, authorities, manifest, log, now });
    const evidence = await loadEvidenceSigner({
      config,
      layout,
      urls,
      root: authorities.get(EVIDENCE_ROOT)!,
      manifest,
      log,
      now,
    });
    const crlContext = { layout, manifest, validityDays: config.pki.crlValidityDays, log, now };
    const crls = await refreshCrls(authorities.values(), await readCrls(layout, CA_NAMES), crlContext);
    await writeManifest(layout.manifest, manifest);
    const registry = await buildRegistry(authorities, endpoints, manifest, layout);
    // Its OCSP status is good: nothing else names it (the journal's holders are endpoints and IdNats).
    registry.addIssued(EVIDENCE_ROOT, evidence.certificate.serialNumber, {});
    return new TestPki({ config, log, layout, urls, authorities, endpoints, manifest, registry, crls, evidence });
  }

  /** A mail endpoint's certificate and key, or the web server's (WEB_SERVER). */
  credentials(id: ServerId): EndpointCredentials {
    return this.endpoint(id).credentials;
  }

  /** The DER OCSP response to staple for the endpoint's certificate; undefined for an operator's certificate. */
  async stapleFor(id: ServerId): Promise<Buffer | undefined> {
    const { leaf, issuer } = this.endpoint(id);
    if (!issuer) return undefined;
    const cached = this.staples.get(id);
    if (cached && cached.refreshAt > Date.now()) return cached.der;
    const now = new Date();
    const { der, nextUpdate } = await this.responder.responseFor(leaf, issuer.name, now);
    // Renewed halfway through its validity, like the CRLs, so that a stapled answer is never stale.
    this.staples.set(id, { der, refreshAt: now.getTime() + (nextUpdate.getTime() - now.getTime()) / 2 });
    return der;
  }

  /** igc-sante-test-roots.pem: what a conformant client trusts. */
  trustBundlePem(): string {
    return igcTrustBundle(this.state.authorities);
  }

  nonIgcRootPem(): string {
    return nonIgcRoot(this.state.authorities);
  }

  /** motco-evidence-root.pem: what evidence dossiers of this platform verify against. */
  evidenceRootPem(): string {
    return evidenceRoot(this.state.authorities);
  }

  /** The detached CMS signature (DER) of `content` by the evidence-signing certificate, with its chain. */
  signEvidence(content: Uint8Array, at: Date = new Date()): Promise<Buffer> {
    return signDetached(content, this.state.evidence, at);
  }

  /** Checks a detached signature against this platform's evidence root (and `otherRoots`, if given). */
  verifyEvidence(p7s: Uint8Array, content: Uint8Array, otherRoots: Certificate[] = []): Promise<SignatureReading> {
    return verifyDetached(p7s, content, [this.authority(EVIDENCE_ROOT).certificate, ...otherRoots]);
  }

  /** CAs that verify ORG_AUTH_CLI client certificates (Node TLS `ca` option). */
  clientCaPems(): string[] {
    return ([IGC_ROOT, IGC_ORG] as const).map((name) => this.authority(name).certificate.pem);
  }

  /** Every CA's CRL, for Node TLS's `crl` option (which checks the whole chain, so the roots' too). */
  crlPems(): string[] {
    return [...this.state.crls.values()].map(crlPem);
  }

  async issueClientCertificate(idnat: string, options: ClientCertificateOptions = {}): Promise<ClientCertificate> {
    const { config, urls, layout, registry } = this.state;
    const issued = await issueClientCertificate(idnat, options, {
      orgCa: this.authority(IGC_ORG),
      urls,
      keyBits: config.pki.keyBits,
      validityDays: config.pki.clientValidityDays,
      now: new Date(),
    });
    const files = await writeClientCertificate(path.join(layout.clients, idnat), issued);
    registry.addIssued(IGC_ORG, issued.serialNumber, { idnat });
    this.state.log.info('pki: client certificate issued', { idnat, serial: issued.serialNumber });
    for (const listener of this.issuedListeners) listener(idnat);
    return { ...issued, files };
  }

  /** Called with the IdNat of each client certificate this process issues (the platform tells the other processes). */
  onClientCertificateIssued(listener: (idnat: string) => void): void {
    this.issuedListeners.add(listener);
  }

  /** Another process issued `idnat`'s client certificate into the shared data folder: its OCSP status is « good ». */
  async learnClientCertificate(idnat: string): Promise<void> {
    const serialNumber = await readClientSerial(this.state.layout.clients, idnat);
    if (serialNumber) this.state.registry.addIssued(IGC_ORG, serialNumber, { idnat });
  }

  /**
   * Reads the client certificates of the data folder again, for those issued by a process that tells no bus (`motco
   * pki issue-client` beside a running platform): the OCSP responder asks before answering « unknown ». At most
   * once every RESCAN_MS, so that requests for serials never issued cannot keep the process reading the folder.
   */
  private learnIssuedElsewhere(): Promise<void> {
    if (this.rescan) return this.rescan;
    if (performance.now() - this.lastRescan < RESCAN_MS) return Promise.resolve();
    this.lastRescan = performance.now();
    this.rescan = readClientSerials(this.state.layout.clients)
      .then((found) => {
        for (const { idnat, serialNumber } of found) this.state.registry.addIssued(IGC_ORG, serialNumber, { idnat });
      })
      .catch((error: unknown) => this.state.log.error('pki: client certificates not read', { error }))
      .finally(() => (this.rescan = undefined));
    return this.rescan;
  }

  /** Writes the trust bundles, the CRLs and a README into `dir`; returns the paths written. */
  exportTrust(dir: string): Promise<string[]> {
    return exportTrust(dir, this.state.authorities, this.state.crls, this.state.urls.ocsp);
  }

  /** `chainDer` as the client sent it, leaf first. */
  judgeClientCertificate(chainDer: Buffer[], at: Date = new Date()): ClientCertificateJudgement {
    const { registry } = this.state;
    return judgeClientCertificate(
      chainDer,
      at,
      this.authority(IGC_ORG).certificate,
      (serial) => registry.statusOf(IGC_ORG, serial).status === 'revoked',
    );
  }

  /** With a base URL, also asks the running web server's OCSP responder and CRL URL. */
  check(options: { baseUrl?: string } = {}): Promise<PkiCheck[]> {
    const { config, authorities, endpoints, crls, evidence } = this.state;
    return checkPki(
      { config, authorities, endpoints, crls, evidence, responder: this.responder, now: new Date() },
      options.baseUrl,
    );
  }

  /** Re-signs the CRLs and renews the mail endpoints' staples that are due; meant to be called periodically. */
  refresh(): Promise<void> {
    this.refreshing ??= this.refreshNow().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  routes(journal: Journal): RouteRegistrar {
    const { registry, log } = this.state;
    const trustFiles: Record<string, () => string> = {
      [TRUST_FILES.igc]: () => this.trustBundlePem(),
      [TRUST_FILES.nonIgc]: () => this.nonIgcRootPem(),
      [TRUST_FILES.evidence]: () => this.evidenceRootPem(),
    };
    return pkiRoutes(
      {
        crl: (name) => this.state.crls.get(name as CaName),
        authority: (name) => this.state.authorities.get(name as CaName),
        trustFile: (name) => (Object.hasOwn(trustFiles, name) ? trustFiles[name]!() : undefined),
        answerOcsp: (der) => this.responder.answer(der),
        holderOf: (ca, serial) => registry.holderOf(ca, serial),
      },
      journal,
      log,
    );
  }

  private async refreshNow(): Promise<void> {
    const { layout, manifest, config, log, authorities } = this.state;
    const crlContext = { layout, manifest, validityDays: config.pki.crlValidityDays, log, now: new Date() };
    this.state.crls = await refreshCrls(authorities.values(), this.state.crls, crlContext);
    await writeManifest(layout.manifest, manifest);
    // Only the mail endpoints staple (src/mail/tls/starttls.ts); the web server's HTTPS listener does not.
    await Promise.all(config.endpoints.map((e) => this.stapleFor(e.id)));
  }

  private endpoint(id: ServerId): EndpointCertificate {
    const endpoint = this.state.endpoints.get(id);
    if (!endpoint) throw new Error(`unknown endpoint: ${id}`);
    return endpoint;
  }

  private authority(name: CaName): Authority {
    return this.state.authorities.get(name)!;
  }
}

/** What the OCSP responder knows: our CAs, the endpoints' current leaves, revocations, client certificates on disk. */
async function buildRegistry(
  authorities: Map<CaName, Authority>,
  endpoints: Map<ServerId, EndpointCertificate>,
  manifest: Manifest,
  layout: PkiLayout,
): Promise<CertificateRegistry> {
  const registry = new CertificateRegistry();
  for (const authority of authorities.values())
    registry.addIssued(authority.issuedBy, authority.certificate.serialNumber, { authority: authority.name });
  for (const [id, { issuer, leaf }] of endpoints)
    if (issuer) registry.addIssued(issuer.name, leaf.serialNumber, { endpoint: id });
  for (const revocation of manifest.revocations) registry.addRevoked(revocation);
  for (const { idnat, serialNumber } of await readClientSerials(layout.clients))
    registry.addIssued(IGC_ORG, serialNumber, { idnat });
  return registry;
}
