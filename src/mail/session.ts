// One client connection on one endpoint, whatever the protocol: identity of the session, what is known
// about it (TLS, authenticated mailbox) and how its facts reach the journal.
import { randomUUID } from 'node:crypto';
import type { EndpointConfig } from '../config/config.ts';
import type { FactData, Journal, ObservationKind } from '../observe/journal.ts';
import type { Logger } from '../util/log.ts';
import type { TlsState } from './tls/starttls.ts';

export type MailProtocol = 'smtp' | 'imap';
export type ClosedBy = 'client' | 'server' | 'timeout' | 'error';

export class MailSession {
  readonly id = randomUUID();
  readonly startedAt = Date.now();
  /** Address of the mailbox authenticated on this session, once it is. */
  mailbox: string | undefined;
  tls: TlsState | undefined;
  /** Protocol commands received after TLS was established (a client refusing our certificate sends none). */
  commandsAfterTls = 0;
  /** Set by whoever closes first, so that the close is recorded with the right author. */
  closedBy: ClosedBy | undefined;
  closeReason: string | undefined;
  /** When the platform decided to end the session (closeByServer), before its goodbye went out. */
  closingAt: number | undefined;

  constructor(
    readonly endpoint: EndpointConfig,
    readonly protocol: MailProtocol,
    readonly clientIp: string,
    readonly clientPort: number,
    private readonly journal: Journal,
    readonly log: Logger,
  ) {}

  /** Records not yet written: facts recorded outside the protocol's own order (a TLS event) still precede the close. */
  private readonly pending = new Set<Promise<void>>();

  /** Records a fact of this session. Never throws: a journal failure is logged, the session goes on. */
  record<K extends ObservationKind>(kind: K, data: FactData<K>): Promise<void> {
    const written = this.write(kind, data);
    this.pending.add(written);
    void written.then(() => this.pending.delete(written));
    return written;
  }

  /** Resolves once every fact recorded so far is written. */
  async settled(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private async write<K extends ObservationKind>(kind: K, data: FactData<K>): Promise<void> {
    try {
      await this.journal.record<K>({
        kind,
        data,
        endpoint: this.endpoint.id,
        protocol: this.protocol,
        sessionId: this.id,
        clientIp: this.clientIp,
        clientPort: this.clientPort,
        mailbox: this.mailbox,
      });
    } catch (error) {
      this.log.error('journal write failed', { kind, session: this.id, error });
    }
  }
}

/** IPv4 clients on a dual-stack socket appear as ::ffff:a.b.c.d; the journal and job options use a.b.c.d. */
export function normaliseIp(address: string | undefined): string {
  if (!address) return 'unknown';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
