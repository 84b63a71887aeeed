// New mail without reloading: server-sent events fed by the mailbox store's change bus, the one IMAP
// sessions listen to. Whoever changes the mailbox (SMTP delivery, an IMAP client, this webmail), the open
// pages of that mailbox hear a `change` event and fetch their list again. Only the session's own mailbox.
import type { FastifyReply } from 'fastify';
import type { MailboxChange, MailboxEvents } from '../mail/mailbox/events.ts';

/** Comments that keep proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

export class ChangeStreams {
  private readonly open = new Set<() => void>();

  constructor(private readonly events: MailboxEvents) {}

  stream(reply: FastifyReply, mailboxId: number, headers: Record<string, string>): void {
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    const write = (text: string) => {
      if (!out.writableEnded && !out.destroyed) out.write(text);
    };
    const unsubscribe = this.events.onMailbox(mailboxId, (change: MailboxChange) => write(`event: change\ndata: ${JSON.stringify({ type: change.type })}\n\n`));
    const heartbeat = setInterval(() => write(': ping\n\n'), HEARTBEAT_MS).unref();
    const close = () => {
      if (!this.open.delete(close)) return;
      unsubscribe();
      clearInterval(heartbeat);
      out.end();
    };
    this.open.add(close);
    out.on('close', close);
    // Tells the page the stream is live (and EventSource to retry after 5 s when it drops).
    write('retry: 5000\nevent: ready\ndata: {}\n\n');
  }

  /** Ends every open stream (the platform is stopping). */
  closeAll(): void {
    for (const close of [...this.open]) close();
  }
}
