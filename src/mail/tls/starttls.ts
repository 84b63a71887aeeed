// The one STARTTLS upgrade shared by IMAP and SMTP: capture the ClientHello, run the handshake with the
// endpoint's policy and certificate, staple OCSP when asked, and record the outcome — success with the
// negotiated parameters and client certificate, or the client's alert / our refusal. Afterwards, a client's
// attempt to renegotiate is refused, recorded, and ends the session.
//
// Stapling through a TLS 1.3 HelloRetryRequest (the client's key shares are all groups we do not accept, e.g.
// X25519 first from every OpenSSL client): OpenSSL asks Node's status callback once per ClientHello, and Node
// hands over the response set by the 'OCSPRequest' answer only once (it forgets it after the first hello), so
// the second hello used to go without a staple (nodejs/node#28288). The response is set on the handle a second
// time right after the first hello has been answered — the HelloRetryRequest is then on its way and the second
// hello not yet read — so the second answer carries it too. `ocspStapled` records what went on the wire: the
// client asked and we answered (again after a HelloRetryRequest), and the session was not resumed (a
// resumption sends no certificate at all).
import { AsyncLocalStorage } from 'node:async_hooks';
import { X509Certificate } from 'node:crypto';
import type { EventEmitter } from 'node:events';
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
  /** An OCSP response really went to the client in the handshake (see the file's comment). */
  ocspStapled: boolean;
}

/** What the OCSPRequest listener did for one handshake. */
interface StapleAttempt {
  answered: boolean;
  /** The ClientHello leads to a HelloRetryRequest: the response must be set again for the second hello. */
  helloRetry: boolean;
  /** It was set again. */
  setAgain: boolean;
  socket?: TLSSocket;
}

/** Node's native TLS handle: setOCSPResponse is what its own 'OCSPRequest' callback calls (lib/_tls_wrap.js). */
interface NativeTlsHandle {
  setOCSPResponse(response: Buffer): void;
}

/**
 * Node emits OCSPRequest on the socket's `server` without saying for which socket. The socket's handle is
 * created inside `run(attempt)`, and Node calls back into JavaScript in that handle's async context, so the
 * listener finds the attempt of the handshake it serves here.
 */
const stapling = new AsyncLocalStorage<StapleAttempt>();

/** The TLS side of one endpoint: its secure context, rebuilt when the PKI renews a certificate. */
export class EndpointTls {
  private context!: SecureContext;
  /** IANA names of the ECDHE groups we accept (tls.ecdhCurves), to tell a TLS 1.3 HelloRetryRequest. */
  private readonly groups: ReadonlySet<string>;
  /** Never listens: it only carries the OCSPRequest listener, which Node looks up on a TLS socket's `server`. */
  private ocspHost!: tls.Server;

  constructor(
    readonly endpoint: EndpointConfig,
    private readonly source: TlsMaterialSource,
    private readonly ecdhCurves: string,
    readonly handshakeTimeoutMs: number,
  ) {
    this.groups = new Set(ecdhCurves.split(':').map(ianaGroup));
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
    host.on(
      'OCSPRequest',
      (_certificate: Buffer, _issuer: Buffer, callback: (error: Error | null, response?: Buffer) => void) => {
        const attempt = stapling.getStore();
        this.source.stapleFor(this.endpoint.id).then(
          (response) => {
            if (attempt) attempt.answered = response !== undefined;
            callback(null, response);
            // The first hello has been answered by now (callback resumes the handshake synchronously).
            const handle = (attempt?.socket as unknown as { _handle?: NativeTlsHandle | null } | undefined)?._handle;
            if (response && attempt?.helloRetry && typeof handle?.setOCSPResponse === 'function') {
              handle.setOCSPResponse(response);
              attempt.setAgain = true;
            }
          },
          () => callback(null),
        );
      },
    );
    this.ocspHost = host;
  }

