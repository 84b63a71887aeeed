// The platform's authoritative DNS data, built from the configuration: the mail domain's zone (RFC 6186 SRV
// records, an MX, the domain's own address for https://<domain>/.well-known/autoconfig/…, the autoconfig and
// name-server names) and the host names of the endpoints and the web server,
// each one a zone of its own unless it lies inside the mail domain. Pure data and lookups; dns.ts serves it.
import { isIP } from 'node:net';
import { Packet } from 'dns2';
import type { Config } from '../config/config.ts';
import type { EndpointId } from '../config/schema.ts';
import { advertisedAddress, MAIL_DOMAIN_ENDPOINTS } from './advertise.ts';

export type RecordType = 'SOA' | 'NS' | 'A' | 'AAAA' | 'SRV' | 'MX';
export type Rcode = 'NOERROR' | 'FORMERR' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED';

/** A resource record in dns2's field names, plus what it advertises (kept in the journal). */
export interface ZoneRecord {
  name: string;
  type: RecordType;
  ttl: number;
  address?: string;
  ns?: string;
  priority?: number;
  weight?: number;
  port?: number;
  target?: string;
  /** MX: the host that takes the domain's mail (with `priority`). */
  exchange?: string;
  primary?: string;
  admin?: string;
  serial?: number;
  refresh?: number;
  retry?: number;
  expiration?: number;
  minimum?: number;
  /** The endpoint a record leads to, and for SRV the service. */
  endpoint?: EndpointId;
  service?: string;
  /** A platform host: the web server, the autoconfig name, the name server. */
  role?: 'web' | 'autoconfig' | 'ns';
}

export interface ZoneAnswer {
  rcode: Rcode;
  authoritative: boolean;
  answers: ZoneRecord[];
  authority: ZoneRecord[];
  additionals: ZoneRecord[];
}

/** Short, so that a configuration change reaches clients quickly; also the negative-caching time. */
const TTL = 60;

/** RFC 6186 services served, with the port each takes from an endpoint. */
const SERVICES = [
  { service: 'imap', port: (e: { imapPort: number }) => e.imapPort },
  { service: 'submission', port: (e: { smtpPort: number }) => e.smtpPort },
] as const;

/** Services not offered: a target of "." says so (RFC 6186 §3.4), sparing clients a connection attempt. */
const NOT_OFFERED = ['imaps', 'submissions', 'pop3', 'pop3s'];

/** Zone transfers are not offered; any other type we hold no record of gets an empty answer. */
const REFUSED_TYPES: ReadonlySet<number> = new Set([Packet.TYPE.AXFR, 251 /* IXFR */]);

export class Zones {
  private readonly records = new Map<string, ZoneRecord[]>();
  /** Zone apexes, most specific first. */
  private readonly apexes: string[];

  constructor(config: Config, serial: number) {
    const mail = config.mailDomain;
    const nameServer = `ns.${mail}`;
    const platform = config.autoconfig.address;
    this.add(addressRecord(nameServer, platform, { role: 'ns' }));
    this.add(addressRecord(config.hosts.autoconfig, platform, { role: 'autoconfig' }));
    this.add(addressRecord(config.hosts.web, platform, { role: 'web' }));
    // Thunderbird's second autoconfig URL is on the bare domain, served by the web server.
    this.add(addressRecord(mail, platform, { role: 'web' }));
    for (const e of config.endpoints) this.add(addressRecord(e.host, advertisedAddress(config, e), { endpoint: e.id }));
    for (const { service, port } of SERVICES) {
      MAIL_DOMAIN_ENDPOINTS.forEach((id, rank) => {
        const e = config.endpoints.find((candidate) => candidate.id === id)!;
        this.add({
          name: `_${service}._tcp.${mail}`,
          type: 'SRV',
          ttl: TTL,
          priority: 10 * rank,
          weight: 1,
          port: port(e),
          target: e.host,
          endpoint: id,
          service,
        });
      });
    }
    // The domain's mail goes to its first endpoint (RFC 5321 §5.1); clients also look the MX up to find the provider.
    const exchange = config.endpoints.find((e) => e.id === MAIL_DOMAIN_ENDPOINTS[0])!;
    this.add({ name: mail, type: 'MX', ttl: TTL, priority: 10, exchange: exchange.host, endpoint: exchange.id });
    for (const service of NOT_OFFERED)
      this.add({
        name: `_${service}._tcp.${mail}`,
        type: 'SRV',
        ttl: TTL,
        priority: 0,
        weight: 0,
        port: 0,
        target: '.',
        service,
      });

    const outside = [...this.records.keys()].filter((name) => !within(name, mail));
    this.apexes = [mail, ...outside].sort((a, b) => b.length - a.length);
    for (const apex of this.apexes) {
      this.add({
        name: apex,
        type: 'SOA',
        ttl: TTL,
        primary: nameServer,
        admin: `hostmaster.${mail}`,
        serial,
        refresh: 3600,
        retry: 600,
        expiration: 86400,
        minimum: TTL,
      });
      this.add({ name: apex, type: 'NS', ttl: TTL, ns: nameServer, role: 'ns' });
    }
  }

  /** The answer to one question; `type` and `qclass` as numbers from the packet. */
  answer(name: string, type: number, qclass: number): ZoneAnswer {
    const empty = { answers: [], authority: [], additionals: [] };
    const qname = name.toLowerCase().replace(/\.$/, '');
    const apex = this.apexes.find((candidate) => within(qname, candidate));
    if (!apex || (qclass !== Packet.CLASS.IN && qclass !== Packet.CLASS.ANY) || REFUSED_TYPES.has(type)) {
      return { rcode: 'REFUSED', authoritative: false, ...empty };
    }
    const soa = this.records.get(apex)!.filter((r) => r.type === 'SOA');
    const owned = this.records.get(qname);
    // A name with records below it exists even without records of its own (an "empty non-terminal", e.g. _tcp).
    if (!owned && ![...this.records.keys()].some((n) => n.endsWith(`.${qname}`))) {
      return { rcode: 'NXDOMAIN', authoritative: true, ...empty, authority: soa };
    }
    const answers = (owned ?? []).filter((r) => type === Packet.TYPE.ANY || Packet.TYPE[r.type] === type);
    if (answers.length === 0) return { rcode: 'NOERROR', authoritative: true, ...empty, authority: soa };
    // The addresses of SRV targets, mail exchangers and name servers, so that clients need not ask again.
    const additionals = answers.flatMap((r) => {
      const target = r.type === 'SRV' ? r.target : r.type === 'NS' ? r.ns : r.type === 'MX' ? r.exchange : undefined;
      return (target && this.records.get(target)?.filter((a) => a.type === 'A' || a.type === 'AAAA')) || [];
    });
    return { rcode: 'NOERROR', authoritative: true, answers, authority: [], additionals };
  }

  private add(record: ZoneRecord): void {
    const name = record.name.toLowerCase();
    const list = this.records.get(name) ?? [];
    // Endpoints may share a host name: one record per distinct content.
    const content = (r: ZoneRecord) =>
      JSON.stringify([r.type, r.address, r.ns, r.target, r.exchange, r.port, r.priority]);
    if (!list.some((r) => content(r) === content(record))) list.push({ ...record, name });
    this.records.set(name, list);
  }
}

function addressRecord(name: string, address: string, about: Pick<ZoneRecord, 'endpoint' | 'role'>): ZoneRecord {
  return { name, type: isIP(address) === 6 ? 'AAAA' : 'A', ttl: TTL, address, ...about };
}

function within(name: string, apex: string): boolean {
  return name === apex || name.endsWith(`.${apex}`);
}
