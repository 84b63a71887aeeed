// The platform's DNS server as resolvers nobody here wrote see it: dig (UDP and TCP) and Node's c-ares
// Resolver read the RFC 6186 SRV records, host addresses and negative answers; garbage does not stop it;
// the journal keeps each query with the client's address and what was answered.
import dgram from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './helpers/observations.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { run } from './helpers/run.ts';

let t: TestPlatform;
let resolver: Resolver;

beforeAll(async () => {
  t = await startTestPlatform();
  resolver = new Resolver({ timeout: 3000, tries: 2 });
  resolver.setServers([`127.0.0.1:${t.config.ports.dns}`]);
});

afterAll(async () => {
  await t?.stop();
});

const domain = () => t.config.mailDomain;

/** dig, spawned asynchronously so that the DNS server in this process keeps answering. */
async function dig(...args: string[]): Promise<string> {
  const r = await run('dig', ['@127.0.0.1', '-p', String(t.config.ports.dns), '+time=3', '+tries=1', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

/** Status and flags from dig's header line. */
function header(output: string): { status: string; flags: string[] } {
  const status = /status: (\w+)/.exec(output)?.[1] ?? '';
  const flags = /flags: ([\w ]+);/.exec(output)?.[1]?.split(' ') ?? [];
  return { status, flags };
}

/** One DNS query packet (RFC 1035 §4.1), for the tests that send raw bytes. */
function query(id: number, name: string, type: number): Buffer {
  const labels = name.split('.').flatMap((label) => [Buffer.from([label.length]), Buffer.from(label)]);
  const head = Buffer.alloc(12);
  head.writeUInt16BE(id, 0);
  head.writeUInt16BE(0x0100, 2); // RD
  head.writeUInt16BE(1, 4); // QDCOUNT
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(type, 0);
  tail.writeUInt16BE(1, 2); // IN
  return Buffer.concat([head, ...labels, Buffer.from([0]), tail]);
}

/** Sends one UDP datagram and waits for an answer (or none). */
function udpExchange(packet: Buffer, waitMs = 1500): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const timer = setTimeout(() => done(undefined), waitMs);
    function done(answer: Buffer | undefined) {
      clearTimeout(timer);
      socket.close();
      resolve(answer);
    }
    socket.on('message', (message) => done(message));
    socket.send(packet, t.config.ports.dns, '127.0.0.1');
  });
}

describe('DNS: RFC 6186 service records', () => {
  it(
    'dig reads _imap._tcp over UDP: org then psc, ' +
      'the endpoints’ IMAP ports, authoritative, targets’ addresses added',
    async () => {
      const output = await dig(`_imap._tcp.${domain()}`, 'SRV');
      expect(header(output)).toMatchObject({ status: 'NOERROR', flags: expect.arrayContaining(['qr', 'aa']) });
      const org = t.endpoint('org');
      const psc = t.endpoint('psc');
      expect(output).toMatch(new RegExp(`IN\\s+SRV\\s+0 1 ${org.imapPort} ${org.host}\\.`));
      expect(output).toMatch(new RegExp(`IN\\s+SRV\\s+10 1 ${psc.imapPort} ${psc.host}\\.`));
      expect(output).toMatch(
        new RegExp(`ADDITIONAL SECTION:[\\s\\S]*${org.host}\\.\\s+\\d+\\s+IN\\s+A\\s+127\\.0\\.0\\.1`),
      );
    },
  );

  it('dig reads _submission._tcp over TCP with the SMTP ports', async () => {
    const short = (await dig('+tcp', '+short', `_submission._tcp.${domain()}`, 'SRV')).trim().split('\n');
    expect(short).toEqual([
      `0 1 ${t.endpoint('org').smtpPort} ${t.endpoint('org').host}.`,
      `10 1 ${t.endpoint('psc').smtpPort} ${t.endpoint('psc').host}.`,
    ]);
  });

  it(
    'Node’s resolver reads both services, ' + 'and "." for the implicit-TLS and POP3 services that are not offered',
    async () => {
      expect(await resolver.resolveSrv(`_imap._tcp.${domain()}`)).toEqual([
        { name: t.endpoint('org').host, port: t.endpoint('org').imapPort, priority: 0, weight: 1 },
        { name: t.endpoint('psc').host, port: t.endpoint('psc').imapPort, priority: 10, weight: 1 },
      ]);
      expect((await resolver.resolveSrv(`_submission._tcp.${domain()}`)).map((r) => r.port)).toEqual([
        t.endpoint('org').smtpPort,
        t.endpoint('psc').smtpPort,
      ]);
      for (const service of ['imaps', 'submissions', 'pop3', 'pop3s']) {
        expect(await resolver.resolveSrv(`_${service}._tcp.${domain()}`)).toEqual([
          { name: '', port: 0, priority: 0, weight: 0 },
        ]);
      }
      expect((await dig('+short', `_imaps._tcp.${domain()}`, 'SRV')).trim()).toBe('0 0 0 .');
    },
  );
});

