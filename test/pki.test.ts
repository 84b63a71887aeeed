// The test PKI against real tools: OpenSSL verifies the chains, CRLs, OCSP answers and PKCS#12 files; the
// HTTP routes run on a real Fastify server and record into a real journal.
import { execFile, spawn } from 'node:child_process';
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pki as pkiCommand } from '../src/cli/pki.ts';
import { loadConfig, type Config } from '../src/config/config.ts';
import { Journal } from '../src/observe/journal.ts';
import { TestPki } from '../src/pki/index.ts';
import { openStore, type Store } from '../src/store/store.ts';
import { silentLogger } from '../src/util/log.ts';
import { startWebServer, type WebServer } from '../src/web/server.ts';
import { randomPortBase } from './helpers/platform.ts';

const run = promisify(execFile);
const IDNAT = '312345678900012';
const DAY_MS = 24 * 60 * 60 * 1000;
const ORG_CA_SUBJECT =
  '/C=FR/O=motco (simulation, non ANS)/OU=IGC-SANTE TEST (simulation)' +
  '/CN=SIMULATION motco - AC IGC-SANTE ELEMENTAIRE ORGANISATIONS TEST';

let tmp: string;
let config: Config;
let pki: TestPki;
let store: Store;
let journal: Journal;
let server: WebServer;
/** Files handed to openssl. */
let files: Record<
  'bundle' | 'orgCa' | 'nonIgcRoot' | 'crls' | 'valid' | 'expired' | 'revoked' | 'nonIgc' | 'nonIgcChain',
  string
>;

/** Exit code and combined output of openssl; a failing verification is a result, not an exception. */
async function openssl(...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('openssl', args);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failure = error as { code?: unknown; stdout?: string; stderr?: string };
    return {
      code: typeof failure.code === 'number' ? failure.code : -1,
      output: `${failure.stdout ?? ''}${failure.stderr ?? ''}`,
    };
  }
}

/** openssl s_client with stdin closed, so that it leaves right after the handshake. */
function sClient(...args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn('openssl', ['s_client', ...args]);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', () => resolve(output));
    child.stdin.end();
  });
}

function write(name: string, content: string | Uint8Array): string {
  const file = path.join(tmp, 'files', name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

function configWith(overrides: Record<string, unknown> = {}): Config {
  return loadConfig({
    env: {},
    cwd: tmp,
    overrides: { dataDir: tmp, portBase: config?.portBase ?? randomPortBase(), ...overrides },
  });
}

function der(pem: string): Buffer {
  return new X509Certificate(pem).raw;
}

/** Every file of the PKI folder with its content hash and modification time. */
function snapshot(): Record<string, string> {
  const root = path.join(tmp, 'pki');
  const entries = fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return Object.fromEntries(
    entries.map((e) => {
      const file = path.join(e.parentPath, e.name);
      const hash = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
      return [path.relative(root, file), `${hash} ${fs.statSync(file).mtimeMs}`];
    }),
  );
}

function caFingerprint(p: TestPki): string {
  return new X509Certificate(p.trustBundlePem()).fingerprint256;
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'motco-pki-'));
  config = configWith();
  pki = await TestPki.open(config);
  store = await openStore({ dataDir: tmp });
  journal = new Journal(store.db);
  server = await startWebServer(config, silentLogger, [pki.routes(journal)]);
  const bundle = pki.trustBundlePem();
  files = {
    bundle: write('igc-sante-test-roots.pem', bundle),
    orgCa: write('orgca.pem', bundle.slice(bundle.indexOf('-----BEGIN', 1))),
    nonIgcRoot: write('non-igc-root.pem', pki.nonIgcRootPem()),
    crls: write('crls.pem', pki.crlPems().join('')),
    valid: write('valid.pem', pki.credentials('org').certPem),
    expired: write('expired.pem', pki.credentials('org-expire').certPem),
    revoked: write('revoked.pem', pki.credentials('org-revoq').certPem),
    nonIgc: write('nonigc.pem', pki.credentials('org-nonigc').certPem),
    nonIgcChain: pki.credentials('org-nonigc').certFile,
  };
});

