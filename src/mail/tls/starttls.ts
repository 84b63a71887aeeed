// The one STARTTLS upgrade shared by IMAP and SMTP: capture the ClientHello, run the handshake with the
// endpoint's policy and certificate, staple OCSP when asked, and record the outcome — success with the
// negotiated parameters and client certificate, or the client's alert / our refusal.
import { X509Certificate } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import tls, { type SecureContext, type TLSSocket } from 'node:tls';
import type { EndpointConfig } from '../../config/config.ts';
import { canonicalSerial } from '../../pki/encoding.ts';
import type { ClientCertificateJudgement } from '../../pki/index.ts';
import type { MailSession } from '../session.ts';
import { captureClientHello, type ClientHelloSummary } from './client-hello.ts';
import { serverTlsOptions } from './policy.ts';

/** What the endpoints need from the PKI (or from operator-supplied certificates). */
export interface TlsMaterialSource {
  credentials(id: EndpointConfig['id']): { keyPem: string; chainPem: string };
  clientCaPems(): string[];
  crlPems(): string[];
  stapleFor(id: EndpointConfig['id']): Promise<Buffer | undefined>;
  judgeClientCertificate(chainDer: Buffer[]): ClientCertificateJudgement;
}

export interface TlsState {
  version: string;
  /** IANA name of the negotiated suite. */
  cipher: string;
  sni: string | null;
  clientHello: ClientHelloSummary | undefined;
  clientCertificate: ClientCertificateJudgement;
  /** The client asked for OCSP stapling and we had a response to staple. */
  ocspStapled: boolean;
}

/** The TLS side of one endpoint: its secure context, rebuilt when the PKI renews a certificate. */
export class EndpointTls {
  private context!: SecureContext;
  private stapleAvailable = false;
  /** Never listens: it only carries the OCSPRequest listener, which Node looks up on a TLS socket's `server`. */
  private ocspHost!: tls.Server;

  constructor(
    readonly endpoint: EndpointConfig,
    private readonly source: TlsMaterialSource,
    private readonly ecdhCurves: string,
    readonly handshakeTimeoutMs: number,
  ) {
    this.reload();
  }

  /** Re-reads certificate, key, CAs and CRLs (after a renewal or a CRL refresh). */
  reload(): void {
    const { keyPem, chainPem } = this.source.credentials(this.endpoint.id);
    const options = serverTlsOptions({
      keyPem,
      chainPem,
      clientCaPems: this.source.clientCaPems(),
      crlPems: this.source.crlPems(),
      ecdhCurves: this.ecdhCurves,
    });
    this.context = tls.createSecureContext(options);
    const host = tls.createServer(options);
    host.on('OCSPRequest', (_certificate: Buffer, _issuer: Buffer, callback: (error: Error | null, response?: Buffer) => void) => {
      this.source.stapleFor(this.endpoint.id).then(
        (response) => {
          this.stapleAvailable = response !== undefined;
          callback(null, response);
        },
        () => callback(null),
      );
    });
    this.ocspHost = host;
    void this.source.stapleFor(this.endpoint.id).then(
      (r) => (this.stapleAvailable = r !== undefined),
      () => (this.stapleAvailable = false),
    );
  }

  /**
   * Upgrades a raw socket (paused, with no 'data' listener, the STARTTLS reply already written) and records
   * everything about it. Resolves with the TLS socket, or with who ended the attempt when there is no usable
   * TLS session (the caller then ends the session).
   */
  async upgrade(raw: Socket, session: MailSession): Promise<UpgradeResult> {
    const capture = await captureClientHello(raw, this.handshakeTimeoutMs);
    if (capture.ok) {
      await session.record('tls.client_hello', { ...capture.hello });
    } else {
      await session.record('tls.failed', { stage: 'client_hello', reason: capture.reason, detail: capture.detail });
      if (capture.reason === 'closed' || capture.reason === 'timeout') return { ok: false, by: capture.reason === 'closed' ? 'client' : 'timeout', reason: capture.detail };
    }
    const hello = capture.ok ? capture.hello : undefined;

    const socket = new tls.TLSSocket(raw, {
      isServer: true,
      server: this.ocspHost,
      secureContext: this.context,
      requestCert: this.endpoint.requestClientCertificate,
      rejectUnauthorized: false,
    });
    const outcome = await handshake(socket, this.handshakeTimeoutMs);
    if (!outcome.ok) {
      await session.record('tls.failed', { stage: 'handshake', ...outcome.failure });
      socket.destroy();
      return { ok: false, by: outcome.failure.by, reason: outcome.failure.detail };
    }

    const cipher = socket.getCipher();
    const chain = peerChain(socket);
    const state: TlsState = {
      version: socket.getProtocol() ?? 'unknown',
      cipher: cipher.standardName ?? cipher.name,
      sni: hello?.sni ?? null,
      clientHello: hello,
      clientCertificate: this.source.judgeClientCertificate(chain),
      ocspStapled: Boolean(hello?.statusRequest && this.stapleAvailable),
    };
    await session.record('tls.established', {
      version: state.version,
      cipher: state.cipher,
      sni: state.sni,
      ocspStapled: state.ocspStapled,
      clientCertificate: state.clientCertificate,
      clientCertificateChain: chain.map(describeCertificate),
    });
    return { ok: true, socket, state };
  }
}

