// The PROXY protocol on the IMAP, SMTP and web listeners (settings proxyProtocol.*), behind a real HAProxy
// (Debian package `haproxy`) in TCP mode: v2 in front of IMAP, SMTP and HTTPS, v1 in front of IMAP and HTTP.
// Clients nobody here wrote (python3 imaplib and smtplib, curl) connect from 127.0.0.2 to HAProxy, which
// connects from 127.0.0.1, the one trusted source: the journal records 127.0.0.2, and STARTTLS works through
// it. Raw sockets check the rest: a header and the protocol's first bytes in one segment, a v2 LOCAL health
// check, a trusted connection without a header (refused and journaled), and an untrusted source's forged
// header (served as a direct connection under its own address, the line answered as a bad command).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebmailSender } from '../src/webmail/send.ts';
import { waitFor } from './helpers/observations.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { run } from './helpers/run.ts';

const haproxyMissing = spawnSync('haproxy', ['-v']).error !== undefined;
if (haproxyMissing)
  console.warn('proxy-protocol.test.ts: HAProxy tests skipped: `haproxy` is not installed (Debian package haproxy)');

let t: TestPlatform;
let files: string;
let trust: string;
let haproxy: ChildProcess | undefined;
/** HAProxy's frontends: where clients connect. */
const front = { imapV2: 0, imapV1: 0, smtpV2: 0, webV1: 0, webTlsV2: 0 };