afterAll(async () => {
  await server?.close();
  await store?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('server certificates, as OpenSSL sees them', () => {
  it('verifies the valid leaf against the IGC Santé TEST bundle', async () => {
    const result = await openssl('verify', '-CAfile', files.bundle, files.valid);
    expect(result).toMatchObject({ code: 0 });
    expect(result.output).toContain(': OK');
  });

  it('rejects the expired leaf as expired', async () => {
    const result = await openssl('verify', '-CAfile', files.bundle, files.expired);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/error 10 .*certificate has expired/);
  });

  it('rejects the revoked leaf with the CRL, and accepts the valid one checking every CRL of the chain', async () => {
    const revoked = await openssl(
      'verify',
      '-crl_check',
      '-CAfile',
      files.bundle,
      '-CRLfile',
      files.crls,
      files.revoked,
    );
    expect(revoked.code).not.toBe(0);
    expect(revoked.output).toMatch(/error 23 .*certificate revoked/);
    const valid = await openssl(
      'verify',
      '-crl_check_all',
      '-CAfile',
      files.bundle,
      '-CRLfile',
      files.crls,
      files.valid,
    );
    expect(valid).toMatchObject({ code: 0 });
  });

  it('rejects the non-IGC leaf against the IGC bundle, accepts it against the non-IGC root', async () => {
    const igc = await openssl('verify', '-CAfile', files.bundle, files.nonIgc);
    expect(igc.output).toMatch(/error 20 /);
    const nonIgc = await openssl('verify', '-CAfile', files.nonIgcRoot, '-untrusted', files.nonIgcChain, files.nonIgc);
    expect(nonIgc).toMatchObject({ code: 0 });
  });

  it('puts the host, loopback names, server usage and revocation URLs in every generated leaf', async () => {
    const { output } = await openssl(
      'x509',
      '-noout',
      '-ext',
      'subjectAltName,extendedKeyUsage,crlDistributionPoints,authorityInfoAccess',
      '-in',
      files.valid,
    );
    const host = config.endpoints.find((e) => e.id === 'org')!.host;
    expect(output).toContain(`DNS:${host}`);
    expect(output).toContain('DNS:localhost');
    expect(output).toContain('IP Address:127.0.0.1');
    expect(output).toContain('TLS Web Server Authentication');
    expect(output).toContain(`${config.publicUrl}/pki/crl/igc-sante-test-org.crl`);
    expect(output).toContain(`OCSP - URI:${config.publicUrl}/pki/ocsp`);
  });

  it('keeps the expired leaf inside the CA window with a fixed past validity', () => {
    const expired = pki.credentials('org-expire');
    expect(expired.notAfter.getTime()).toBeLessThan(Date.now());
    expect(expired.notBefore.getTime()).toBeGreaterThan(Date.parse('2020-01-01T00:00:00Z'));
  });

  it('writes private keys readable by the owner only', () => {
    expect(fs.statSync(pki.credentials('org').keyFile).mode & 0o777).toBe(0o600);
  });
});

describe('HTTP routes', () => {
  it(
    'answers OCSP revoked for the revoked leaf and good for the valid one, ' + 'signed and with the nonce echoed',
    async () => {
      const ask = (cert: string) =>
        openssl(
          'ocsp',
          '-issuer',
          files.orgCa,
          '-cert',
          cert,
          '-url',
          `${config.publicUrl}/pki/ocsp`,
          '-CAfile',
          files.bundle,
        );
      const revoked = await ask(files.revoked);
      expect(revoked.output).toContain('Response verify OK');
      expect(revoked.output).toContain(`${files.revoked}: revoked`);
      expect(revoked.output).toContain('Reason: keyCompromise');
      expect(revoked.output).not.toMatch(/nonce/i);
      const valid = await ask(files.valid);
      expect(valid.output).toContain('Response verify OK');
      expect(valid.output).toContain(`${files.valid}: good`);
    },
  );

  it('answers unknown for a serial our CA never issued, unauthorized for another issuer', async () => {
    const url = `${config.publicUrl}/pki/ocsp`;
    const unissued = await openssl(
      'ocsp',
      '-issuer',
      files.orgCa,
      '-serial',
      '0x1234',
      '-url',
      url,
      '-CAfile',
      files.bundle,
    );
    expect(unissued.output).toContain('Response verify OK');
    expect(unissued.output).toContain('0x1234: unknown');
    const foreign = await openssl('ocsp', '-issuer', files.valid, '-serial', '0x1234', '-url', url);
    expect(foreign.output).toContain('unauthorized (6)');
  });

  it('records OCSP requests with the client IP, the serial, the endpoint and the status answered', async () => {
    const observations = await journal.query({ kind: 'pki.ocsp_request' });
    const serial = pki.credentials('org-revoq').serialNumber;
    const match = observations.find((o) => (o.data.requests as { serialNumber: string }[])[0]?.serialNumber === serial);
    expect(match).toMatchObject({
      clientIp: '127.0.0.1',
      protocol: 'http',
      data: { method: 'POST', responseStatus: 'successful' },
    });
    expect(match!.clientPort).toBeGreaterThan(0);
    expect((match!.data.requests as unknown[])[0]).toMatchObject({
      endpoint: 'org-revoq',
      issuer: 'igc-sante-test-org',
      status: 'revoked',
    });
  });

  it('serves the CRL in DER and records the fetch', async () => {
    const response = await fetch(`${config.publicUrl}/pki/crl/igc-sante-test-org.crl`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pkix-crl');
    const crlFile = write('fetched.crl', Buffer.from(await response.arrayBuffer()));
    const parsed = await openssl('crl', '-inform', 'DER', '-in', crlFile, '-noout', '-text');
    expect(parsed.output).toContain(pki.credentials('org-revoq').serialNumber.toUpperCase());
    expect(parsed.output).toContain('Key Compromise');
    const [fetchRecord] = await journal.query({ kind: 'pki.crl_fetch' });
    expect(fetchRecord).toMatchObject({
      clientIp: '127.0.0.1',
      data: { ca: 'igc-sante-test-org', found: true, crlNumber: 1 },
    });
  });

  it('serves CA certificates in DER and the trust bundles in PEM, recording each download', async () => {
    const ca = await fetch(`${config.publicUrl}/pki/ca/igc-sante-test-root.crt`);
    expect(ca.headers.get('content-type')).toBe('application/pkix-cert');
    expect(new X509Certificate(Buffer.from(await ca.arrayBuffer())).subject).toContain(
      'AC RACINE IGC-SANTE ELEMENTAIRE TEST',
    );
    const bundle = await fetch(`${config.publicUrl}/pki/trust/igc-sante-test-roots.pem`);
    expect(await bundle.text()).toBe(pki.trustBundlePem());
    expect(await (await fetch(`${config.publicUrl}/pki/trust/non-igc-root.pem`)).text()).toBe(pki.nonIgcRootPem());
    expect(await (await fetch(`${config.publicUrl}/pki/trust/motco-evidence-root.pem`)).text()).toBe(
      pki.evidenceRootPem(),
    );
    const downloads = await journal.query({ kind: 'pki.ca_fetch' });
    expect(downloads.map((o) => o.data.ca ?? o.data.file)).toEqual([
      'igc-sante-test-root',
      'igc-sante-test-roots.pem',
      'non-igc-root.pem',
      'motco-evidence-root.pem',
    ]);
  });

  it('answers garbage with malformedRequest and clear HTTP errors, and keeps serving', async () => {
    const garbage = await fetch(`${config.publicUrl}/pki/ocsp`, {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request' },
      body: 'pas une requête OCSP',
    });
    expect(garbage.status).toBe(400);
    // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED malformedRequest(1) }
    expect(Buffer.from(await garbage.arrayBuffer()).toString('hex')).toBe('30030a0101');
    expect(
      (
        await fetch(`${config.publicUrl}/pki/ocsp`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain' },
          body: 'x',
        })
      ).status,
    ).toBe(415);
    expect((await fetch(`${config.publicUrl}/pki/ocsp/%%%`)).status).toBe(400);
    const unknown = await fetch(`${config.publicUrl}/pki/crl/inconnue.crl`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('inconnue.crl');

    // Still answering, here through the GET form of RFC 6960 A.1.
    const requestFile = path.join(tmp, 'files', 'request.der');
    await openssl('ocsp', '-issuer', files.orgCa, '-cert', files.valid, '-no_nonce', '-reqout', requestFile);
    const encoded = encodeURIComponent(fs.readFileSync(requestFile).toString('base64'));
    const get = await fetch(`${config.publicUrl}/pki/ocsp/${encoded}`);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe('application/ocsp-response');
    const responseFile = write('response.der', Buffer.from(await get.arrayBuffer()));
    const read = await openssl(
      'ocsp',
      '-respin',
      responseFile,
      '-issuer',
      files.orgCa,
      '-cert',
      files.valid,
      '-CAfile',
      files.bundle,
    );
    expect(read.output).toContain('Response verify OK');
    expect(read.output).toContain(`${files.valid}: good`);
  });
});

describe('stapling', () => {
  it('gives a signed OCSP response for an endpoint leaf, cached between calls', async () => {
    const staple = await pki.stapleFor('org-revoq');
    expect(staple).toBeInstanceOf(Buffer);
    const file = write('staple.der', staple!);
    const read = await openssl(
      'ocsp',
      '-respin',
      file,
      '-issuer',
      files.orgCa,
      '-cert',
      files.revoked,
      '-CAfile',
      files.bundle,
    );
    expect(read.output).toContain('Response verify OK');
    expect(read.output).toContain(`${files.revoked}: revoked`);
    expect(await pki.stapleFor('org-revoq')).toBe(staple);
  });
});

describe('ORG_AUTH_CLI client certificates', () => {
  it(
    'issues a certificate whose OU is the IdNat, ' + 'for client authentication, with a PKCS#12 OpenSSL 3 reads',
    async () => {
      const client = await pki.issueClientCertificate(IDNAT);
      expect(client.files.key).toBe(path.join(tmp, 'pki', 'clients', IDNAT, `${IDNAT}.key.pem`));
      expect(fs.statSync(client.files.key).mode & 0o777).toBe(0o600);
      const subject = await openssl('x509', '-noout', '-subject', '-in', client.files.certificate);
      expect(subject.output).toContain(`OU = ${IDNAT}`);
      const usage = await openssl(
        'x509',
        '-noout',
        '-ext',
        'extendedKeyUsage,keyUsage',
        '-in',
        client.files.certificate,
      );
      expect(usage.output).toContain('TLS Web Client Authentication');
      expect(usage.output).toContain('Digital Signature');
      expect(
        await openssl('verify', '-CAfile', files.bundle, '-purpose', 'sslclient', client.files.certificate),
      ).toMatchObject({ code: 0 });
      const p12 = await openssl(
        'pkcs12',
        '-in',
        client.files.pkcs12,
        '-passin',
        `pass:${client.pkcs12Password}`,
        '-nokeys',
      );
      expect(p12.code).toBe(0);
      expect(p12.output).toContain('BEGIN CERTIFICATE');
      expect(fs.readFileSync(client.files.password, 'utf8').trim()).toBe(client.pkcs12Password);
      expect(client.chainPem).toBe(client.certPem + fs.readFileSync(files.orgCa, 'utf8'));
    },
  );

  it('refuses IdNats that are empty, too long, or unsafe as a folder name', async () => {
    for (const idnat of ['', 'a'.repeat(65), '..', 'a/b', 'é']) {
      await expect(pki.issueClientCertificate(idnat)).rejects.toThrow(/IdNat invalide/);
    }
  });
});

describe('client certificate judge', () => {
  it('trusts a certificate we issued, alone or with its chain', async () => {
    const client = await pki.issueClientCertificate(IDNAT, {
      commonName: 'Service courrier',
      organisation: 'Clinique de test',
    });
    const judgement = pki.judgeClientCertificate([der(client.certPem)]);
    expect(judgement).toMatchObject({
      present: true,
      trusted: true,
      chainsToIgcOrgCa: true,
      ekuClientAuth: true,
      ou: IDNAT,
      commonName: 'Service courrier',
      organisation: 'Clinique de test',
      problems: [],
    });
    expect(pki.judgeClientCertificate([der(client.certPem), der(fs.readFileSync(files.orgCa, 'utf8'))]).trusted).toBe(
      true,
    );
    expect(pki.judgeClientCertificate([der(client.certPem)], new Date(client.notAfter.getTime() + 1000))).toMatchObject(
      { trusted: false, expired: true, problems: ['expired'] },
    );
    expect(
      pki.judgeClientCertificate([der(client.certPem)], new Date(client.notBefore.getTime() - 1000)).problems,
    ).toEqual(['not_yet_valid']);
  });

  it('distrusts a self-signed certificate and one from a CA that only copies our CA name', async () => {
    const dir = path.join(tmp, 'files');
    const key = (name: string) => path.join(dir, `${name}.key`);
    const pem = (name: string) => path.join(dir, `${name}.pem`);
    const subject = `/C=FR/OU=${IDNAT}/CN=intrus`;
    await openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key('self'),
      '-out',
      pem('self'),
      '-subj',
      subject,
      '-days',
      '30',
      '-addext',
      'extendedKeyUsage=clientAuth',
    );
    // The fake CA copies our organisation CA's name and key identifier: only the signature tells them apart.
    const ski = (await openssl('x509', '-noout', '-ext', 'subjectKeyIdentifier', '-in', files.orgCa)).output
      .split('\n')[1]!
      .trim();
    await openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key('fake-ca'),
      '-out',
      pem('fake-ca'),
      '-subj',
      ORG_CA_SUBJECT,
      '-days',
      '30',
      '-addext',
      `subjectKeyIdentifier=${ski}`,
    );
    await openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key('forged'),
      '-out',
      pem('forged'),
      '-subj',
      subject,
      '-days',
      '30',
      '-CA',
      pem('fake-ca'),
      '-CAkey',
      key('fake-ca'),
      '-addext',
      'extendedKeyUsage=clientAuth',
    );
    for (const name of ['self', 'forged']) {
      const judgement = pki.judgeClientCertificate([der(fs.readFileSync(pem(name), 'utf8'))]);
      expect(judgement).toMatchObject({
        present: true,
        trusted: false,
        chainsToIgcOrgCa: false,
        ou: IDNAT,
        problems: ['untrusted_chain'],
      });
    }
    expect(
      new X509Certificate(fs.readFileSync(pem('forged'))).checkIssued(
        new X509Certificate(fs.readFileSync(files.orgCa)),
      ),
    ).toBe(true);
  });

  it('reports revoked certificates, missing usage and absence', () => {
    const revoked = pki.judgeClientCertificate([der(pki.credentials('org-revoq').certPem)]);
    expect(revoked).toMatchObject({ trusted: false, revoked: true, problems: ['revoked', 'no_client_auth_eku'] });
    expect(pki.judgeClientCertificate([])).toMatchObject({
      present: false,
      trusted: false,
      problems: ['no_certificate'],
    });
  });
});

