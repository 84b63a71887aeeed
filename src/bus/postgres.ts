// The bus between processes sharing a PostgreSQL database (workers and instances alike): LISTEN/NOTIFY on one
// dedicated connection per process, outside the pool. That connection sends too, so a process's messages
// arrive in the order it published them; a payload stays under PostgreSQL's 8000-byte limit (batches are
// split). A lost connection is reopened with a growing wait; what was published meanwhile is lost, and the
// receivers' periodic looks (the runner's, IMAP's change poll, the live log's re-read) catch up.
// The same connection elects the process that does the singleton work: whoever holds a session advisory lock,
// which PostgreSQL releases when that process or its connection dies, so that another one takes over.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from '../util/log.ts';
import { BusNode, type BusMessage } from './bus.ts';

const CHANNEL = 'motco_bus';
/** PostgreSQL refuses payloads of 8000 bytes or more; keep a margin for the envelope. */
const MAX_PAYLOAD_BYTES = 7900;
/** The advisory lock key of the singleton work (any constant; "motco" in ASCII). */
const LEADER_LOCK = 0x6d6f74636f;
/** How often a process that is not the leader tries to become it (the leader may have died). */
const LEADER_RETRY_MS = 15_000;
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;

interface Payload {
  /** The sending process, so that it ignores its own notifications. */
  o: string;
  m: BusMessage[];
}

export class PostgresBus extends BusNode {
  private readonly origin = randomUUID();
  private client: pg.Client | undefined;
  private leading = false;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  private reconnectMs = RECONNECT_MIN_MS;

  /** `connect` makes a new client (not connected) for the same database as the store. */
  constructor(
    private readonly connect: () => pg.Client,
    log: Logger,
  ) {
    super(log);
  }

  /** Opens the connection and listens; fails if the database cannot be reached (the platform does not start). */
  async start(): Promise<void> {
    await this.open();
  }

  leader(): boolean {
    return this.leading;
  }

  override async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    this.leading = false;
    await client?.end().catch(() => {});
  }

  protected transmit(batch: BusMessage[]): void {
    const client = this.client;
    if (!client) return;
    for (const payload of payloads(this.origin, batch, this.log)) {
      client.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]).catch((error: unknown) => this.log.warn('bus: NOTIFY failed', { error }));
    }
  }

  private async open(): Promise<void> {
    const client = this.connect();
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, undefined));
    client.on('notification', (n) => {
      if (n.channel !== CHANNEL || !n.payload) return;
      let payload: Payload;
      try {
        payload = JSON.parse(n.payload) as Payload;
      } catch {
        return;
      }
      if (payload.o !== this.origin) this.deliver(payload.m);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    if (this.closed) return void (await client.end().catch(() => {}));
    this.client = client;
    this.reconnectMs = RECONNECT_MIN_MS;
    await this.elect();
  }

  /** Takes the singleton lock if nobody holds it; tries again later while another process does. */
  private async elect(): Promise<void> {
    clearTimeout(this.retry);
    const client = this.client;
    if (!client || this.leading || this.closed) return;
    try {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [LEADER_LOCK]);
      if (client === this.client) this.leading = rows[0]?.locked === true;
    } catch {
      // The connection is failing: lost() reconnects and elects again.
    }
    if (!this.leading && !this.closed) {
      this.retry = setTimeout(() => void this.elect(), LEADER_RETRY_MS);
      this.retry.unref();
    }
  }

  private lost(client: pg.Client, error: unknown): void {
    if (client !== this.client || this.closed) return;
    this.client = undefined;
    this.leading = false;
    clearTimeout(this.retry);
    this.log.warn('bus: PostgreSQL connection lost, reconnecting', { error });
    client.end().catch(() => {});
    this.reconnect();
  }

  private reconnect(): void {
    const wait = this.reconnectMs;
    this.reconnectMs = Math.min(wait * 2, RECONNECT_MAX_MS);
    this.retry = setTimeout(() => {
      this.open().then(
        () => this.log.info('bus: PostgreSQL connection back'),
        () => {
          if (!this.closed) this.reconnect();
        },
      );
    }, wait);
    this.retry.unref();
  }
}

/** The batch as NOTIFY payloads, each under the size limit; a single message too large is dropped (a bug: messages carry ids). */
function payloads(origin: string, batch: BusMessage[], log: Logger): string[] {
  const head = `{"o":${JSON.stringify(origin)},"m":[`;
  const result: string[] = [];
  let parts: string[] = [];
  let size = Buffer.byteLength(head) + 2;
  for (const message of batch) {
    const part = JSON.stringify(message);
    const bytes = Buffer.byteLength(part) + 1;
    if (Buffer.byteLength(head) + 2 + bytes > MAX_PAYLOAD_BYTES) {
      log.error('bus: message too large for NOTIFY, dropped', { type: message.type });
      continue;
    }
    if (parts.length > 0 && size + bytes > MAX_PAYLOAD_BYTES) {
      result.push(`${head}${parts.join(',')}]}`);
      parts = [];
      size = Buffer.byteLength(head) + 2;
    }
    parts.push(part);
    size += bytes;
  }
  if (parts.length > 0) result.push(`${head}${parts.join(',')}]}`);
  return result;
}
