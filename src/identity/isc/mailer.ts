// Where the ISC code e-mails go: through the configured SMTP relay, or, by default, into the development
// outbox (a page of the simulator) and the operator log, so that the platform works alone.
import type { Logger } from '../../util/log.ts';
import type { IdentityDb } from '../db.ts';
import { sendThroughRelay, type OutgoingMail, type RelaySettings } from '../../mail/relay.ts';

export interface OutboxMail {
  id: number;
  at: number;
  recipient: string;
  subject: string;
  body: string;
}

export class Mailer {
  constructor(
    private readonly db: IdentityDb,
    private readonly relay: RelaySettings | undefined,
    private readonly log: Logger,
  ) {}

  get usesOutbox(): boolean {
    return !this.relay;
  }

  async send(mail: OutgoingMail): Promise<void> {
    if (this.relay) {
      await sendThroughRelay(this.relay, mail);
      this.log.info('ISC mail sent through the relay', { to: mail.to, subject: mail.subject });
      return;
    }
    await this.db
      .insertInto('dev_outbox')
      .values({ at: Date.now(), recipient: mail.to, subject: mail.subject, body: mail.text })
      .execute();
    this.log.info('ISC mail in the development outbox', { to: mail.to, subject: mail.subject, text: mail.text });
  }

  /** The latest mails of the development outbox, newest first. */
  async outbox(limit = 50): Promise<OutboxMail[]> {
    const rows = await this.db.selectFrom('dev_outbox').selectAll().orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      id: Number(r.id),
      at: Number(r.at),
      recipient: r.recipient,
      subject: r.subject,
      body: r.body,
    }));
  }
}