describe('Node TLS with the PKI material', () => {
  it('staples the OCSP answer and verifies a client certificate with the CA and CRL options', async () => {
    const endpoint = pki.credentials('org-revoq');
    const client = await pki.issueClientCertificate(IDNAT);
    const server = tls.createServer({
      key: endpoint.keyPem,
      cert: endpoint.chainPem,
      ca: pki.clientCaPems(),
      crl: pki.crlPems(),
      requestCert: true,
      rejectUnauthorized: false,
    });
    server.on(
      'OCSPRequest',
      (_certificate: Buffer, _issuer: Buffer, callback: (error: Error | null, response?: Buffer) => void) => {
        pki.stapleFor('org-revoq').then(
          (staple) => callback(null, staple),
          (error: Error) => callback(error),
        );
      },
    );
    const seen = new Promise<{ authorized: boolean; chain: Buffer[] }>((resolve) => {
      server.on('secureConnection', (socket) => {
        const peer = socket.getPeerCertificate(true);
        resolve({ authorized: socket.authorized, chain: [peer.raw] });
        socket.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const output = await sClient(
        '-connect',
        `127.0.0.1:${port}`,
        '-status',
        '-CAfile',
        files.bundle,
        '-cert',
        client.files.certificate,
        '-key',
        client.files.key,
      );
      expect(output).toContain('OCSP Response Status: successful');
      expect(output).toContain('Cert Status: revoked');
      const { authorized, chain } = await seen;
      expect(authorized).toBe(true);
      expect(pki.judgeClientCertificate(chain)).toMatchObject({ trusted: true, ou: IDNAT });
    } finally {
      server.close();
    }
  });
});

describe('trust export and health check', () => {
  it('exports the bundles, the CRLs in DER and PEM and a French README', async () => {
    const dir = path.join(tmp, 'export');
    const written = await pki.exportTrust(dir);
    const names = written.map((f) => path.basename(f));
    expect(names).toEqual(
      expect.arrayContaining([
        'igc-sante-test-roots.pem',
        'non-igc-root.pem',
        'motco-evidence-root.pem',
        'igc-sante-test-org.crl',
        'igc-sante-test-org.crl.pem',
        'README.txt',
      ]),
    );
    expect(fs.readFileSync(path.join(dir, 'motco-evidence-root.pem'), 'utf8')).toBe(pki.evidenceRootPem());
    expect(fs.readFileSync(path.join(dir, 'igc-sante-test-org.crl.pem'), 'utf8')).toMatch(/^-----BEGIN X509 CRL-----/);
    expect(fs.readFileSync(path.join(dir, 'README.txt'), 'utf8')).toContain('SIMULÉES');
    const verify = await openssl(
      'verify',
      '-crl_check',
      '-CAfile',
      path.join(dir, 'igc-sante-test-roots.pem'),
      '-CRLfile',
      path.join(dir, 'igc-sante-test-org.crl.pem'),
      files.revoked,
    );
    expect(verify.output).toMatch(/error 23 /);
  });

  it('passes every check, including against the live HTTP responder and CRL', async () => {
    const checks = await pki.check({ baseUrl: config.publicUrl });
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'endpoint org',
        'endpoint org-revoq',
        'crl igc-sante-test-org',
        'ocsp-http org-revoq',
        'crl-http psc-revoq',
        'ca motco-evidence-root',
        'evidence-signing',
      ]),
    );
  });

  it('keeps current CRLs on refresh', async () => {
    const before = pki.crlPems();
    await pki.refresh();
    expect(pki.crlPems()).toEqual(before);
  });

  it('renews the staples of the mail endpoints only (the HTTPS listener never staples)', async () => {
    const staples = vi.spyOn(pki, 'stapleFor');
    try {
      await pki.refresh();
      expect(staples.mock.calls.map(([id]) => id).sort()).toEqual(config.endpoints.map((e) => e.id).sort());
    } finally {
      staples.mockRestore();
    }
  });
});