describe('DNS: names and negative answers', () => {
  it(
    'gives the address of every endpoint, ' + 'the autoconfig and web hosts, whatever the case of the question',
    async () => {
      for (const e of t.config.endpoints) expect(await resolver.resolve4(e.host)).toEqual([e.address]);
      expect(await resolver.resolve4(t.config.hosts.autoconfig)).toEqual([t.config.autoconfig.address]);
      expect(await resolver.resolve4(t.config.hosts.web.toUpperCase())).toEqual([t.config.autoconfig.address]);
    },
  );

  it('has the zone’s SOA and NS', async () => {
    expect(await resolver.resolveSoa(domain())).toMatchObject({
      nsname: `ns.${domain()}`,
      hostmaster: `hostmaster.${domain()}`,
      minttl: 60,
    });
    expect(await resolver.resolveNs(domain())).toEqual([`ns.${domain()}`]);
  });

  it(
    'answers NXDOMAIN with the SOA for an unknown name of the zone, ' +
      'NOERROR without data for a name with records below it',
    async () => {
      const unknown = await dig(`inconnu.${domain()}`, 'A');
      expect(header(unknown)).toMatchObject({ status: 'NXDOMAIN', flags: expect.arrayContaining(['aa']) });
      expect(unknown).toMatch(
        new RegExp(`AUTHORITY SECTION:\\s*\\n${domain().replaceAll('.', '\\.')}\\.\\s+\\d+\\s+IN\\s+SOA\\s+ns\\.`),
      );
      await expect(resolver.resolve4(`inconnu.${domain()}`)).rejects.toMatchObject({ code: 'ENOTFOUND' });

      const between = await dig(`_tcp.${domain()}`, 'A');
      expect(header(between).status).toBe('NOERROR');
      expect(between).toContain('ANSWER: 0');
      // A name we hold, asked for a type we do not hold: no data, not NXDOMAIN.
      await expect(resolver.resolve6(t.config.hosts.autoconfig)).rejects.toMatchObject({ code: 'ENODATA' });
    },
  );

  it('refuses names outside its zones, and zone transfers', async () => {
    expect(header(await dig('example.org', 'A')).status).toBe('REFUSED');
    await expect(resolver.resolve4('example.org')).rejects.toMatchObject({ code: 'EREFUSED' });
    expect(await dig(domain(), 'AXFR')).toContain('Transfer failed');
    const transfer = await waitFor(t.platform.journal, { kind: 'autoconfig.dns' }, (o) => o.data.qtype === 'AXFR');
    expect(transfer.data).toMatchObject({ transport: 'tcp', rcode: 'REFUSED', answered: [] });
  });
});