  /**
   * Upgrades a raw socket (paused, with no 'data' listener, the STARTTLS reply already written) and records
   * everything about it. Resolves with the TLS socket, or with who ended the attempt when there is no usable
   * TLS session (the caller then ends the session).
   */
  async upgrade(raw: Socket, session: MailSession, onRenegotiation: (reason: string) => void): Promise<UpgradeResult> {
    const capture = await captureClientHello(raw, this.handshakeTimeoutMs);
    if (capture.ok) {
      await session.record('tls.client_hello', { ...capture.hello });
    } else {
      await session.record('tls.failed', { stage: 'client_hello', reason: capture.reason, detail: capture.detail });
      if (capture.reason === 'closed' || capture.reason === 'timeout')
        return { ok: false, by: capture.reason === 'closed' ? 'client' : 'timeout', reason: capture.detail };
    }
    const hello = capture.ok ? capture.hello : undefined;

    const attempt: StapleAttempt = { answered: false, helloRetry: this.helloRetry(hello), setAgain: false };
    const socket = stapling.run(
      attempt,
      () =>
        new tls.TLSSocket(raw, {
          isServer: true,
          server: this.ocspHost,
          secureContext: this.context,
          requestCert: this.endpoint.requestClientCertificate,
          rejectUnauthorized: false,
        }),
    );
    attempt.socket = socket;
    const outcome = await handshake(socket, this.handshakeTimeoutMs);
    if (!outcome.ok) {
      await session.record('tls.failed', {
        stage: 'handshake',
        ...outcome.failure,
        ...this.noSharedGroup(outcome.failure, hello),
      });
      socket.destroy();
      return { ok: false, by: outcome.failure.by, reason: outcome.failure.detail };
    }

    const cipher = socket.getCipher();
    const chain = peerChain(socket);
    const version = socket.getProtocol() ?? 'unknown';
    const helloRetry = version === 'TLSv1.3' && attempt.helloRetry;
    const resumed = socket.isSessionReused();
    const state: TlsState = {
      version,
      cipher: cipher.standardName ?? cipher.name,
      sni: hello?.sni ?? null,
      clientHello: hello,
      clientCertificate: this.source.judgeClientCertificate(chain),
      ocspStapled: Boolean(hello?.statusRequest) && attempt.answered && (!helloRetry || attempt.setAgain) && !resumed,
    };
    await session.record('tls.established', {
      version: state.version,
      cipher: state.cipher,
      sni: state.sni,
      ocspRequested: Boolean(hello?.statusRequest),
      ocspStapled: state.ocspStapled,
      helloRetry,
      resumed,
      clientCertificate: state.clientCertificate,
      clientCertificateChain: chain.map(describeCertificate),
    });
    refuseRenegotiation(socket, session, onRenegotiation);
    return { ok: true, socket, state };
  }

  /**
   * A TLS 1.3 refusal for want of a group: the client offered only groups below the policy (X25519, X448, …),
   * which OpenSSL reports as a bare handshake_failure. Named so that the verdict can say why.
   */
  private noSharedGroup(
    failure: HandshakeFailure,
    hello: ClientHelloSummary | undefined,
  ): { reason?: 'no_shared_group'; offeredGroups?: string[] } {
    if (failure.by !== 'server' || !hello || !/NO_SUITABLE_KEY_SHARE|NO_SHARED_GROUP/.test(failure.error)) return {};
    if (hello.supportedGroups.some((g) => this.groups.has(g.toLowerCase()))) return {};
    return { reason: 'no_shared_group', offeredGroups: hello.supportedGroups };
  }