describe('persistence', () => {
  it('reopens without generating or rewriting anything', async () => {
    const before = snapshot();
    const reopened = await TestPki.open(config);
    expect(snapshot()).toEqual(before);
    expect(caFingerprint(reopened)).toBe(caFingerprint(pki));
    expect(reopened.credentials('org').serialNumber).toBe(pki.credentials('org').serialNumber);
  });

  it('regenerates a deleted leaf with the same key and CA, and a deleted revoked leaf revoked again', async () => {
    const pkiDir = path.join(tmp, 'pki');
    const keyBefore = fs.readFileSync(path.join(pkiDir, 'endpoints', 'org.key'), 'utf8');
    const revokedBefore = pki.credentials('org-revoq').serialNumber;
    fs.rmSync(path.join(pkiDir, 'endpoints', 'org.pem'));
    fs.rmSync(path.join(pkiDir, 'endpoints', 'org-revoq.pem'));
    const reopened = await TestPki.open(config);
    expect(fs.existsSync(path.join(pkiDir, 'endpoints', 'org.pem'))).toBe(true);
    expect(reopened.credentials('org').serialNumber).not.toBe(pki.credentials('org').serialNumber);
    expect(reopened.credentials('org').keyPem).toBe(keyBefore);
    expect(caFingerprint(reopened)).toBe(caFingerprint(pki));
    expect(reopened.credentials('psc').serialNumber).toBe(pki.credentials('psc').serialNumber);

    const revokedAfter = reopened.credentials('org-revoq');
    expect(revokedAfter.serialNumber).not.toBe(revokedBefore);
    const crl = await openssl(
      'crl',
      '-inform',
      'DER',
      '-in',
      path.join(pkiDir, 'crl', 'igc-sante-test-org.crl'),
      '-noout',
      '-text',
    );
    expect(crl.output).toContain(revokedAfter.serialNumber.toUpperCase());
    expect(crl.output).toContain(revokedBefore.toUpperCase());
    expect(crl.output).toMatch(/CRL Number: \s*2/);
    expect((await reopened.check()).filter((c) => !c.ok)).toEqual([]);
  });

  it('re-issues the leaf of an endpoint whose host changed, keeping the CA and the other leaves', async () => {
    const current = await TestPki.open(config);
    const changed = await TestPki.open(configWith({ 'endpoints.psc.host': 'autre-nom.example.test' }));
    expect(changed.credentials('psc').serialNumber).not.toBe(current.credentials('psc').serialNumber);
    expect(changed.credentials('org').serialNumber).toBe(current.credentials('org').serialNumber);
    expect(caFingerprint(changed)).toBe(caFingerprint(current));
    const san = await openssl('x509', '-noout', '-ext', 'subjectAltName', '-in', changed.credentials('psc').certFile);
    expect(san.output).toContain('DNS:autre-nom.example.test');
  });

  it(
    're-signs the intermediates (same key and subject) ' +
      'for a new public URL: old trust bundles still verify the leaves',
    async () => {
      const dataDir = path.join(tmp, 'moved');
      fs.cpSync(path.join(tmp, 'pki'), path.join(dataDir, 'pki'), { recursive: true });
      const before = await TestPki.open(configWith({ dataDir }));
      const oldBundle = path.join(dataDir, 'old-bundle.pem');
      fs.writeFileSync(oldBundle, before.trustBundlePem());
      const orgCa = path.join(dataDir, 'pki', 'ca', 'igc-sante-test-org.pem');
      const keyBefore = new X509Certificate(fs.readFileSync(orgCa)).publicKey.export({ type: 'spki', format: 'der' });

      const moved = await TestPki.open(configWith({ dataDir, publicUrl: 'http://pki.example.test:8080' }));
      const after = new X509Certificate(fs.readFileSync(orgCa));
      expect(after.publicKey.export({ type: 'spki', format: 'der' }).equals(keyBefore)).toBe(true);
      expect((await openssl('x509', '-noout', '-ext', 'crlDistributionPoints', '-in', orgCa)).output).toContain(
        'http://pki.example.test:8080/pki/crl/igc-sante-test-root.crl',
      );
      expect(caFingerprint(moved)).toBe(caFingerprint(before)); // the root itself is untouched
      const leaf = moved.credentials('org').certFile;
      expect((await openssl('x509', '-noout', '-ext', 'crlDistributionPoints', '-in', leaf)).output).toContain(
        'http://pki.example.test:8080/pki/crl/igc-sante-test-org.crl',
      );
      expect((await openssl('verify', '-CAfile', oldBundle, '-untrusted', leaf, leaf)).output).toContain(': OK');
    },
  );

  it('renews at open the leaves near their end (a revoked one revoked again) and re-signs due CRLs', async () => {
    const dataDir = path.join(tmp, 'later');
    fs.cpSync(path.join(tmp, 'pki'), path.join(dataDir, 'pki'), { recursive: true });
    const laterConfig = configWith({ dataDir });
    const current = await TestPki.open(laterConfig);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(current.credentials('org').notAfter.getTime() - 10 * DAY_MS);
      const later = await TestPki.open(laterConfig);
      for (const id of ['org', 'psc-nonigc', 'org-revoq'] as const) {
        expect(later.credentials(id).serialNumber).not.toBe(current.credentials(id).serialNumber);
      }
      expect(later.credentials('org-expire').serialNumber).toBe(current.credentials('org-expire').serialNumber);
      expect(later.judgeClientCertificate([der(later.credentials('org-revoq').certPem)]).revoked).toBe(true);
      expect(later.crlPems()).not.toEqual(current.crlPems());
      expect((await later.check()).filter((c) => !c.ok)).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('regenerates a deleted endpoint key', async () => {
    const keyFile = path.join(tmp, 'pki', 'endpoints', 'psc-nonigc.key');
    const before = fs.readFileSync(keyFile, 'utf8');
    fs.rmSync(keyFile);
    const reopened = await TestPki.open(config);
    expect(reopened.credentials('psc-nonigc').keyPem).not.toBe(before);
    const { certPem, keyPem } = reopened.credentials('psc-nonigc');
    expect(new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem))).toBe(true);
  });
});

