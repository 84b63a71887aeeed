// The bus between processes sharing a PostgreSQL database (workers and instances alike): LISTEN/NOTIFY on one
// dedicated connection per process, outside the pool. That connection sends too, so a process's messages
// arrive in the order it published them; a payload stays under PostgreSQL's 8000-byte limit (batches are
// split). A lost connection is reopened with a growing wait; what was published meanwhile is lost, and the
// receivers' periodic looks (the runner's, IMAP's change poll, the live log's re-read) catch up.
// The same connection elects the process that does the singleton work: whoever holds a session advisory lock,
// which PostgreSQL releases when that process or its connection dies, so that another one takes over. And it
// holds one advisory lock per execution the process runs (claims), which tells the other processes that the
// execution is alive; a reopened connection takes them again.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from '../util/log.ts';
import { BusNode, type BusMessage, type ExecutionClaims } from './bus.ts';

const CHANNEL = 'motco_bus';
/** PostgreSQL refuses payloads of 8000 bytes or more; keep a margin for the envelope. */
const MAX_PAYLOAD_BYTES = 7900;
/** The advisory lock key of the singleton work (any constant; "motco" in ASCII). */
const LEADER_LOCK = 0x6d6f74636f;
/** The first key of the executions' advisory locks (two-int4 keys, a space apart from LEADER_LOCK's); "motc". */
const CLAIM_SPACE = 0x6d6f7463;
/**
 * A claim that could not be taken (the lock tried at that moment by another process's check) is tried again after this.
 */
const CLAIM_RETRY_MS = 1_000;
/** How often a process that is not the leader tries to become it (the leader may have died). */
const LEADER_RETRY_MS = 15_000;
/** How long close() waits for the last messages to leave (a dead connection never answers). */
const CLOSE_FLUSH_MS = 2_000;
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
  /** Executions this process runs: their locks are held on the connection, and taken again on a new one. */
  private readonly held = new Set<number>();
  /** The connection's last query: the next one waits for it. */
  private pending: Promise<unknown> = Promise.resolve();

  readonly claims: ExecutionClaims = {
    claim: (id) => {
      this.held.add(id);
      if (this.client) this.lock(this.client, id);
    },
    release: (id) => {
      this.held.delete(id);
      if (this.client) this.query(this.client, 'SELECT pg_advisory_unlock($1, $2)', [CLAIM_SPACE, id]).catch(() => {});
    },
    heldElsewhere: async (id) => {
      if (this.held.has(id)) return false;
      const client = this.client;
      if (!client) throw new Error('bus: no PostgreSQL connection');
      const { rows } = await this.query<{ free: boolean }>(client, 'SELECT pg_try_advisory_lock($1, $2) AS free', [
        CLAIM_SPACE,
        id,
      ]);
      if (rows[0]?.free !== true) return true;
      await this.query(client, 'SELECT pg_advisory_unlock($1, $2)', [CLAIM_SPACE, id]);
      return false;
    },
  };

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

  /** A bus started on connections made by `connect`. */
  static async started(connect: () => pg.Client, log: Logger): Promise<PostgresBus> {
    const bus = new PostgresBus(connect, log);
    await bus.start();
    return bus;
  }

  leader(): boolean {
    return this.leading;
  }

  override async close(): Promise<void> {
    // What was published last (a running execution's end at shutdown) leaves first: the batch of this turn, then the
    // queries.
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.race([this.pending, new Promise((resolve) => setTimeout(resolve, CLOSE_FLUSH_MS).unref())]);
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
      this.query(client, 'SELECT pg_notify($1, $2)', [CHANNEL, payload]).catch((error: unknown) =>
        this.log.warn('bus: NOTIFY failed', { error }),
      );
    }
  }

  /** One query at a time on the connection (pg deprecates overlapping ones), in the order asked. */
  private query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    client: pg.Client,
    text: string,
    values: unknown[],
  ): Promise<pg.QueryResult<R>> {
    const result = this.pending.then(() => client.query<R>(text, values));
    this.pending = result.catch(() => {});
    return result;
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
    this.pending = Promise.resolve();
    this.reconnectMs = RECONNECT_MIN_MS;
    for (const id of this.held) this.lock(client, id);
    await this.elect();
  }

  /** Takes an execution's lock on this connection; tries again while it is still claimed and not taken. */
  private lock(client: pg.Client, id: number): void {
    this.query<{ locked: boolean }>(client, 'SELECT pg_try_advisory_lock($1, $2) AS locked', [CLAIM_SPACE, id]).then(
      ({ rows }) => {
        if (rows[0]?.locked === true || this.closed) return;
        setTimeout(() => {
          if (this.held.has(id) && this.client === client) this.lock(client, id);
        }, CLAIM_RETRY_MS).unref();
      },
      () => {
        // The connection is failing: lost() reconnects and open() takes every claim again.
      },
    );
  }

  /** Takes the singleton lock if nobody holds it; tries again later while another process does. */
  private async elect(): Promise<void> {
    clearTimeout(this.retry);
    const client = this.client;
    if (!client || this.leading || this.closed) return;
    try {
      const { rows } = await this.query<{ locked: boolean }>(client, 'SELECT pg_try_advisory_lock($1) AS locked', [
        LEADER_LOCK,
      ]);
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

/**
 * The batch as NOTIFY payloads, each under the size limit; a single message too large is dropped (a bug: messages carry
 * ids).
 */
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
