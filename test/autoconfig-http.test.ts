// Autoconfiguration over HTTP and HTTPS as clients nobody here wrote see it: curl fetches the Thunderbird file
// (and checks the HTTPS certificate against the non-IGC root), python3's xml.etree reads it, and the journal
// keeps each lookup with the client's address and what was advertised.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { EndpointId } from '../src/config/schema.ts';
import { waitFor } from './helpers/observations.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { run } from './helpers/run.ts';

let t: TestPlatform;
let files: string;
let nonIgcRoot: string;
let igcRoots: string;

const address = (local: string) => `${local}@${t.config.mailDomain}`;
const PERSONAL = '810012345678';
const APPLICATIVE = '312345678900012';
const TEST_BOX = 'boite.de.test';

beforeAll(async () => {
  t = await startTestPlatform();
  files = mkdtempSync(path.join(os.tmpdir(), 'motco-autoconfig-http-'));
  nonIgcRoot = path.join(files, 'non-igc-root.pem');
  igcRoots = path.join(files, 'igc-sante-test-roots.pem');
  writeFileSync(nonIgcRoot, t.platform.pki.nonIgcRootPem());
  writeFileSync(igcRoots, t.platform.pki.trustBundlePem());
  await t.platform.mailboxes.create(address(PERSONAL), 'personal');
  await t.platform.mailboxes.create(address(APPLICATIVE), 'applicative');
  await t.platform.mailboxes.create(address(TEST_BOX), 'test');
});

afterAll(async () => {
  await t?.stop();
  if (files) rmSync(files, { recursive: true, force: true });
});

interface Fetched {
  exit: number | null;
  status: number;
  contentType: string;
  body: string;
  stderr: string;
}

/** GET with curl; the body goes to a file so that status and content type come apart from it. */
async function curl(url: string, ...options: string[]): Promise<Fetched> {
  const out = path.join(files, `body-${Math.random().toString(36).slice(2)}`);
  const r = await run('curl', [
    '-sS',
    '--max-time',
    '20',
    '-o',
    out,
    '-w',
    '%{http_code}\\n%{content_type}',
    ...options,
    url,
  ]);
  const [status, contentType] = r.stdout.split('\n');
  let body = '';
  try {
    body = readFileSync(out, 'utf8');
  } catch {
    // No body: the transfer failed (e.g. certificate refused).
  }
  return { exit: r.code, status: Number(status), contentType: contentType ?? '', body, stderr: r.stderr };
}

interface ServerEntry {
  type: string;
  hostname: string;
  port: number;
  socketType: string;
  username: string;
  authentication: string[];
}
interface ClientConfigRead {
  version: string;
  provider: string;
  domains: string[];
  displayName: string;
  incoming: ServerEntry[];
  outgoing: ServerEntry[];
}

// python3's own XML parser reads the file, as an independent client would.
const READ_XML = `
import json, sys
import xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read())
provider = root.find('emailProvider')
def server(e):
    return {'type': e.get('type'), 'hostname': e.findtext('hostname'), 'port': int(e.findtext('port')),
            'socketType': e.findtext('socketType'), 'username': e.findtext('username'),
            'authentication': [a.text for a in e.findall('authentication')]}
print(json.dumps({'version': root.get('version'), 'provider': provider.get('id'),
    'domains': [d.text for d in provider.findall('domain')], 'displayName': provider.findtext('displayName'),
    'incoming': [server(e) for e in provider.findall('incomingServer')],
    'outgoing': [server(e) for e in provider.findall('outgoingServer')]}))
`;

async function readXml(xml: string): Promise<ClientConfigRead> {
  const r = await run('python3', ['-c', READ_XML], { input: xml });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as ClientConfigRead;
}

const httpUrl = (query = '', pathname = '/mail/config-v1.1.xml') =>
  `http://127.0.0.1:${t.config.ports.web}${pathname}${query}`;

/** What the file must say for an endpoint: its host and ports, STARTTLS, and the authentication of its mailbox type. */
function expectServers(read: ClientConfigRead, ids: EndpointId[], username: string) {
  const authentication = (id: EndpointId) =>
    id.startsWith('org') ? ['TLS-client-cert', 'password-cleartext'] : ['OAuth2'];
  expect(read.incoming).toEqual(
    ids.map((id) => ({
      type: 'imap',
      hostname: t.endpoint(id).host,
      port: t.endpoint(id).imapPort,
      socketType: 'STARTTLS',
      username,
      authentication: authentication(id),
    })),
  );
  expect(read.outgoing).toEqual(
    ids.map((id) => ({
      type: 'smtp',
      hostname: t.endpoint(id).host,
      port: t.endpoint(id).smtpPort,
      socketType: 'STARTTLS',
      username,
      authentication: authentication(id),
    })),
  );
}