/** A port free right now on 127.0.0.1 (HAProxy binds it a moment later). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves once something accepts connections on the port. */
async function listening(port: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const ok = await new Promise<boolean>((resolve) => {
      // From an address of its own: HAProxy passes it on, and no test looks for it.
      const socket = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.9' }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on port ${port}`);
}

beforeAll(async () => {
  t = await startTestPlatform({ proxyProtocol: { imap: true, smtp: true, web: true, trustedSources: ['127.0.0.1'] } });
  files = mkdtempSync(path.join(os.tmpdir(), 'motco-proxy-'));
  await t.platform.pki.exportTrust(files);
  trust = path.join(files, 'igc-sante-test-roots.pem');
  writeFileSync(path.join(files, 'non-igc-root.pem'), t.platform.pki.nonIgcRootPem());
  if (haproxyMissing) return;
  for (const key of Object.keys(front) as (keyof typeof front)[]) front[key] = await freePort();
  const psc = t.endpoint('psc');
  const frontend = (name: string, port: number, target: number, send: string) =>
    [
      `frontend ${name}`,
      `  bind 127.0.0.1:${port}`,
      `  default_backend ${name}`,
      `backend ${name}`,
      `  server s 127.0.0.1:${target} ${send}`,
    ].join('\n');
  const cfg = [
    'global',
    '  maxconn 200',
    'defaults',
    '  mode tcp',
    '  timeout connect 5s',
    '  timeout client 30s',
    '  timeout server 30s',
    frontend('imap_v2', front.imapV2, psc.imapPort, 'send-proxy-v2'),
    frontend('imap_v1', front.imapV1, psc.imapPort, 'send-proxy'),
    frontend('smtp_v2', front.smtpV2, psc.smtpPort, 'send-proxy-v2'),
    frontend('web_v1', front.webV1, t.config.ports.web, 'send-proxy'),
    frontend('web_tls_v2', front.webTlsV2, t.config.ports.webTls, 'send-proxy-v2'),
    '',
  ].join('\n');
  writeFileSync(path.join(files, 'haproxy.cfg'), cfg);
  haproxy = spawn('haproxy', ['-f', path.join(files, 'haproxy.cfg'), '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  haproxy.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  haproxy.once('exit', (code) => {
    if (code) console.error(`haproxy exited with ${code}: ${errors}`);
  });
  for (const port of Object.values(front)) await listening(port);
});

afterAll(async () => {
  if (haproxy && haproxy.exitCode === null) {
    const exited = new Promise((resolve) => haproxy!.once('exit', resolve));
    haproxy.kill('SIGTERM');
    await exited;
  }
  await t?.stop();
  if (files) rmSync(files, { recursive: true, force: true });
});

function python(client: 'imap' | 'smtp', job: Record<string, unknown>): Promise<Record<string, any>> {
  return run('python3', [`test/clients/${client}_client.py`], { input: JSON.stringify(job) }).then((r) => {
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout) as Record<string, any>;
  });
}

/** The session.open of the session that just ended on a port, found by its client port. */
async function sessionFrom(
  clientIp: string,
  protocol: 'imap' | 'smtp',
  predicate: (closed: Record<string, any>) => boolean = () => true,
) {
  return waitFor(t.platform.journal, { kind: 'session.close', clientIp, protocol }, (o) => predicate(o.data));
}

describe.skipIf(haproxyMissing)('behind HAProxy (PROXY protocol v1 and v2)', () => {
  it(
    'IMAP through send-proxy-v2 and send-proxy: ' +
      'python3 imaplib from 127.0.0.2 is journaled as 127.0.0.2, STARTTLS included',
    async () => {
      for (const port of [front.imapV2, front.imapV1]) {
        const result = await python('imap', {
          host: '127.0.0.1',
          port,
          source: '127.0.0.2',
          cafile: trust,
          steps: [['noop']],
        });
        expect(result, JSON.stringify(result)).toMatchObject({ ok: true, tls: expect.stringMatching(/^TLSv1\.[23]$/) });
      }
      await expect
        .poll(
          async () =>
            (await t.platform.journal.query({ kind: 'session.close', protocol: 'imap', clientIp: '127.0.0.2' })).length,
        )
        .toBe(2);
      const sessions = await t.platform.journal.query({ protocol: 'imap', clientIp: '127.0.0.2' });
      expect(sessions.filter((o) => o.kind === 'session.open')).toHaveLength(2);
      expect(sessions.filter((o) => o.kind === 'tls.established')).toHaveLength(2);
      expect(
        sessions.filter((o) => o.kind === 'session.close' && o.data.tls && o.data.commandsAfterTls > 0),
      ).toHaveLength(2);
      // HAProxy's own address appears nowhere as a client of these sessions.
      expect(await t.platform.journal.query({ clientIp: '127.0.0.1', protocol: 'imap', kind: 'session.open' })).toEqual(
        [],
      );
    },
  );

  it(
    'SMTP through send-proxy-v2: python3 smtplib from 127.0.0.2, ' + 'STARTTLS and EHLO, journaled as 127.0.0.2',
    async () => {
      const psc = t.endpoint('psc');
      const result = await python('smtp', {
        host: '127.0.0.1',
        port: front.smtpV2,
        source: '127.0.0.2',
        server_hostname: psc.host,
        cafile: trust,
      });
      expect(result, JSON.stringify(result)).toMatchObject({ ok: true, tls: expect.stringMatching(/^TLSv1\.[23]$/) });
      const closed = await sessionFrom('127.0.0.2', 'smtp', (d) => d.tls === true);
      expect(closed.endpoint).toBe('psc');
      const opened = await t.platform.journal.query({ sessionId: closed.sessionId!, kind: 'session.open' });
      expect(opened).toHaveLength(1);
      expect(opened[0]!.clientPort).not.toBe(0);
      expect(await t.platform.journal.query({ clientIp: '127.0.0.1', protocol: 'smtp', kind: 'session.open' })).toEqual(
        [],
      );
    },
  );

  it(
    'HTTP through send-proxy and HTTPS through send-proxy-v2: ' +
      'curl from 127.0.0.2 is the autoconfiguration fact’s client',
    async () => {
      const http = await run('curl', [
        '-sS',
        '--max-time',
        '20',
        '--interface',
        '127.0.0.2',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        `http://127.0.0.1:${front.webV1}/mail/config-v1.1.xml?emailaddress=proxy-v1%40example.org`,
      ]);
      // example.org is not the platform's mail domain: 404, and the request recorded all the same.
      expect(http.stdout, http.stderr).toBe('404');
      const plain = await waitFor(
        t.platform.journal,
        { kind: 'autoconfig.http' },
        (o) => o.data.emailaddress === 'proxy-v1@example.org',
      );
      expect(plain.clientIp).toBe('127.0.0.2');

      const host = t.config.hosts.autoconfig;
      const https = await run('curl', [
        '-sS',
        '--max-time',
        '20',
        '--interface',
        '127.0.0.2',
        '--cacert',
        path.join(files, 'non-igc-root.pem'),
        '--resolve',
        `${host}:${front.webTlsV2}:127.0.0.1`,
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        `https://${host}:${front.webTlsV2}/mail/config-v1.1.xml?emailaddress=proxy-v2%40example.org`,
      ]);
      expect(https.stdout, https.stderr).toBe('404');
      const secure = await waitFor(
        t.platform.journal,
        { kind: 'autoconfig.http' },
        (o) => o.data.emailaddress === 'proxy-v2@example.org',
      );
      expect(secure).toMatchObject({ clientIp: '127.0.0.2', data: { scheme: 'https', sni: host } });
    },
  );
});

/** A raw connection from `source` to a port; keeps what it receives. */
function connect(
  port: number,
  source: string,
): Promise<{ socket: net.Socket; received: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = net.connect({ host: '127.0.0.1', port, localAddress: source }, () =>
      resolve({ socket, received: () => text, closed }),
    );
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', reject);
  });
}

