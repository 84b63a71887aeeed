// Autoconfiguration as the reference LPS does it (MSS-CONF.04): from the mailbox address, the Thunderbird
// file config-v1.1.xml over HTTP(S) — or the RFC 6186 SRV records of the mail domain — then exactly the
// host, port and authentication found there. Host names are resolved through the platform's DNS server.
import { lookup, Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { XMLParser } from 'fast-xml-parser';
import { httpGet, type HttpOptions } from '../mail/client/http.ts';

export interface DiscoveredServer {
  protocol: 'imap' | 'smtp';
  host: string;
  port: number;
  socketType: string;
  username: string | null;
  /** Thunderbird values in the file's order (OAuth2, TLS-client-cert, password-cleartext…); empty from DNS. */
  authentication: string[];
}

export interface DnsServer {
  address: string;
  port: number;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false });

export function autoconfigUrl(base: string, address: string): string {
  return `${base.replace(/\/+$/, '')}/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address)}`;
}

/** Fetches and reads the file; throws when it cannot be had or read. */
export async function discoverByHttp(
  base: string,
  address: string,
  options: HttpOptions,
): Promise<{ url: string; status: number; servers: DiscoveredServer[] }> {
  const url = autoconfigUrl(base, address);
  const answer = await httpGet(url, options);
  if (answer.status !== 200) return { url, status: answer.status, servers: [] };
  return { url, status: answer.status, servers: readClientConfig(answer.body.toString('utf8'), address) };
}

/** The servers of a clientConfig 1.1 file, placeholders in user names replaced for `address`. */
export function readClientConfig(xml: string, address: string): DiscoveredServer[] {
  const provider = (parser.parse(xml) as { clientConfig?: { emailProvider?: Record<string, unknown> } }).clientConfig
    ?.emailProvider;
  if (!provider) return [];
  const [local = '', domain = ''] = address.split('@');
  const servers = [...list(provider.incomingServer), ...list(provider.outgoingServer)] as Record<string, unknown>[];
  return servers.map((s) => ({
    protocol: s.type === 'smtp' ? 'smtp' : 'imap',
    host: String(s.hostname ?? ''),
    port: Number(s.port ?? 0),
    socketType: String(s.socketType ?? ''),
    username:
      s.username === undefined
        ? null
        : String(s.username)
            .replaceAll('%EMAILADDRESS%', address)
            .replaceAll('%EMAILLOCALPART%', local)
            .replaceAll('%EMAILDOMAIN%', domain),
    authentication: list(s.authentication).map(String),
  }));
}

function list(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function resolver(dns: DnsServer, localAddress: string | undefined): Resolver {
  const r = new Resolver({ timeout: 3000, tries: 2 });
  r.setServers([isIP(dns.address) === 6 ? `[${dns.address}]:${dns.port}` : `${dns.address}:${dns.port}`]);
  if (localAddress)
    r.setLocalAddress(
      isIP(localAddress) === 6 ? '0.0.0.0' : localAddress,
      isIP(localAddress) === 6 ? localAddress : '::0',
    );
  return r;
}

/** RFC 6186: the SRV record of the service with the lowest priority (then highest weight). */
export async function discoverByDns(
  domain: string,
  protocol: 'imap' | 'smtp',
  dns: DnsServer,
  localAddress?: string,
): Promise<{ name: string; server: DiscoveredServer | null }> {
  const name = `_${protocol === 'imap' ? 'imap' : 'submission'}._tcp.${domain}`;
  const records = (await resolver(dns, localAddress).resolveSrv(name)).filter((r) => r.name !== '.' && r.port > 0);
  records.sort((a, b) => a.priority - b.priority || b.weight - a.weight);
  const best = records[0];
  return {
    name,
    server: best
      ? { protocol, host: best.name, port: best.port, socketType: 'STARTTLS', username: null, authentication: [] }
      : null,
  };
}

/** The address of a host name: the platform's DNS first (it is authoritative for the mail domain), then the system. */
export async function resolveHost(host: string, dns: DnsServer, localAddress?: string): Promise<string> {
  if (isIP(host)) return host;
  try {
    const [address] = await resolver(dns, localAddress).resolve4(host);
    if (address) return address;
  } catch {
    // Not a name of the mail domain: the system resolver may know it.
  }
  return (await lookup(host)).address;
}
