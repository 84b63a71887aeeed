// French words for the codes the journal keeps — authentication reasons, token and client-certificate
// problems, TLS alerts and handshake failures, session close reasons, message outcomes — so that no raw code
// (unknown_mailbox, tls_required, LOGIN-COMMAND, an English close reason) reaches a sentence a user reads.
// An unknown code gets a generic French phrase, never the code itself; the journal and the evidence JSON keep
// the codes.
import { t, type KeySuffix, type MessageKey } from '../i18n/messages.ts';
import type { FactData } from './facts.ts';

const TOKEN_REASONS: Record<string, MessageKey> = {
  expired: 'token.expired',
  not_yet_valid: 'token.notYetValid',
  wrong_issuer: 'token.wrongIssuer',
  bad_signature: 'token.badSignature',
  unknown_key: 'token.badSignature',
  alg_none: 'token.unsigned',
  bad_algorithm: 'token.badAlgorithm',
  id_token: 'token.idToken',
  refresh_token: 'token.refreshToken',
  not_an_access_token: 'token.notAccessToken',
  wrong_acr: 'token.wrongAcr',
  wrong_identity: 'token.wrongIdentity',
  missing_identity: 'token.wrongIdentity',
  not_personal_mailbox: 'token.notPersonalMailbox',
  malformed: 'token.malformed',
  not_a_jwt: 'token.notJwt',
  jwks_unavailable: 'token.jwksUnavailable',
  revoked: 'token.revoked',
  introspection_unavailable: 'token.introspectionUnavailable',
};

/** A refused token's reason, with or without the auth record's `bearer_` prefix. */
export function tokenReason(reason: string): string {
  return t(TOKEN_REASONS[reason.replace(/^bearer_/, '')] ?? 'token.unknown');
}

const AUTH_REASONS: Record<string, MessageKey> = {
  password: 'authReason.password',
  client_certificate: 'authReason.clientCertificate',
  bearer: 'authReason.bearer',
  bearer_unverified: 'authReason.bearerUnverified',
  bad_password: 'authReason.badPassword',
  unknown_mailbox: 'authReason.unknownMailbox',
  authzid_mismatch: 'authReason.authzidMismatch',
  mechanism_not_offered: 'authReason.mechanismNotOffered',
  tls_required: 'authReason.tlsRequired',
  no_ehlo: 'authReason.noEhlo',
  already_authenticated: 'authReason.alreadyAuthenticated',
  in_transaction: 'authReason.inTransaction',
  unknown_mechanism: 'authReason.unknownMechanism',
  malformed: 'authReason.malformed',
  cancelled: 'authReason.cancelled',
  client_certificate_required: 'authReason.clientCertificateRequired',
  client_certificate_untrusted: 'authReason.clientCertificateUntrusted',
  certificate_ou_mismatch: 'authReason.certificateOuMismatch',
};

/** Why an authentication succeeded or was refused (mail/authenticate.ts and the SASL exchange). */
export function authReason(reason: unknown): string {
  const code = typeof reason === 'string' ? reason : '';
  if (code.startsWith('bearer_') && code !== 'bearer_unverified') return tokenReason(code);
  return t(AUTH_REASONS[code] ?? 'authReason.unknown');
}

/** The mechanism as a person names it: IMAP's LOGIN command is recorded as LOGIN-COMMAND. */
export function mechanismName(data: Pick<FactData<'auth'>, 'command' | 'mechanism'>): string {
  if (data.command === 'LOGIN' || data.mechanism === 'LOGIN-COMMAND') return t('mechanism.loginCommand');
  const mechanism = typeof data.mechanism === 'string' ? data.mechanism.toUpperCase() : '';
  return /^[A-Z0-9-]{1,20}$/.test(mechanism) ? mechanism : '?';
}

const CERTIFICATE_PROBLEMS: Record<string, MessageKey> = {
  untrusted_chain: 'certificateProblem.untrusted',
  expired: 'certificateProblem.expired',
  not_yet_valid: 'certificateProblem.notYetValid',
  revoked: 'certificateProblem.revoked',
  no_client_auth_eku: 'certificateProblem.noClientAuth',
};

/** A client certificate's problem code (pki/judge.ts). */
export function problemText(problem: string): string {
  return t(CERTIFICATE_PROBLEMS[problem] ?? 'certificateProblem.unknown');
}

/** TLS alerts (RFC 8446 §6) that say the client refused the server's certificate. */
const CERTIFICATE_ALERTS = new Set([
  'bad_certificate',
  'unsupported_certificate',
  'certificate_revoked',
  'certificate_expired',
  'certificate_unknown',
  'unknown_ca',
  'access_denied',
]);

export function isCertificateAlert(alert: string): boolean {
  return CERTIFICATE_ALERTS.has(alert);
}

