// Server-sent events on a hijacked reply, as the webmail's change stream and the API's live log send them:
// writes that stop once the client has gone (it may go while a read is pending), a comment every 15 s that
// keeps proxies from closing a quiet stream, and the set of open streams that closeAll ends when the platform
// stops.
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

/** Comments that keep proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

export class EventStream {
  private readonly cleanups: (() => void)[] = [];
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private ended = false;

  constructor(
    private readonly out: ServerResponse,
    private readonly forget: () => void,
  ) {
    this.heartbeat = setInterval(() => this.write(': ping\n\n'), HEARTBEAT_MS).unref();
    out.on('close', () => this.close());
  }

  get closed(): boolean {
    return this.ended;
  }

  /** One event; `id` comes back as Last-Event-ID when EventSource reconnects, `retry` is its wait before that (ms). */
  send(event: string, data: unknown, fields: { id?: number; retry?: number } = {}): void {
    const retry = fields.retry === undefined ? '' : `retry: ${fields.retry}\n`;
    const id = fields.id === undefined ? '' : `id: ${fields.id}\n`;
    this.write(`${retry}${id}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Runs `cleanup` once the stream ends, whoever ends it (at once if it already has). */
  onClose(cleanup: () => void): void {
    if (this.ended) cleanup();
    else this.cleanups.push(cleanup);
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.heartbeat);
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.forget();
    this.out.end();
  }

  private write(text: string): void {
    if (!this.out.writableEnded && !this.out.destroyed) this.out.write(text);
  }
}

export class EventStreams {
  private readonly open = new Set<EventStream>();

  /** Answers `reply` with an event stream: status 200, `headers` and those of the stream. */
  start(reply: FastifyReply, headers: Record<string, string>): EventStream {
    reply.hijack();
    reply.raw.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const stream: EventStream = new EventStream(reply.raw, () => this.open.delete(stream));
    this.open.add(stream);
    return stream;
  }

  /** Ends every open stream (the platform is stopping). */
  closeAll(): void {
    for (const stream of [...this.open]) stream.close();
  }
}
