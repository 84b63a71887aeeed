// Decides whether SASL credentials open a mailbox, for IMAP and SMTP alike, and says why in terms the
// journal keeps. Accepted: a PSC access token through XOAUTH2 (CONF.07), checked by a BearerVerifier; on the
// endpoints that ask for a client certificate (org*), PLAIN/LOGIN for an applicative mailbox only with its
// ORG_AUTH_CLI certificate (CONF.12: OU = its IdNat), as an MSSanté operator does; elsewhere PLAIN/LOGIN with
// the mailbox's own password, or the shared `webmailPassword` when the operator set one.
import { sameSecret } from '../auth/secret.ts';
import { summariseBearer, type BearerSummary } from '../identity/token-summary.ts';
import type { FactData } from '../observe/journal.ts';
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

/**
 * What an `auth` observation says of the credentials and their check (never a secret); the outcome is added by the
 * session.
 */
export type AuthFacts = Pick<FactData<'auth'>, 'mechanism'> &
  Partial<
    Pick<
      FactData<'auth'>,
      | 'command'
      | 'user'
      | 'authzid'
      | 'initialResponse'
      | 'bearer'
      | 'bearerVerified'
      | 'bearerDetails'
      | 'certificateOu'
      | 'certificateTrusted'
    >
  >;

export interface AuthDecision {
  ok: boolean;
  mailbox?: Mailbox;
  /** Stable code of the decision. */
  reason: string;
  /** Facts for the `auth` observation. */
  facts: AuthFacts;
}

/** Where the credentials arrive: whether the endpoint asks clients for a certificate (the org* ones do). */
export interface AuthPlace {
  requestClientCertificate: boolean;
}

export class Authenticator {
  constructor(
    private readonly mailboxes: MailboxStore,
    /** The manual's shared password (setting `webmailPassword`), accepted for every mailbox when set. */
    private readonly sharedPassword: string | undefined,
    private readonly bearers: BearerVerifier,
  ) {}

  /** `place` undefined: the webmail's login form, which is no mail endpoint and sees no certificate. */
  async decide(credentials: SaslCredentials, tls: TlsState | undefined, place?: AuthPlace): Promise<AuthDecision> {
    const facts: AuthFacts = {
      mechanism: credentials.mechanism,
      user: credentials.user,
      authzid: credentials.authzid,
      initialResponse: credentials.initialResponse,
    };
    const refuse = (reason: string, extra: Partial<AuthFacts> = {}): AuthDecision => ({
      ok: false,
      reason,
      facts: { ...facts, ...extra },
    });
    const accept = (mailbox: Mailbox, reason: string, extra: Partial<AuthFacts> = {}): AuthDecision => ({
      ok: true,
      mailbox,
      reason,
      facts: { ...facts, ...extra },
    });

    if (credentials.mechanism === 'OAUTHBEARER' || credentials.mechanism === 'EXTERNAL') {
      return refuse('mechanism_not_offered', credentials.bearer ? { bearer: summariseBearer(credentials.bearer) } : {});
    }
    const mailbox = await this.mailboxes.find(credentials.user);
    if (!mailbox)
      return refuse('unknown_mailbox', credentials.bearer ? { bearer: summariseBearer(credentials.bearer) } : {});
    if (credentials.authzid && credentials.authzid !== credentials.user && credentials.authzid !== mailbox.address) {
      return refuse('authzid_mismatch');
    }

    if (credentials.mechanism === 'XOAUTH2') {
      const bearer: BearerSummary = summariseBearer(credentials.bearer ?? '');
      const decision = await this.bearers.verify(credentials.bearer ?? '', mailbox);
      const extra = {
        bearer,
        bearerVerified: decision.verified,
        ...(decision.details ? { bearerDetails: decision.details } : {}),
      };
      return decision.ok
        ? accept(mailbox, decision.verified ? 'bearer' : 'bearer_unverified', extra)
        : refuse(`bearer_${decision.reason}`, extra);
    }

    // PLAIN or LOGIN.
    const certificate = tls?.clientCertificate;
    const certificateFacts = certificate?.present
      ? { certificateOu: certificate.ou, certificateTrusted: certificate.trusted }
      : {};
    if (mailbox.type === 'applicative' && place?.requestClientCertificate) {
      // The certificate authenticates (the password field need not match); no password opens it without one.
      if (!certificate?.present) return refuse('client_certificate_required');
      if (!certificate.trusted) return refuse('client_certificate_untrusted', certificateFacts);
      if (certificate.ou !== mailbox.idnat) return refuse('certificate_ou_mismatch', certificateFacts);
      return accept(mailbox, 'client_certificate', { certificateOu: certificate.ou });
    }
    const given = credentials.password ?? '';
    const passwordOk =
      (await this.mailboxes.passwordMatches(mailbox.id, given)) ||
      (this.sharedPassword !== undefined && sameSecret(given, this.sharedPassword));
    return passwordOk ? accept(mailbox, 'password', certificateFacts) : refuse('bad_password', certificateFacts);
  }
}
