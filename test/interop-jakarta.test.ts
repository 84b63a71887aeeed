// Interoperability with the stack most LPS vendors build on: Jakarta Mail from Debian (libjakarta-mail-java 2.0,
// OpenJDK's TLS), compiled here with javac (test/clients/JakartaMailClient.java) and run against the endpoints:
// STARTTLS verified with the exported trust roots, XOAUTH2 on IMAP and SMTP with a PSC access token on `psc`, an
// ORG_AUTH_CLI PKCS#12 certificate then PLAIN on `org`; each sends a message to its own mailbox and reads it back.
// The journal must say what happened, and the catalogue's verdict functions say which jobs each exercise passes
// (docs/interoperability.md records the table).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributable } from '../src/catalogue/attribution.ts';
import { findJob } from '../src/catalogue/jobs.ts';
import { kindOf } from '../src/catalogue/kinds/index.ts';
import type { JobAccount } from '../src/catalogue/verdicts/types.ts';
import type { EndpointConfig } from '../src/config/config.ts';
import { pscToolsClient } from '../src/identity/issuers.ts';
import { PscTokenSource } from '../src/lps/tokens.ts';
import { passwordOf } from './helpers/passwords.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { run } from './helpers/run.ts';

/** Debian's jars (libjakarta-mail-java pulls libjakarta-activation-java). */
const CLASSPATH_JARS = ['/usr/share/java/jakarta-mail.jar', '/usr/share/java/jakarta-activation.jar'];
const PSC_IDNAT = '810000000777';
const APP_IDNAT = '10123456777';

let t: TestPlatform;
let files: string;
let classes: string;
let trust: string;
let hostsFile: string;
const address = (local: string) => `${local}@${t.config.mailDomain}`;
const account = (): JobAccount => ({
  nil: 'DEV000001',
  idnatPsc: PSC_IDNAT,
  idnatAuthCli: APP_IDNAT,
  personalMailbox: address(PSC_IDNAT),
  applicativeMailbox: address(APP_IDNAT),
  patientAddress: null,
});

beforeAll(async () => {
  t = await startTestPlatform();
  files = mkdtempSync(path.join(os.tmpdir(), 'motco-jakarta-'));
  classes = path.join(files, 'classes');
  await t.platform.pki.exportTrust(files);
  trust = path.join(files, 'igc-sante-test-roots.pem');
  // Java resolves the endpoints' names from this file (JDK's jdk.net.hosts.file), as from DNS: the certificate
  // is then checked against the name, as a client configured by name does.
  hostsFile = path.join(files, 'hosts');
  writeFileSync(hostsFile, t.config.endpoints.map((e) => `${e.address} ${e.host}\n`).join(''));
  await t.platform.mailboxes.create(address(PSC_IDNAT), 'personal');
  await t.platform.mailboxes.create(address(APP_IDNAT), 'applicative');
  await t.platform.identity.psc.simulator!.identities.create({
    idnat: PSC_IDNAT,
    givenName: 'Jeanne',
    familyName: 'Martin',
  });
  const javac = await run(
    'javac',
    ['-encoding', 'UTF-8', '-cp', CLASSPATH_JARS.join(':'), '-d', classes, 'test/clients/JakartaMailClient.java'],
    { timeoutMs: 120_000 },
  );
  expect(javac.code, javac.stderr).toBe(0);
}, 180_000);

afterAll(async () => {
  await t?.stop();
  if (files) rmSync(files, { recursive: true, force: true });
});

function jakarta(
  mode: 'xoauth2' | 'mtls',
  endpoint: EndpointConfig,
  user: string,
  secret: string,
  subject: string,
  pkcs12: string[] = [],
) {
  const java = [
    `-Djdk.net.hosts.file=${hostsFile}`,
    '-cp',
    [classes, ...CLASSPATH_JARS].join(':'),
    'JakartaMailClient',
  ];
  return run(
    'java',
    [
      ...java,
      mode,
      endpoint.host,
      String(endpoint.imapPort),
      String(endpoint.smtpPort),
      user,
      secret,
      trust,
      subject,
      ...pkcs12,
    ],
    { timeoutMs: 120_000 },
  );
}

/** Each job's verdict on the journal since `since`, as the runner decides it (the window closed). */
async function verdicts(jobIds: string[], since: number): Promise<Record<string, string>> {
  const observations = await t.platform.journal.query({ since });
  const out: Record<string, string> = {};
  for (const id of jobIds) {
    const job = findJob(id)!;
    const judged = kindOf(job).judge({
      job,
      account: account(),
      ip: null,
      window: { start: since, end: Date.now() },
      observations: attributable(job, account(), null, observations),
      final: true,
    });
    out[id] = judged.status;
  }
  return out;
}