/** Alerts with a French name in the catalogue (tlsAlert.*). */
const KNOWN_ALERTS: ReadonlySet<string> = new Set<KnownAlert>([
  'close_notify',
  'unexpected_message',
  'bad_record_mac',
  'handshake_failure',
  'bad_certificate',
  'unsupported_certificate',
  'certificate_revoked',
  'certificate_expired',
  'certificate_unknown',
  'illegal_parameter',
  'unknown_ca',
  'access_denied',
  'decode_error',
  'decrypt_error',
  'protocol_version',
  'insufficient_security',
  'internal_error',
  'inappropriate_fallback',
  'user_canceled',
  'missing_extension',
  'unsupported_extension',
  'unrecognized_name',
  'bad_certificate_status_response',
  'certificate_required',
  'no_application_protocol',
]);

type KnownAlert = Exclude<KeySuffix<'tlsAlert.'>, 'named' | 'unnamed'>;

const isKnownAlert = (code: string): code is KnownAlert => KNOWN_ALERTS.has(code);

/**
 * « certificat expiré » (certificate expired): the alert's French meaning and its name (RFC 8446 §6), words not a code.
 */
export function alertText(alert: string): string {
  const code = alert.toLowerCase();
  const name = code.replaceAll('_', ' ').replace(/[^a-z0-9 ]/g, '');
  return isKnownAlert(code)
    ? t('tlsAlert.named', { french: t(`tlsAlert.${code}`), name })
    : t('tlsAlert.unnamed', { name });
}

/** What ended a STARTTLS negotiation, from a `tls.failed` observation's data. */
export function tlsFailureText(data: FactData<'tls.failed'>): string {
  if (data.stage === 'client_hello') {
    const reasons: Record<string, MessageKey> = {
      closed: 'tlsFailure.closedBeforeHello',
      timeout: 'tlsFailure.helloTimeout',
      not_tls: 'tlsFailure.notTls',
      unparseable: 'tlsFailure.unparseable',
    };
    return t(reasons[data.reason] ?? 'tlsFailure.unparseable');
  }
  if (data.alert) return t('tlsFailure.alert', { alert: alertText(data.alert) });
  if (data.reason === 'no_shared_group') return noSharedGroupText(data.offeredGroups);
  const error = data.error ?? '';
  if (error === 'CLOSED') return t('tlsFailure.closed');
  if (error === 'ECONNRESET' || error === 'EPIPE') return t('tlsFailure.reset');
  if (error === 'TIMEOUT') return t('tlsFailure.timeout');
  if (/UNSUPPORTED_PROTOCOL|VERSION_TOO_LOW|NO_PROTOCOLS_AVAILABLE/.test(error)) return t('tlsFailure.protocolVersion');
  if (/NO_SHARED_CIPHER/.test(error)) return t('tlsFailure.noSharedCipher');
  if (/WRONG_VERSION_NUMBER|HTTP_REQUEST|RECORD_LAYER|PACKET_LENGTH/.test(error))
    return t('tlsFailure.wrongVersionNumber');
  return data.by === 'client' ? t('tlsFailure.closed') : t('tlsFailure.server');
}

/** « groupe X25519 seul proposé : la plateforme exige une courbe d’au moins 256 bits (P-256, P-384, P-521) » */
function noSharedGroupText(offered: unknown): string {
  const names: Record<string, string> = {
    x25519: 'X25519',
    x448: 'X448',
    secp256r1: 'P-256',
    secp384r1: 'P-384',
    secp521r1: 'P-521',
  };
  const groups = (Array.isArray(offered) ? offered : [])
    .map((g) => String(g))
    .map((g) => names[g.toLowerCase()] ?? g.replace(/[^A-Za-z0-9_-]/g, ''));
  if (groups.length === 0) return t('tlsFailure.noGroup');
  return t(groups.length === 1 ? 'tlsFailure.noSharedGroup' : 'tlsFailure.noSharedGroups', {
    groups: groups.join(', '),
  });
}

/** Why a session ended, from a `session.close` observation's data (the reason is English on the wire). */
export function closeReasonText(data: FactData<'session.close'>): string {
  const reason = data.reason ?? '';
  if (data.by === 'timeout') return t('closeReason.timeout');
  if (reason.includes('MSS-CONF.11')) return t('closeReason.reopen');
  if (reason.startsWith('TLS')) return t('closeReason.tls');
  if (reason === 'Too many errors') return t('closeReason.tooManyErrors');
  if (reason === 'Too many invalid IMAP commands') return t('closeReason.tooManyImapErrors');
  if (reason === 'Service shutting down') return t('closeReason.shutdown');
  if (data.by === 'error') return t('closeReason.error');
  return t('closeReason.other');
}

/** A submitted message that was not accepted: why. */
export function messageOutcome(outcome: unknown): string {
  const keys: Record<string, MessageKey> = {
    aborted: 'messageOutcome.aborted',
    too_large: 'messageOutcome.tooLarge',
    over_quota: 'messageOutcome.overQuota',
  };
  return t(keys[String(outcome)] ?? 'messageOutcome.other');
}

/** An OCSP answer's status. */
export function ocspStatus(status: unknown): string {
  return t(status === 'good' ? 'ocspStatus.good' : status === 'revoked' ? 'ocspStatus.revoked' : 'ocspStatus.unknown');
}