describe('PROXY headers on raw connections', () => {
  it(
    'a v1 header and the first command in one segment: ' + 'the command is answered, the header’s client journaled',
    async () => {
      const imap = await connect(t.endpoint('psc').imapPort, '127.0.0.1');
      imap.socket.write('PROXY TCP4 192.0.2.7 127.0.0.1 40123 143\r\na1 CAPABILITY\r\na2 LOGOUT\r\n');
      await imap.closed;
      expect(imap.received()).toMatch(/^\* OK[^\r]*\r\n\* CAPABILITY [^\r]*STARTTLS[^\r]*\r\na1 OK/);
      const opened = await waitFor(t.platform.journal, { kind: 'session.open', clientIp: '192.0.2.7' });
      expect(opened).toMatchObject({ protocol: 'imap', clientPort: 40123 });

      const web = await connect(t.config.ports.web, '127.0.0.1');
      web.socket.write(
        'PROXY TCP6 2001:db8::7 ::1 40124 80\r\n' +
          'GET /mail/config-v1.1.xml?emailaddress=raw%40example.org HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      );
      await web.closed;
      expect(web.received()).toMatch(/^HTTP\/1\.1 404 /);
      const fact = await waitFor(
        t.platform.journal,
        { kind: 'autoconfig.http' },
        (o) => o.data.emailaddress === 'raw@example.org',
      );
      expect(fact).toMatchObject({ clientIp: '2001:db8::7', clientPort: 40124 });
    },
  );

  it(
    'a v2 header and the TLS ClientHello in one segment (python3 ssl): ' +
      'the HTTPS request is served, the header’s client journaled',
    async () => {
      // The ClientHello is produced in memory (ssl.MemoryBIO), so that one send() carries header and hello together.
      const hello = String.raw`
import socket, ssl, sys
port, cafile, name, header, path = int(sys.argv[1]), sys.argv[2], sys.argv[3], bytes.fromhex(sys.argv[4]), sys.argv[5]
incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
tls = ssl.create_default_context(cafile=cafile).wrap_bio(incoming, outgoing, server_hostname=name)
sock = socket.create_connection(("127.0.0.1", port), timeout=20)
first = True
def step(action):
    global first
    while True:
        try:
            return action()
        except ssl.SSLWantReadError:
            data = outgoing.read()
            if first:
                data, first = header + data, False
            if data:
                sock.sendall(data)
            chunk = sock.recv(65536)
            if not chunk:
                return b""
            incoming.write(chunk)
step(tls.do_handshake)
tls.write(("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % (path, name)).encode())
sock.sendall(outgoing.read())
answer = b""
while True:
    try:
        chunk = step(lambda: tls.read(65536))
    except ssl.SSLZeroReturnError:
        break
    if not chunk:
        break
    answer += chunk
print(answer.split(b"\r\n")[0].decode())
`;
      const body = Buffer.alloc(12);
      Buffer.from([192, 0, 2, 44, 127, 0, 0, 1]).copy(body);
      body.writeUInt16BE(4444, 8);
      body.writeUInt16BE(443, 10);
      const header = Buffer.concat([Buffer.from('0d0a0d0a000d0a515549540a2111000c', 'hex'), body]);
      const host = t.config.hosts.autoconfig;
      const result = await run('python3', [
        '-c',
        hello,
        String(t.config.ports.webTls),
        path.join(files, 'non-igc-root.pem'),
        host,
        header.toString('hex'),
        '/mail/config-v1.1.xml?emailaddress=hello%40example.org',
      ]);
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe('HTTP/1.1 404 Not Found');
      const fact = await waitFor(
        t.platform.journal,
        { kind: 'autoconfig.http' },
        (o) => o.data.emailaddress === 'hello@example.org',
      );
      expect(fact).toMatchObject({ clientIp: '192.0.2.44', clientPort: 4444, data: { scheme: 'https', sni: host } });
    },
  );

  it('a v2 LOCAL header (a balancer’s health check) keeps the connection’s own address', async () => {
    const smtp = await connect(t.endpoint('org').smtpPort, '127.0.0.1');
    smtp.socket.write(Buffer.concat([Buffer.from('0d0a0d0a000d0a515549540a20000000', 'hex'), Buffer.from('QUIT\r\n')]));
    await smtp.closed;
    expect(smtp.received()).toMatch(/^220 [^\r]*\r\n221 /);
    const opened = await waitFor(t.platform.journal, { kind: 'session.open', protocol: 'smtp', endpoint: 'org' });
    expect(opened.clientIp).toBe('127.0.0.1');
  });

  it(
    'the webmail, from an address that is a trusted source, ' + 'submits through the SMTP endpoint with a LOCAL header',
    async () => {
      const box = await t.platform.mailboxes.create(`81proxy@${t.config.mailDomain}`, 'personal');
      const sender = new WebmailSender(t.config, t.platform.mailboxes, () => t.platform.pki.trustBundlePem());
      const message = Buffer.from(
        `From: ${box.address}\r\nTo: ${box.address}\r\nSubject: via LOCAL\r\n\r\nBonjour\r\n`,
      );
      expect(await sender.send(box, [box.address], message)).toEqual({ ok: true });
      const sent = await waitFor(t.platform.journal, { kind: 'message', mailbox: box.address });
      expect(sent).toMatchObject({ clientIp: '127.0.0.1', data: { outcome: 'accepted' } });
    },
  );

  it('a trusted source without a header is refused, closed and journaled; others are still served', async () => {
    const imap = await connect(t.endpoint('org').imapPort, '127.0.0.1');
    imap.socket.write('a1 CAPABILITY\r\n');
    await imap.closed;
    expect(imap.received()).toBe('');
    const refused = await waitFor(t.platform.journal, { kind: 'session.refused', protocol: 'imap', endpoint: 'org' });
    expect(refused).toMatchObject({ clientIp: '127.0.0.1', data: { proxyHeader: 'not_proxy' } });

    const web = await connect(t.config.ports.web, '127.0.0.1');
    web.socket.write(`PROXY TCP4 ${'9'.repeat(120)}`);
    await web.closed;
    expect(web.received()).toBe('');
    const tooLong = await waitFor(t.platform.journal, { kind: 'session.refused', protocol: 'http' });
    expect(tooLong).toMatchObject({ clientIp: '127.0.0.1', data: { proxyHeader: 'too_long' } });
  });

  it(
    'an untrusted source’s forged header is not believed: ' + 'its own address stands, the line is a bad command',
    async () => {
      const imap = await connect(t.endpoint('org').imapPort, '127.0.0.3');
      imap.socket.write('PROXY TCP4 198.51.100.9 127.0.0.1 5555 143\r\na1 LOGOUT\r\n');
      await imap.closed;
      expect(imap.received()).toMatch(/^\* OK[^\r]*\r\nPROXY BAD [^\r]*\r\n\* BYE[^\r]*\r\na1 OK/);
      await waitFor(t.platform.journal, { kind: 'session.open', clientIp: '127.0.0.3', protocol: 'imap' });
      expect(await t.platform.journal.query({ clientIp: '198.51.100.9' })).toEqual([]);

      const web = await connect(t.config.ports.web, '127.0.0.3');
      web.socket.write(
        'PROXY TCP4 198.51.100.9 127.0.0.1 5555 80\r\n' +
          'GET /mail/config-v1.1.xml?emailaddress=forged%40example.org HTTP/1.1\r\n' +
          'Host: x\r\nConnection: close\r\n\r\n',
      );
      await web.closed;
      expect(web.received()).toMatch(/^HTTP\/1\.1 400 /);
      expect(await t.platform.journal.query({ clientIp: '198.51.100.9' })).toEqual([]);
    },
  );
});