describe('Jakarta Mail (OpenJDK 17, Debian libjakarta-mail-java)', () => {
  it(
    'PSC mailbox: STARTTLS with the exported roots, ' + 'XOAUTH2 with a PSC token on SMTP and IMAP, send then read',
    async () => {
      const since = Date.now();
      const tools = (await pscToolsClient(t.platform.store.db))!;
      const token = await new PscTokenSource(
        { discoveryUrl: t.platform.identity.psc.discoveryUrl, ...tools, idnat: PSC_IDNAT },
        t.config.psc.clockSkewSeconds,
      ).access();
      const subject = 'Jakarta XOAUTH2 é';
      const r = await jakarta('xoauth2', t.endpoint('psc'), address(PSC_IDNAT), token, subject);
      expect(r.stdout.trim().split('\n'), r.stdout + r.stderr).toEqual([
        'AUTH XOAUTH2 smtp',
        'SENT',
        'AUTH XOAUTH2 imap',
        `FOUND ${subject}`,
      ]);

      const sessions = await t.platform.journal.query({ kind: 'auth', since, endpoint: 'psc' });
      expect(sessions.map((o) => [o.protocol, o.data])).toEqual([
        ['smtp', expect.objectContaining({ mechanism: 'XOAUTH2', outcome: 'success', reason: 'bearer' })],
        ['imap', expect.objectContaining({ mechanism: 'XOAUTH2', outcome: 'success', reason: 'bearer' })],
      ]);
      const tls = await t.platform.journal.query({ kind: 'tls.established', since });
      expect(tls.map((o) => o.data)).toEqual([
        expect.objectContaining({ version: 'TLSv1.3' }),
        expect.objectContaining({ version: 'TLSv1.3' }),
      ]);
      expect(
        await verdicts(
          ['psc-tls-smtp', 'psc-tls-imap', 'psc-auth-smtp', 'psc-auth-imap', 'psc-send-smtp', 'psc-access-imap'],
          since,
        ),
      ).toEqual({
        'psc-tls-smtp': 'OK',
        'psc-tls-imap': 'OK',
        'psc-auth-smtp': 'OK',
        'psc-auth-imap': 'OK',
        'psc-send-smtp': 'OK',
        'psc-access-imap': 'OK',
      });
    },
  );

  it(
    'applicative mailbox: the ORG_AUTH_CLI PKCS#12 in the handshake, ' + 'then PLAIN, on SMTP and IMAP, send then read',
    async () => {
      const since = Date.now();
      const certificate = await t.platform.pki.issueClientCertificate(APP_IDNAT);
      const p12 = path.join(files, 'client.p12');
      writeFileSync(p12, certificate.pkcs12);
      const subject = 'Jakarta certificat';
      const password = await passwordOf(t, address(APP_IDNAT));
      const r = await jakarta('mtls', t.endpoint('org'), address(APP_IDNAT), password, subject, [
        p12,
        certificate.pkcs12Password,
      ]);
      expect(r.stdout.trim().split('\n'), r.stdout + r.stderr).toEqual([
        'AUTH PLAIN smtp',
        'SENT',
        'AUTH PLAIN imap',
        `FOUND ${subject}`,
      ]);

      const auths = await t.platform.journal.query({ kind: 'auth', since, endpoint: 'org' });
      expect(auths.map((o) => [o.protocol, o.data])).toEqual([
        ['smtp', expect.objectContaining({ mechanism: 'PLAIN', outcome: 'success', reason: 'client_certificate' })],
        ['imap', expect.objectContaining({ mechanism: 'PLAIN', outcome: 'success', reason: 'client_certificate' })],
      ]);
      const tls = await t.platform.journal.query({ kind: 'tls.established', since });
      expect(tls.map((o) => o.data)).toEqual([
        expect.objectContaining({
          version: 'TLSv1.3',
          clientCertificate: expect.objectContaining({ present: true, ou: APP_IDNAT, trusted: true }),
        }),
        expect.objectContaining({
          version: 'TLSv1.3',
          clientCertificate: expect.objectContaining({ present: true, ou: APP_IDNAT, trusted: true }),
        }),
      ]);
      expect(
        await verdicts(
          [
            'authcli-tls-smtp',
            'authcli-tls-imap',
            'authcli-auth-smtp',
            'authcli-auth-imap',
            'authcli-send-smtp',
            'authcli-access-imap',
          ],
          since,
        ),
      ).toEqual({
        'authcli-tls-smtp': 'OK',
        'authcli-tls-imap': 'OK',
        'authcli-auth-smtp': 'OK',
        'authcli-auth-imap': 'OK',
        'authcli-send-smtp': 'OK',
        'authcli-access-imap': 'OK',
      });
    },
  );

  it(
    'refuses a server certificate outside the exported roots (the non-IGC endpoint) ' + 'before sending anything',
    async () => {
      const since = Date.now();
      const r = await jakarta('xoauth2', t.endpoint('psc-nonigc'), address(PSC_IDNAT), 'not-sent', 'jamais');
      expect(r.stdout).toMatch(/^ERROR jakarta\.mail\.MessagingException/m);
      expect(r.stdout).toMatch(/PKIX path building failed|unable to find valid certification path/);
      const failed = await t.platform.journal.query({ kind: 'tls.failed', since, endpoint: 'psc-nonigc' });
      expect(failed.map((o) => o.data)).toEqual([
        expect.objectContaining({ by: 'client', alert: 'certificate_unknown' }),
      ]);
      expect(await t.platform.journal.query({ kind: 'auth', since })).toEqual([]);
    },
  );
});

it('has the Debian jars it runs on', () => {
  for (const jar of CLASSPATH_JARS) expect(spawnSync('test', ['-r', jar]).status, jar).toBe(0);
});