describe('autoconfiguration over HTTP', () => {
  it('advertises the psc endpoint with OAuth2 for a personal mailbox', async () => {
    const fetched = await curl(httpUrl(`?emailaddress=${encodeURIComponent(address(PERSONAL))}`));
    expect(fetched.status).toBe(200);
    expect(fetched.contentType).toBe('application/xml; charset=utf-8');
    const read = await readXml(fetched.body);
    expect(read).toMatchObject({ version: '1.1', provider: t.config.mailDomain, domains: [t.config.mailDomain] });
    expect(read.displayName).toContain('motco');
    expectServers(read, ['psc'], address(PERSONAL));
  });

  it(
    'advertises the org endpoint with the client certificate then ' +
      'PLAIN for an applicative mailbox, at the .well-known URL too',
    async () => {
      const fetched = await curl(
        httpUrl(
          `?emailaddress=${encodeURIComponent(address(APPLICATIVE))}`,
          '/.well-known/autoconfig/mail/config-v1.1.xml',
        ),
      );
      expect(fetched.status).toBe(200);
      expectServers(await readXml(fetched.body), ['org'], address(APPLICATIVE));
    },
  );

  it('advertises both endpoints, org first, for an address that is not a personal or applicative mailbox', async () => {
    for (const local of ['inconnu', TEST_BOX]) {
      const fetched = await curl(httpUrl(`?emailaddress=${encodeURIComponent(address(local))}`));
      expect(fetched.status).toBe(200);
      expectServers(await readXml(fetched.body), ['org', 'psc'], address(local));
    }
  });

  it('serves the domain’s generic file, with the %EMAILADDRESS% placeholder, when no address is given', async () => {
    const fetched = await curl(httpUrl());
    expect(fetched.status).toBe(200);
    expectServers(await readXml(fetched.body), ['org', 'psc'], '%EMAILADDRESS%');
  });

  it('escapes what the address holds', async () => {
    const local = "o'brien&co";
    const fetched = await curl(httpUrl(`?emailaddress=${encodeURIComponent(address(local))}`));
    expect(fetched.status).toBe(200);
    expect((await readXml(fetched.body)).incoming[0]!.username).toBe(address(local));
  });

  it(
    'refuses an address of another domain with 404, ' + 'and a malformed or repeated parameter with 400, in French',
    async () => {
      const foreign = await curl(httpUrl('?emailaddress=someone%40example.org'));
      expect(foreign).toMatchObject({ status: 404, contentType: 'text/plain; charset=utf-8' });
      expect(foreign.body).toContain('example.org');
      expect(foreign.body).toContain(t.config.mailDomain);
      const patient = await curl(
        httpUrl(`?emailaddress=${encodeURIComponent(`123456789012345@${t.config.patientDomain}`)}`),
      );
      expect(patient.status).toBe(404);
      const malformed = await curl(httpUrl('?emailaddress=pas-une-adresse'));
      expect(malformed).toMatchObject({ status: 400, contentType: 'text/plain; charset=utf-8' });
      expect(malformed.body).toContain('emailaddress invalide');
      const repeated = await curl(
        httpUrl(
          `?emailaddress=${encodeURIComponent(address(PERSONAL))}` +
            `&emailaddress=${encodeURIComponent(address(APPLICATIVE))}`,
        ),
      );
      expect(repeated.status).toBe(400);
    },
  );

  it('records every lookup with the client address, the status and what was advertised', async () => {
    const query = `?emailaddress=${encodeURIComponent(address(APPLICATIVE))}&probe=journal`;
    await curl(httpUrl(query), '-A', 'lps-autoconfig-test');
    const seen = await waitFor(t.platform.journal, { kind: 'autoconfig.http' }, (o) =>
      String(o.data.path).endsWith('probe=journal'),
    );
    expect(seen).toMatchObject({
      protocol: 'http',
      clientIp: '127.0.0.1',
      data: {
        scheme: 'http',
        userAgent: 'lps-autoconfig-test',
        emailaddress: address(APPLICATIVE),
        mailbox: { address: address(APPLICATIVE), type: 'applicative' },
        status: 200,
      },
    });
    expect(seen.clientPort).toBeGreaterThan(0);
    const org = t.endpoint('org');
    expect(seen.data.answered).toEqual([
      expect.objectContaining({
        endpoint: 'org',
        protocol: 'imap',
        host: org.host,
        address: '127.0.0.1',
        port: org.imapPort,
        socketType: 'STARTTLS',
      }),
      expect.objectContaining({
        endpoint: 'org',
        protocol: 'smtp',
        host: org.host,
        address: '127.0.0.1',
        port: org.smtpPort,
        socketType: 'STARTTLS',
      }),
    ]);

    const refused = await waitFor(
      t.platform.journal,
      { kind: 'autoconfig.http' },
      (o) => o.data.emailaddress === 'someone@example.org',
    );
    expect(refused.data).toMatchObject({ status: 404, answered: [], mailbox: null });
  });
});