export type UpgradeResult =
  | { ok: true; socket: TLSSocket; state: TlsState }
  | { ok: false; by: 'client' | 'server' | 'timeout'; reason: string };

export interface HandshakeFailure {
  /** Who ended the handshake: the client (it sent an alert or closed) or us (policy refusal). */
  by: 'client' | 'server';
  /** TLS alert name when there is one, e.g. certificate_expired, unknown_ca, protocol_version. */
  alert: string | null;
  error: string;
  detail: string;
}

function handshake(socket: TLSSocket, timeoutMs: number): Promise<{ ok: true } | { ok: false; failure: HandshakeFailure }> {
  return new Promise((resolve) => {
    const events = socket as unknown as EventEmitter;
    const done = (result: { ok: true } | { ok: false; failure: HandshakeFailure }) => {
      clearTimeout(timer);
      events.off('secure', onSecure);
      socket.off('error', onError);
      socket.off('close', onClose);
      // Later errors (a reset after the handshake) are the protocol layer's business; keep one listener so
      // that an error event can never crash the process.
      socket.on('error', () => {});
      resolve(result);
    };
    const onSecure = () => done({ ok: true });
    const onError = (error: NodeJS.ErrnoException & { reason?: string }) => done({ ok: false, failure: describeFailure(error) });
    const onClose = () => done({ ok: false, failure: { by: 'client', alert: null, error: 'CLOSED', detail: 'connection closed during the handshake' } });
    const timer = setTimeout(
      () => done({ ok: false, failure: { by: 'client', alert: null, error: 'TIMEOUT', detail: `handshake not completed within ${timeoutMs} ms` } }),
      timeoutMs,
    );
    // 'secure' is the event tls.Server itself listens to on the sockets it creates (Node's _tls_wrap).
    events.once('secure', onSecure);
    socket.once('error', onError);
    socket.once('close', onClose);
  });
}

/** Turns an OpenSSL error into who refused and why; alerts received from the client name the alert. */
export function describeFailure(error: NodeJS.ErrnoException & { reason?: string }): HandshakeFailure {
  const code = error.code ?? 'UNKNOWN';
  const alert = /_ALERT_([A-Z_]+)$/.exec(code)?.[1]?.toLowerCase() ?? null;
  if (alert) return { by: 'client', alert, error: code, detail: error.reason ?? error.message };
  if (code === 'ECONNRESET' || code === 'EPIPE') return { by: 'client', alert: null, error: code, detail: 'connection reset during the handshake' };
  return { by: 'server', alert: null, error: code, detail: error.reason ?? error.message };
}

/**
 * The client's certificate chain, leaf first, as DER. Node completes what the client sent with the issuers
 * it finds among our trusted CAs, so a chain may be longer than what travelled.
 */
function peerChain(socket: TLSSocket): Buffer[] {
  const chain: Buffer[] = [];
  let current = socket.getPeerCertificate(true) as tls.DetailedPeerCertificate | Record<string, never>;
  while (current && 'raw' in current && current.raw && chain.length < 10) {
    if (chain.some((c) => c.equals(current.raw))) break;
    chain.push(current.raw);
    current = (current as tls.DetailedPeerCertificate).issuerCertificate;
  }
  return chain;
}

/** One certificate of the chain as recorded; the serial in the judgement's canonical form (Node keeps leading zeros). */
export function describeCertificate(der: Buffer): Record<string, string> {
  const certificate = new X509Certificate(der);
  return { subject: certificate.subject.replaceAll('\n', ', '), issuer: certificate.issuer.replaceAll('\n', ', '), serialNumber: canonicalSerial(certificate.serialNumber), sha256: certificate.fingerprint256 };
}
