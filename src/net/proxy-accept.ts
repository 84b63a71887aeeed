// Accepting connections from a load balancer that speaks the PROXY protocol (settings proxyProtocol.*): who
// may send a header (trustedSources), reading it off the socket with a deadline, and handing the socket on
// with the client's address and every byte after the header still to be read. A connection from a source
// not trusted is served as a direct one: its own address stands and a PROXY line it sends is never believed
// (to the mail protocols it is then just a bad command).
import { BlockList, isIP, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import tls, { type TLSSocket } from 'node:tls';
import { normaliseIp } from '../mail/session.ts';
import { parseProxyHeader, type ProxyHeader, type ProxyHeaderError } from './proxy-protocol.ts';

/** A load balancer writes its header at once: a trusted connection silent this long is closed. */
export const PROXY_HEADER_TIMEOUT_MS = 5000;

export type ProxyRefusalReason = ProxyHeaderError | 'timeout' | 'closed';

export type ProxyRead = { ok: true; header: ProxyHeader } | { ok: false; reason: ProxyRefusalReason; detail: string };

/** Whose connections arrive with a header: the client's address, or a refusal. */
export type ProxyAccept =
  | { ok: true; address: string; port: number; proxied: boolean }
  | {
      ok: false;
      reason: ProxyRefusalReason;
      detail: string;
      address: string;
      port: number;
      localAddress: string;
      localPort: number | undefined;
    };

/** The check of proxyProtocol.trustedSources: addresses and CIDR ranges, IPv4 and IPv6 (IPv4-mapped IPv6 included). */
export function trustedSources(entries: readonly string[]): (ip: string) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return (ip) => {
    const family = isIP(ip);
    return family !== 0 && list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/**
 * Reads the PROXY header off a socket (or any stream) that has no other 'data' listener. On success the socket is left
 * paused with the bytes that followed the header put back, so that the protocol reads them first.
 */
export function readProxyHeader(socket: Duplex, timeoutMs = PROXY_HEADER_TIMEOUT_MS): Promise<ProxyRead> {
  return new Promise((resolve) => {
    let received: Buffer = Buffer.alloc(0);
    let settled = false;
    const timer = setTimeout(
      () => finish({ ok: false, reason: 'timeout', detail: `no PROXY header within ${timeoutMs} ms` }),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
      const parsed = parseProxyHeader(received);
      if (parsed.kind === 'incomplete') return;
      if (parsed.kind === 'invalid') return finish({ ok: false, reason: parsed.reason, detail: parsed.detail });
      finish({ ok: true, header: parsed.header }, received.subarray(parsed.length));
    };
    const onEnd = () =>
      finish({ ok: false, reason: 'closed', detail: 'connection closed before the end of the PROXY header' });
    function finish(result: ProxyRead, rest?: Buffer) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.pause();
      if (rest && rest.length > 0 && !socket.destroyed) socket.unshift(rest);
      resolve(result);
    }
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.resume();
  });
}

/**
 * The client of a new connection on a listener: with PROXY off, or from a source not trusted, the socket's
 * own peer; from a trusted source, the header's (the socket's own for LOCAL and UNKNOWN), or a refusal.
 */
export async function acceptClient(
  socket: Socket,
  proxy: { enabled: boolean; trusted: (ip: string) => boolean },
  timeoutMs = PROXY_HEADER_TIMEOUT_MS,
): Promise<ProxyAccept> {
  const own = { address: normaliseIp(socket.remoteAddress), port: socket.remotePort ?? 0 };
  const local = { address: normaliseIp(socket.localAddress), port: socket.localPort };
  if (!proxy.enabled || !proxy.trusted(own.address)) return { ok: true, ...own, proxied: false };
  const read = await readProxyHeader(socket, timeoutMs);
  if (!read.ok) return { ...read, ...own, localAddress: local.address, localPort: local.port };
  const source = read.header.source;
  return source
    ? { ok: true, address: normaliseIp(source.address), port: source.port, proxied: true }
    : { ok: true, ...own, proxied: false };
}

export interface ProxiedServerOptions {
  trusted: (ip: string) => boolean;
  /** A connection refused for its header (the socket is destroyed afterwards). */
  onRefused(refusal: Extract<ProxyAccept, { ok: false }>): void;
  timeoutMs?: number;
}

/**
 * Puts PROXY header reading in front of an HTTP or HTTPS server (a net.Server whose 'connection' listeners
 * are Node's): each connection reaches them only once its header is read, and the sockets the application
 * sees (the TLS one too) report the client's address as remoteAddress/remotePort, which is what request.ip
 * and every reader of it use. Returns a function destroying the connections still waiting for a header.
 */
export function acceptProxyProtocol(server: Server, options: ProxiedServerOptions): () => void {
  const secure = server instanceof tls.Server;
  const listeners = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  const waiting = new Set<Socket>();
  let closed = false;
  // The TLS socket wrapping a raw one is told its client by the raw socket's peer (address and port).
  const clients = new Map<string, { address: string; port: number }>();
  server.on('connection', (socket: Socket) => {
    socket.on('error', () => {}); // a reset while waiting must not crash the process; Node adds its own after
    waiting.add(socket);
    const peer = `${socket.remoteAddress} ${socket.remotePort}`;
    void acceptClient(socket, { enabled: true, trusted: options.trusted }, options.timeoutMs).then((client) => {
      waiting.delete(socket);
      if (!client.ok) {
        if (!closed) options.onRefused(client);
        socket.destroy();
        return;
      }
      if (socket.destroyed) return;
      if (client.proxied) {
        pretendPeer(socket, client);
        if (secure) {
          clients.set(peer, client);
          socket.once('close', () => clients.delete(peer));
        }
      }
      for (const listener of listeners) listener.call(server, socket);
      // HTTP reads the socket as a stream: let it flow, header's remainder first. TLS took the socket's
      // handle over (and the bytes put back) as it wrapped it; the raw stream stays paused.
      if (!secure) socket.resume();
    });
  });
  server.prependListener('secureConnection', (tlsSocket: TLSSocket) => {
    const client = clients.get(`${tlsSocket.remoteAddress} ${tlsSocket.remotePort}`);
    if (client) pretendPeer(tlsSocket, client);
  });
  return () => {
    closed = true;
    for (const socket of waiting) socket.destroy();
  };
}

function pretendPeer(socket: Socket, client: { address: string; port: number }): void {
  Object.defineProperty(socket, 'remoteAddress', { value: client.address, configurable: true });
  Object.defineProperty(socket, 'remotePort', { value: client.port, configurable: true });
  Object.defineProperty(socket, 'remoteFamily', {
    value: isIP(client.address) === 6 ? 'IPv6' : 'IPv4',
    configurable: true,
  });
}