describe('DNS: robustness', () => {
  it(
    'keeps answering on UDP and TCP after garbage, ' + 'a truncated packet and a malformed question (answered FORMERR)',
    async () => {
      const rcode = (answer: Buffer | undefined) => answer && answer.readUInt16BE(2) & 0x000f;
      // Shorter than a header: dropped. Text long enough to read as a header: its questions are not, so FORMERR.
      expect(await udpExchange(Buffer.from([1, 2, 3]), 500)).toBeUndefined();
      expect(rcode(await udpExchange(Buffer.from('not a dns packet')))).toBe(1);
      // A header announcing one question whose name is a compression pointer to itself.
      const loop = Buffer.concat([query(0x4242, 'x', 1).subarray(0, 12), Buffer.from([0xc0, 12, 0, 1, 0, 1])]);
      const formerr = await udpExchange(loop);
      expect(formerr!.readUInt16BE(0)).toBe(0x4242);
      expect(rcode(formerr)).toBe(1);

      // TCP: a frame whose body is junk, then bytes that never complete a frame.
      await new Promise<void>((resolve) => {
        const socket = net.connect(t.config.ports.dns, '127.0.0.1', () =>
          socket.write(Buffer.from([0, 5, 1, 2, 3, 4, 5, 0, 200, 9])),
        );
        socket.on('error', () => resolve());
        socket.on('close', () => resolve());
        setTimeout(() => socket.destroy(), 500);
      });

      const udp = await udpExchange(query(0x0101, `_imap._tcp.${domain()}`, 33));
      expect(udp!.readUInt16BE(6)).toBe(2); // ANCOUNT
      expect((await dig('+tcp', '+short', t.config.hosts.autoconfig, 'A')).trim()).toBe(t.config.autoconfig.address);
    },
  );
});

describe('DNS: journal', () => {
  it(
    'records each query with the client address, ' + 'transport, question, rcode and the endpoints advertised',
    async () => {
      await dig('+tcp', `_imap._tcp.${domain()}`, 'SRV');
      const srv = await waitFor(
        t.platform.journal,
        { kind: 'autoconfig.dns' },
        (o) => o.data.transport === 'tcp' && o.data.qtype === 'SRV' && o.data.name === `_imap._tcp.${domain()}`,
      );
      expect(srv).toMatchObject({ protocol: 'dns', clientIp: '127.0.0.1', data: { qclass: 'IN', rcode: 'NOERROR' } });
      expect(srv.clientPort).toBeGreaterThan(0);
      expect(srv.data.answered).toEqual([
        expect.objectContaining({
          type: 'SRV',
          endpoint: 'org',
          service: 'imap',
          target: t.endpoint('org').host,
          port: t.endpoint('org').imapPort,
          priority: 0,
        }),
        expect.objectContaining({
          type: 'SRV',
          endpoint: 'psc',
          service: 'imap',
          target: t.endpoint('psc').host,
          port: t.endpoint('psc').imapPort,
          priority: 10,
        }),
      ]);

      const address = await waitFor(
        t.platform.journal,
        { kind: 'autoconfig.dns' },
        (o) => o.data.name === t.config.hosts.autoconfig && o.data.qtype === 'A',
      );
      expect(address.data).toMatchObject({
        transport: expect.stringMatching(/udp|tcp/),
        rcode: 'NOERROR',
        answered: [expect.objectContaining({ type: 'A', address: t.config.autoconfig.address, role: 'autoconfig' })],
      });

      for (const [name, rcode] of [
        [`inconnu.${domain()}`, 'NXDOMAIN'],
        ['example.org', 'REFUSED'],
      ] as const) {
        const negative = await waitFor(t.platform.journal, { kind: 'autoconfig.dns' }, (o) => o.data.name === name);
        expect(negative.data).toMatchObject({ rcode, answered: [] });
      }
      const malformed = await waitFor(t.platform.journal, { kind: 'autoconfig.dns' }, (o) => o.data.id === 0x4242);
      expect(malformed.data).toMatchObject({
        transport: 'udp',
        rcode: 'FORMERR',
        name: null,
        errors: [expect.stringMatching(/pointer cycle/)],
      });
    },
  );
});
