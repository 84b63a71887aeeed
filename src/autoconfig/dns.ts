// The platform's authoritative DNS server (dns2, UDP and TCP on ports.dns): answers from the zones, records
// every query with what it advertised, and keeps serving whatever a client sends (an unreadable packet is
// dropped, a half-readable one answered FORMERR).
import { once } from 'node:events';
import { isIP, type Socket } from 'node:net';
import { Packet, TCPServer, UDPServer, type EcsOption, type Resource } from 'dns2';
import type { Config } from '../config/config.ts';
import { normaliseIp } from '../mail/session.ts';
import type { FactData, Journal } from '../observe/journal.ts';
import type { Logger } from '../util/log.ts';
import { Zones, type ZoneAnswer, type ZoneRecord } from './zone.ts';

export interface DnsServer {
  close(): Promise<void>;
}

export interface DnsServerDeps {
  config: Config;
  journal: Journal;
  log: Logger;
}

/** What we tell EDNS clients they may send us over UDP (the DNS flag day 2020 value). */
const EDNS_UDP_PAYLOAD = 1232;
const OPT = Packet.TYPE.EDNS;
const ECS = Packet.EDNS_OPTION_CODE.ECS;

type Send = (response: Packet) => Promise<Buffer>;

export async function startDnsServer({ config, journal, log }: DnsServerDeps): Promise<DnsServer> {
  // The serial only has to grow between configurations; start time does.
  const zones = new Zones(config, Math.floor(Date.now() / 1000));
  const udp = new UDPServer({ type: isIP(config.listenAddress) === 6 ? 'udp6' : 'udp4' });
  const tcp = new TCPServer();
  const connections = new Set<Socket>();

  const serve = async (request: Packet, send: Send, transport: 'udp' | 'tcp', clientIp: string, clientPort: number) => {
    // A response sent to us is never answered: that is how reflection loops start.
    if (request.header.qr === 1) return;
    const { response, facts } = respond(request, zones);
    try {
      await send(response);
    } catch (error) {
      log.debug('dns: answer not sent', { transport, clientIp, error });
    }
    try {
      await journal.record({
        kind: 'autoconfig.dns',
        protocol: 'dns',
        clientIp,
        clientPort,
        data: { transport, ...facts },
      });
    } catch (error) {
      log.warn('dns: journal record failed', { error });
    }
  };
  // Whatever goes wrong with one query stays with it: an unhandled rejection would stop the process.
  const serveSafely = (...args: Parameters<typeof serve>) =>
    serve(...args).catch((error: unknown) => log.error('dns: query not served', { error }));
  const failed = (transport: string) => (error: unknown) => log.debug('dns: unreadable packet', { transport, error });

  udp.on('request', (request, send, client) => {
    const { address, port } = client as { address: string; port: number };
    void serveSafely(request, send, 'udp', normaliseIp(address), port);
  });
  tcp.on('request', (request, send, client) => {
    const socket = client as Socket;
    void serveSafely(request, send, 'tcp', normaliseIp(socket.remoteAddress), socket.remotePort ?? 0);
  });
  tcp.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  udp.on('requestError', failed('udp'));
  tcp.on('requestError', failed('tcp'));
  udp.on('error', (error) => log.error('dns: udp error', { error }));
  tcp.on('error', (error) => log.error('dns: tcp error', { error }));

  const close = async () => {
    await Promise.all([
      new Promise<void>((resolve) => {
        try {
          udp.close(() => resolve());
        } catch {
          resolve(); // never bound, or already closed
        }
      }),
      new Promise<void>((resolve) => {
        tcp.close(() => resolve());
        for (const socket of connections) socket.destroy();
      }),
    ]);
  };

  try {
    udp.bind(config.ports.dns, config.listenAddress);
    await once(udp, 'listening');
    tcp.listen({ host: config.listenAddress, port: config.ports.dns });
    await once(tcp, 'listening');
  } catch (error) {
    await close();
    throw error;
  }
  return { close };
}

/** The response to a query, and the facts the journal keeps about it. */
export function respond(
  request: Packet,
  zones: Zones,
): { response: Packet; facts: Omit<FactData<'autoconfig.dns'>, 'transport'> } {
  const [question] = request.questions;
  const refused = (rcode: ZoneAnswer['rcode']): ZoneAnswer => ({
    rcode,
    authoritative: false,
    answers: [],
    authority: [],
    additionals: [],
  });
  let answer: ZoneAnswer;
  if (request.errors.length > 0 || request.questions.length !== 1 || !question) answer = refused('FORMERR');
  else if (request.header.opcode !== 0) answer = refused('NOTIMP');
  else answer = zones.answer(question.name, question.type, question.class);

  const response = Packet.createResponseFromRequest(request);
  response.header.aa = answer.authoritative ? 1 : 0;
  response.header.rcode = Packet.RCODE[answer.rcode];
  // Answers carry the name as asked: resolvers that randomise its case (0x20) compare it.
  response.answers = answer.answers.map((r) => resource(r, question!.name));
  response.authorities = answer.authority.map((r) => resource(r, r.name));
  response.additionals = answer.additionals.map((r) => resource(r, r.name));
  const opt = request.additionals.find((r) => r.type === OPT);
  if (opt) response.additionals.push(Packet.Resource.EDNS([], { udpPayloadSize: EDNS_UDP_PAYLOAD }) as Resource);

  const ecs = opt?.rdata?.find((o): o is EcsOption => o.ednsCode === ECS);
  const facts = {
    id: request.header.id,
    name: question?.name ?? null,
    qtype: question ? Packet.typeName(question.type) : null,
    qclass: question ? className(question.class) : null,
    rcode: answer.rcode,
    // As advertised; the journal keeps it as JSON, where fields left undefined disappear.
    answered: answer.answers,
    ...(ecs?.ip ? { ecs: `${ecs.ip}/${ecs.sourcePrefixLength}` } : {}),
    ...(request.errors.length > 0 ? { errors: request.errors.map((e) => e.message) } : {}),
  };
  return { response, facts };
}

function resource(record: ZoneRecord, name: string): Resource {
  const { endpoint: _endpoint, service: _service, role: _role, ...fields } = record;
  return { ...fields, name, type: Packet.TYPE[record.type], class: Packet.CLASS.IN } as Resource;
}

function className(code: number): string {
  return Object.entries(Packet.CLASS).find(([, value]) => value === code)?.[0] ?? String(code);
}
