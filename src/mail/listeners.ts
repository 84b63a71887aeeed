// TCP listeners of the eight endpoints: accept a connection (or refuse it, past the connection limits),
// open a session, run the protocol, record how it ended. A failure in one session is contained there; the
// listener keeps serving everyone else.
import net, { type Server, type Socket } from 'node:net';
import type { EndpointConfig } from '../config/config.ts';
import { acceptClient, trustedSources, type ProxyAccept } from '../net/proxy-accept.ts';
import type { ConnectionRefusal } from './connection-limits.ts';
import { MailSession, normaliseIp, type MailProtocol } from './session.ts';
import type { MailServices } from './services.ts';
import { ImapSession } from './imap/session.ts';
import { SmtpSession } from './smtp/session.ts';

type Client = Extract<ProxyAccept, { ok: true }>;
type ProxyRefusal = Extract<ProxyAccept, { ok: false }>;

export interface ProtocolSession {
  run(): Promise<void>;
  closeByServer(reason: string): void;
}

export type ProtocolFactory = (raw: Socket, session: MailSession, services: MailServices) => ProtocolSession;

const PROTOCOLS: Partial<Record<MailProtocol, ProtocolFactory>> = {
  smtp: (raw, session, services) => new SmtpSession(raw, session, services),
  imap: (raw, session, services) => new ImapSession(raw, session, services),
};

export interface MailListeners {
  close(): Promise<void>;
}

export async function startMailListeners(services: MailServices): Promise<MailListeners> {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const trusted = trustedSources(services.config.proxyProtocol.trustedSources);
  /** Connections still waiting for their PROXY header at shutdown are closed, not refused. */
  let closing = false;
  try {
    for (const endpoint of services.config.endpoints) {
      for (const protocol of Object.keys(PROTOCOLS) as MailProtocol[]) {
        const port = protocol === 'smtp' ? endpoint.smtpPort : endpoint.imapPort;
        const proxy = { enabled: services.config.proxyProtocol[protocol], trusted };
        const server = net.createServer(async (raw) => {
          sockets.add(raw);
          raw.once('close', () => sockets.delete(raw));
          raw.on('error', () => {}); // a reset before the session exists must not crash the process
          const client = await acceptClient(raw, proxy);
          if (!client.ok)
            return void (closing ? raw.destroy() : refuseHeader(raw, endpoint, protocol, client, services));
          if (raw.destroyed) return;
          const place = await services.connections.acquire(endpoint.id, client.address);
          if (!place.ok) return void refuse(raw, endpoint, protocol, client, place.refusal, services);
          // The client may have gone while the workers' count answered.
          if (raw.destroyed) return place.release();
          raw.once('close', place.release);
          void serve(raw, endpoint, protocol, client, services);
        });
        server.on('error', (error) => services.log.error('listener error', { endpoint: endpoint.id, protocol, error }));
        await listen(server, endpoint.address, port);
        servers.push(server);
      }
    }
  } catch (error) {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    throw error;
  }
  return {
    async close() {
      closing = true;
      services.registry.closeAll('Service shutting down');
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
      for (const socket of sockets) socket.destroy();
    },
  };
}

async function serve(
  raw: Socket,
  endpoint: EndpointConfig,
  protocol: MailProtocol,
  client: Client,
  services: MailServices,
): Promise<void> {
  raw.setNoDelay(true);
  const log = services.log.child({ endpoint: endpoint.id, protocol });
  const session = new MailSession(endpoint, protocol, client.address, client.port, services.journal, log);
  const handler = PROTOCOLS[protocol]!(raw, session, services);
  const unregister = services.registry.add({ session, closeByServer: (reason) => handler.closeByServer(reason) });
  await session.record('session.open', { localAddress: normaliseIp(raw.localAddress), localPort: raw.localPort });
  try {
    await handler.run();
  } catch (error) {
    session.closedBy ??= 'error';
    session.closeReason ??= (error as Error).message;
    log.error('session failed', { session: session.id, error });
    raw.destroy();
  } finally {
    unregister();
    await session.settled();
    await session.record('session.close', {
      by: session.closedBy ?? 'client',
      reason: session.closeReason ?? null,
      durationMs: Date.now() - session.startedAt,
      tls: Boolean(session.tls),
      commandsAfterTls: session.commandsAfterTls,
      ...(session.closingAt === undefined ? {} : { closingAt: session.closingAt }),
    });
  }
}

/**
 * A connection past a limit: the protocol's goodbye (SMTP 421 4.7.0, IMAP * BYE), then close. Recorded as
 * session.refused; no session is opened, so nothing of the client's is read.
 */
async function refuse(
  raw: Socket,
  endpoint: EndpointConfig,
  protocol: MailProtocol,
  client: Client,
  refusal: ConnectionRefusal,
  services: MailServices,
): Promise<void> {
  const text =
    refusal.limit === 'total' ? 'Too many connections, try again later' : 'Too many connections from your address';
  raw.end(
    protocol === 'smtp' ? `421 4.7.0 ${endpoint.host} ${text}, closing transmission channel\r\n` : `* BYE ${text}\r\n`,
  );
  raw.resume(); // whatever the client sends meanwhile is dropped
  setTimeout(() => raw.destroy(), 1000).unref();
  try {
    await services.journal.record({
      kind: 'session.refused',
      endpoint: endpoint.id,
      protocol,
      clientIp: client.address,
      clientPort: client.port,
      data: {
        limit: refusal.limit,
        max: refusal.max,
        localAddress: normaliseIp(raw.localAddress),
        localPort: raw.localPort,
      },
    });
  } catch (error) {
    services.log.error('journal write failed', { kind: 'session.refused', error });
  }
}

/**
 * A connection from a trusted load balancer whose PROXY header is missing, malformed, too long or late:
 * closed without a word (nothing can be said to a client we cannot name), recorded as session.refused
 * under the balancer's address.
 */
async function refuseHeader(
  raw: Socket,
  endpoint: EndpointConfig,
  protocol: MailProtocol,
  refusal: ProxyRefusal,
  services: MailServices,
): Promise<void> {
  raw.destroy();
  services.log.warn('PROXY header refused', {
    endpoint: endpoint.id,
    protocol,
    from: refusal.address,
    reason: refusal.reason,
    detail: refusal.detail,
  });
  try {
    await services.journal.record({
      kind: 'session.refused',
      endpoint: endpoint.id,
      protocol,
      clientIp: refusal.address,
      clientPort: refusal.port,
      data: {
        proxyHeader: refusal.reason,
        detail: refusal.detail,
        localAddress: refusal.localAddress,
        localPort: refusal.localPort,
      },
    });
  } catch (error) {
    services.log.error('journal write failed', { kind: 'session.refused', error });
  }
}

function listen(server: Server, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
