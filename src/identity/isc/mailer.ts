// Where the ISC code e-mails go: through the configured SMTP relay, or, by default, into the development
// outbox (a page of the simulator) and the operator log, so that the platform works alone.
import type { Logger } from '../../util/log.ts';
import type { IdentityDb } from '../db.ts';
import { sendThroughRelay, type OutgoingMail, type RelaySettings } from '../../mail/relay.ts';
import { deleteInBatches } from '../../store/batches.ts';

/**
 * How long a mail stays in the development outbox. Each one carries a login code that stops working within the
 * hour (isc.codeTtlSeconds); a day leaves time to read back yesterday's mail when looking into a login, and the
 * operator log keeps the same lines for as long as the operator keeps logs.
 */
const OUTBOX_KEEP_MS = 24 * 60 * 60 * 1000;

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

  /** Deletes the outbox's mails a day old or more (run with the identity maintenance); returns how many. */
  purge(now = Date.now()): Promise<number> {
    return deleteInBatches(
      async (limit) =>
        (
          await this.db
            .deleteFrom('dev_outbox')
            .where('id', 'in', (eb) =>
              eb
                .selectFrom('dev_outbox')
                .select('id')
                .where('at', '<=', now - OUTBOX_KEEP_MS)
                .limit(limit),
            )
            .executeTakeFirst()
        ).numDeletedRows,
    );
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
