// New mail without reloading: server-sent events fed by the mailbox store's change bus, the one IMAP
// sessions listen to. Whoever changes the mailbox (SMTP delivery, an IMAP client, this webmail), the open
// pages of that mailbox hear a `change` event and fetch their list again. Only the session's own mailbox.
import type { FastifyReply } from 'fastify';
import type { MailboxChange, MailboxEvents } from '../mail/mailbox/events.ts';
import { EventStreams } from '../web/event-stream.ts';

export class ChangeStreams {
  private readonly streams = new EventStreams();

  constructor(private readonly events: MailboxEvents) {}

  stream(reply: FastifyReply, mailboxId: number, headers: Record<string, string>): void {
    const stream = this.streams.start(reply, headers);
    stream.onClose(
      this.events.onMailbox(mailboxId, (change: MailboxChange) => stream.send('change', { type: change.type })),
    );
    // Tells the page the stream is live (and EventSource to retry after 5 s when it drops).
    stream.send('ready', {}, { retry: 5000 });
  }

  /** Ends every open stream (the platform is stopping). */
  closeAll(): void {
    this.streams.closeAll();
  }
}
