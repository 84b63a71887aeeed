// The webmail sends as any client would: through the platform's own SMTP submission endpoint, STARTTLS with the
// six allowed suites, the server certificate checked against the IGC Santé TEST bundle and its host name, then
// AUTH PLAIN with the mailbox address. An applicative mailbox goes through org presenting the ORG_AUTH_CLI
// certificate kept for its IdNat under the data folder (an LPS's credentials: org opens it with nothing else);
// every other mailbox, and an applicative one without a certificate, through psc with the mailbox's own
// password. The journal therefore records the webmail's submissions like those of an LPS. It uses the
// platform's SMTP client (src/mail/client/), the one the reference LPS plays with.
import type { Socket } from 'node:net';
import { reachableAddress, type Config } from '../config/config.ts';
import type { EndpointId } from '../config/schema.ts';
import { t } from '../i18n/messages.ts';
import { plain } from '../mail/client/sasl.ts';
import { ServerCertificates } from '../mail/client/server-certificate.ts';
import { SmtpClient } from '../mail/client/smtp.ts';
import { normaliseIp } from '../mail/session.ts';
import type { Mailbox, MailboxStore } from '../mail/mailbox/store.ts';
import { ALLOWED_TLS12_SUITES } from '../mail/tls/policy.ts';
import { trustedSources } from '../net/proxy-accept.ts';
import { V2_LOCAL_HEADER } from '../net/proxy-protocol.ts';
import { readClientKeyPair } from '../pki/client-certificates.ts';
import { pkiLayout } from '../pki/files.ts';

export type SendOutcome = { ok: true } | { ok: false; error: string };

/** Name the webmail gives in EHLO: the journal's sessions say who the client was. */
const EHLO_NAME = 'webmail.motco';
const TIMEOUT_MS = 30_000;

export class WebmailSender {
  // Revocation is not checked: the platform is talking to itself, and a CRL fetch from the webmail would be
  // recorded (and attributed by address) like a vendor's.
  private readonly certificates = new ServerCertificates();
  private readonly trustedSource: (ip: string) => boolean;
  /**
   * Behind a load balancer (proxyProtocol.smtp), an endpoint wants a PROXY header from the balancer's
   * addresses: when this instance's own address is one of them, a LOCAL header says the connection is ours.
   */
  private readonly proxyPreamble = (socket: Socket): Buffer | undefined =>
    this.config.proxyProtocol.smtp && this.trustedSource(normaliseIp(socket.localAddress))
      ? V2_LOCAL_HEADER
      : undefined;

  constructor(
    private readonly config: Config,
    private readonly mailboxes: MailboxStore,
    /** PEM of the IGC Santé TEST bundle (the PKI's, read at each submission: it survives a renewal). */
    private readonly trust: () => string,
  ) {
    this.trustedSource = trustedSources(config.proxyProtocol.trustedSources);
  }

  /**
   * What the webmail presents for a mailbox: an applicative one's ORG_AUTH_CLI certificate through org, else its
   * password through psc.
   */
  private async credentials(
    mailbox: Mailbox,
  ): Promise<{ endpoint: EndpointId; password: string; certificate?: { certPem: string; keyPem: string } }> {
    const certificate =
      mailbox.type === 'applicative' && mailbox.idnat
        ? await readClientKeyPair(pkiLayout(this.config.dataDir).clients, mailbox.idnat)
        : undefined;
    if (certificate) return { endpoint: 'org', password: '', certificate };
    return { endpoint: 'psc', password: (await this.mailboxes.password(mailbox.id)) ?? '' };
  }

  async send(mailbox: Mailbox, recipients: string[], message: Buffer): Promise<SendOutcome> {
    const credentials = await this.credentials(mailbox);
    const endpoint = this.config.endpoints.find((e) => e.id === credentials.endpoint)!;
    const target = { host: endpoint.host, address: reachableAddress(endpoint.address), port: endpoint.smtpPort };
    let last = '';
    const fail = (
      key:
        | 'webmail.send.unreachable'
        | 'webmail.send.tls'
        | 'webmail.send.certificate'
        | 'webmail.send.auth'
        | 'webmail.send.refused',
      detail: string,
    ): SendOutcome => ({
      ok: false,
      error: t(key, { detail }),
    });
    let client: SmtpClient | undefined;
    try {
      const connected = await SmtpClient.connect(target, {
        timeoutMs: TIMEOUT_MS,
        preamble: this.proxyPreamble,
        onOpen: () => {},
        exchange: (sent, reply) => (last = sent ? `${sent} → ${reply}` : reply),
      });
      client = connected.client;
      if (connected.greeting?.code !== 220) return fail('webmail.send.unreachable', last);
      await client.ehlo(EHLO_NAME);
      const upgrade = await client.startTls(target.host, {
        ca: this.trust(),
        ciphers: ALLOWED_TLS12_SUITES.map((s) => s.openssl).join(':'),
        minVersion: 'TLSv1.2',
        maxVersion: 'TLSv1.3',
        ...(credentials.certificate
          ? { cert: credentials.certificate.certPem, key: credentials.certificate.keyPem }
          : {}),
      });
      if (!upgrade.ok) return fail('webmail.send.tls', upgrade.error);
      const verdict = await this.certificates.verify(upgrade.socket, target.host, 'no-revocation', () => {});
      if (!verdict.accepted) return fail('webmail.send.certificate', verdict.detail);
      await client.ehlo(EHLO_NAME);
      if ((await client.authenticate(plain(mailbox.address, credentials.password)))?.code !== 235)
        return fail('webmail.send.auth', last);
      if ((await client.send(mailbox.address, recipients, message))?.code !== 250)
        return fail('webmail.send.refused', last);
      await client.quit();
      client = undefined;
      return { ok: true };
    } catch (error) {
      return fail('webmail.send.unreachable', (error as Error).message);
    } finally {
      client?.connection.destroy();
    }
  }
}