  /** Whether a TLS 1.3 handshake with this hello goes through a HelloRetryRequest: none of its key shares is ours. */
  private helloRetry(hello: ClientHelloSummary | undefined): boolean {
    return (
      Boolean(hello?.supportedVersions.includes('TLSv1.3')) &&
      !(hello?.keyShareGroups ?? []).some((g) => this.groups.has(g.toLowerCase()))
    );
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

function handshake(
  socket: TLSSocket,
  timeoutMs: number,
): Promise<{ ok: true } | { ok: false; failure: HandshakeFailure }> {
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
    const onError = (error: NodeJS.ErrnoException & { reason?: string }) =>
      done({ ok: false, failure: describeFailure(error) });
    const onClose = () =>
      done({
        ok: false,
        failure: { by: 'client', alert: null, error: 'CLOSED', detail: 'connection closed during the handshake' },
      });
    const timer = setTimeout(
      () =>
        done({
          ok: false,
          failure: {
            by: 'client',
            alert: null,
            error: 'TIMEOUT',
            detail: `handshake not completed within ${timeoutMs} ms`,
          },
        }),
      timeoutMs,
    );
    // 'secure' is the event tls.Server itself listens to on the sockets it creates (Node's _tls_wrap).
    events.once('secure', onSecure);
    socket.once('error', onError);
    socket.once('close', onClose);
  });
}

/**
 * Client-initiated renegotiation (TLS 1.2; TLS 1.3 has none): OpenSSL refuses it already (SSL_OP_NO_RENEGOTIATION,
 * see policy.ts), at no cost to us. disableRenegotiation() makes Node report each attempt too, which is recorded
 * and ends the session. Node reports it on the socket's internal '_tlsError' event, the one tls.Server listens
 * to (like 'secure' below): on a socket built outside a tls.Server it never becomes an 'error' event, which is
 * why Node's own limit (tls.CLIENT_RENEG_LIMIT) went unheard here before.
 */
function refuseRenegotiation(socket: TLSSocket, session: MailSession, onRenegotiation: (reason: string) => void): void {
  socket.disableRenegotiation();
  let heard = false;
  (socket as unknown as EventEmitter).on('_tlsError', (error: NodeJS.ErrnoException) => {
    const code = error.code;
    if (heard || (code !== 'ERR_TLS_RENEGOTIATION_DISABLED' && code !== 'ERR_TLS_SESSION_ATTACK')) return;
    heard = true;
    // Out of OpenSSL's callback before anything closes the socket; the close is recorded after this fact.
    setImmediate(() => {
      void session.record('tls.renegotiation', { refused: true, error: code });
      onRenegotiation('TLS renegotiation refused');
    });
  });
}

/** Turns an OpenSSL error into who refused and why; alerts received from the client name the alert. */
export function describeFailure(error: NodeJS.ErrnoException & { reason?: string }): HandshakeFailure {
  const code = error.code ?? 'UNKNOWN';
  const alert = /_ALERT_([A-Z_]+)$/.exec(code)?.[1]?.toLowerCase() ?? null;
  if (alert) return { by: 'client', alert, error: code, detail: error.reason ?? error.message };
  if (code === 'ECONNRESET' || code === 'EPIPE')
    return { by: 'client', alert: null, error: code, detail: 'connection reset during the handshake' };
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

/**
 * One certificate of the chain as recorded; the serial in the judgement's canonical form (Node keeps leading zeros).
 */
export function describeCertificate(der: Buffer): {
  subject: string;
  issuer: string;
  serialNumber: string;
  sha256: string;
} {
  const certificate = new X509Certificate(der);
  return {
    subject: certificate.subject.replaceAll('\n', ', '),
    issuer: certificate.issuer.replaceAll('\n', ', '),
    serialNumber: canonicalSerial(certificate.serialNumber),
    sha256: certificate.fingerprint256,
  };
}

/** OpenSSL's names of the ECDHE groups (tls.ecdhCurves) as the ClientHello summary names them (IANA, lower case). */
function ianaGroup(name: string): string {
  const aliases: Record<string, string> = {
    'p-256': 'secp256r1',
    prime256v1: 'secp256r1',
    'p-384': 'secp384r1',
    'p-521': 'secp521r1',
  };
  const lower = name.trim().toLowerCase();
  return aliases[lower] ?? lower;
}
