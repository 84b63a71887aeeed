// Decides whether SASL credentials open a mailbox, for IMAP and SMTP alike, and says why in terms the
// journal keeps. Accepted: the webmail password (PLAIN/LOGIN), an applicative mailbox's ORG_AUTH_CLI client
// certificate followed by PLAIN (CONF.12), a PSC access token through XOAUTH2 (CONF.07), checked by a BearerVerifier.
import { sameSecret } from '../auth/secret.ts';
import { summariseBearer, type BearerSummary } from '../identity/token-summary.ts';
import type { Mailbox, MailboxStore } from './mailbox/store.ts';
import type { SaslCredentials } from './sasl/mechanisms.ts';
import type { TlsState } from './tls/starttls.ts';

export interface BearerDecision {
  ok: boolean;
  /** Stable code, e.g. expired, bad_signature, wrong_identity (src/identity/tokens.ts lists them). */
  reason: string;
  verified: boolean;
  /** Claims and facts worth keeping (never the token). */
  details?: Record<string, unknown>;
}

/** Checks a bearer token against the mailbox it claims to open. */
export interface BearerVerifier {
  verify(token: string, mailbox: Mailbox): Promise<BearerDecision>;
}

export interface AuthDecision {
  ok: boolean;
  mailbox?: Mailbox;
  /** Stable code of the decision. */
  reason: string;
  /** Facts for the `auth` observation. */
  facts: Record<string, unknown>;
}

export class Authenticator {
  constructor(
    private readonly mailboxes: MailboxStore,
    private readonly webmailPassword: string,
    private readonly bearers: BearerVerifier,
  ) {}

  async decide(credentials: SaslCredentials, tls: TlsState | undefined): Promise<AuthDecision> {
    const facts: Record<string, unknown> = {
      mechanism: credentials.mechanism,
      user: credentials.user,
      authzid: credentials.authzid,
      initialResponse: credentials.initialResponse,
    };
    const refuse = (reason: string, extra: Record<string, unknown> = {}): AuthDecision => ({ ok: false, reason, facts: { ...facts, ...extra } });
    const accept = (mailbox: Mailbox, reason: string, extra: Record<string, unknown> = {}): AuthDecision => ({ ok: true, mailbox, reason, facts: { ...facts, ...extra } });

    if (credentials.mechanism === 'OAUTHBEARER' || credentials.mechanism === 'EXTERNAL') {
      return refuse('mechanism_not_offered', credentials.bearer ? { bearer: summariseBearer(credentials.bearer) } : {});
    }
    const mailbox = await this.mailboxes.find(credentials.user);
    if (!mailbox) return refuse('unknown_mailbox', credentials.bearer ? { bearer: summariseBearer(credentials.bearer) } : {});
    if (credentials.authzid && credentials.authzid !== credentials.user && credentials.authzid !== mailbox.address) {
      return refuse('authzid_mismatch');
    }

    if (credentials.mechanism === 'XOAUTH2') {
      const bearer: BearerSummary = summariseBearer(credentials.bearer ?? '');
      const decision = await this.bearers.verify(credentials.bearer ?? '', mailbox);
      const extra = { bearer, bearerVerified: decision.verified, ...(decision.details ? { bearerDetails: decision.details } : {}) };
      return decision.ok ? accept(mailbox, decision.verified ? 'bearer' : 'bearer_unverified', extra) : refuse(`bearer_${decision.reason}`, extra);
    }

    // PLAIN or LOGIN.
    const certificate = tls?.clientCertificate;
    if (mailbox.type === 'applicative' && certificate?.trusted && certificate.ou === mailbox.idnat) {
      return accept(mailbox, 'client_certificate', { certificateOu: certificate.ou });
    }
    const passwordOk = sameSecret(credentials.password ?? '', this.webmailPassword);
    const certificateFacts = certificate?.present ? { certificateOu: certificate.ou, certificateTrusted: certificate.trusted } : {};
    return passwordOk ? accept(mailbox, 'password', certificateFacts) : refuse('bad_password', certificateFacts);
  }
}