describe('autoconfiguration over HTTPS', () => {
  const httpsUrl = (host: string, query = '') =>
    `https://${host}:${t.config.ports.webTls}/mail/config-v1.1.xml${query}`;
  const resolve = (host: string) => ['--resolve', `${host}:${t.config.ports.webTls}:127.0.0.1`];

  it(
    'serves https://autoconfig.<domain>/mail/config-v1.1.xml with ' +
      'a certificate from the non-IGC CA, and records the name asked',
    async () => {
      const host = t.config.hosts.autoconfig;
      const fetched = await curl(
        httpsUrl(host, `?emailaddress=${encodeURIComponent(address(PERSONAL))}`),
        '--cacert',
        nonIgcRoot,
        ...resolve(host),
      );
      expect(fetched.exit, fetched.stderr).toBe(0);
      expect(fetched.status).toBe(200);
      expectServers(await readXml(fetched.body), ['psc'], address(PERSONAL));

      const seen = await waitFor(t.platform.journal, { kind: 'autoconfig.http' }, (o) => o.data.scheme === 'https');
      expect(seen).toMatchObject({
        clientIp: '127.0.0.1',
        data: { sni: host, host: `${host}:${t.config.ports.webTls}`, status: 200 },
      });
    },
  );

  it('holds the web host name and the loopback address, and no other name', async () => {
    const web = await curl(
      `https://${t.config.hosts.web}:${t.config.ports.webTls}/pki/trust/non-igc-root.pem`,
      '--cacert',
      nonIgcRoot,
      ...resolve(t.config.hosts.web),
    );
    expect(web.exit, web.stderr).toBe(0);
    expect(web.status).toBe(200);
    expect(web.body).toBe(t.platform.pki.nonIgcRootPem());
    const loopback = await curl(httpsUrl('127.0.0.1'), '--cacert', nonIgcRoot);
    expect(loopback.exit, loopback.stderr).toBe(0);
    const other = await curl(httpsUrl('autre.example.test'), '--cacert', nonIgcRoot, ...resolve('autre.example.test'));
    expect(other.exit).toBe(60);
    expect(other.stderr).toMatch(/subject name|alternative/i);
  });

  it('does not verify against the IGC Santé TEST roots: its issuer is the non-IGC intermediate', async () => {
    const host = t.config.hosts.autoconfig;
    const refused = await curl(httpsUrl(host), '--cacert', igcRoots, ...resolve(host));
    expect(refused.exit).toBe(60);
    const shown = await run('openssl', [
      'x509',
      '-noout',
      '-issuer',
      '-ext',
      'subjectAltName',
      '-in',
      t.platform.pki.credentials('web').certFile,
    ]);
    expect(shown.stdout).toContain('AC SERVEURS COMMERCIALE NON IGC-SANTE');
    expect(shown.stdout).toContain(`DNS:${t.config.hosts.autoconfig}`);
    expect(shown.stdout).toContain(`DNS:${t.config.hosts.web}`);
  });
});

describe('HTTPS with an operator-supplied certificate', () => {
  it('presents the configured chain and key instead of the generated certificate', async () => {
    // Any PEM chain and key will do: the IGC-issued org leaf of the run's PKI template stands in for the operator's.
    const template = path.join(inject('pkiTemplate'), 'pki', 'endpoints');
    const supplied = await startTestPlatform({
      'webTls.certFile': path.join(template, 'org.pem'),
      'webTls.keyFile': path.join(template, 'org.key'),
    });
    try {
      const url = `https://127.0.0.1:${supplied.config.ports.webTls}/mail/config-v1.1.xml`;
      const viaIgc = await curl(url, '--cacert', igcRoots);
      expect(viaIgc.exit, viaIgc.stderr).toBe(0);
      expect(viaIgc.status).toBe(200);
      expect((await curl(url, '--cacert', nonIgcRoot)).exit).toBe(60);
    } finally {
      await supplied.stop();
    }
  });
});