describe('motco pki', () => {
  // The command reads the environment like the real CLI; keep its operator log quiet here.
  beforeAll(() => {
    process.env.MOTCO_LOG__LEVEL = 'error';
  });
  afterAll(() => {
    delete process.env.MOTCO_LOG__LEVEL;
  });

  const cli = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await pkiCommand({ args: [...args, '--data', tmp], out: (s) => out.push(s), err: (s) => err.push(s) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('exports, issues a client certificate and checks', async () => {
    const dir = path.join(tmp, 'cli');
    const exported = await cli('export', '--out', dir);
    expect(exported.code).toBe(0);
    expect(exported.out).toContain(path.join(dir, 'igc-sante-test-roots.pem'));
    const issued = await cli('issue-client', '--idnat', IDNAT, '--out', dir, '--cn', 'Messagerie');
    expect(issued.code).toBe(0);
    const password = fs.readFileSync(path.join(dir, `${IDNAT}.p12-password.txt`), 'utf8').trim();
    expect(issued.out).toContain(password);
    expect(
      (await openssl('pkcs12', '-in', path.join(dir, `${IDNAT}.p12`), '-passin', `pass:${password}`, '-nokeys')).code,
    ).toBe(0);
    const checked = await cli('check');
    expect(checked.code).toBe(0);
    expect(checked.out).toContain('✔ endpoint org-revoq');
  });

  it('rejects a bad IdNat and an unknown sub-command as usage errors', async () => {
    await expect(cli('issue-client', '--idnat', '../x', '--out', tmp)).rejects.toThrow(/IdNat invalide/);
    await expect(cli('frobnicate')).rejects.toThrow(/pki frobnicate/);
  });
});
