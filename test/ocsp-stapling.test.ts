// OCSP stapling as it happens on the wire: openssl s_client asks for a staple on the revoked endpoint with
// TLS 1.2, with TLS 1.3 through a HelloRetryRequest (its first key share, X25519, is not a group we accept),
// with TLS 1.3 without one (P-256 key share), and without asking; curl --cert-status with its defaults (TLS 1.3,
// X25519 key share first) on IMAP and SMTP. The journal's `ocspStapled` must say what the client received:
// Node alone sends no staple after a HelloRetryRequest (nodejs/node#28288), src/mail/tls/starttls.ts makes it.
// And the other TLS 1.3 corner: a ClientHello offering X25519 alone is refused (curves of at least 256 bits),
// as a named refusal that the live log and the TLS verdict put into words.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionsOf } from '../src/catalogue/facts.ts';
import { judgeSession } from '../src/catalogue/kinds/tls.ts';
import { narrate } from '../src/observe/narrate.ts';
import { waitFor } from './helpers/observations.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { run } from './helpers/run.ts';

let t: TestPlatform;
let files: string;
let trust: string;

beforeAll(async () => {
  t = await startTestPlatform();
  files = mkdtempSync(path.join(os.tmpdir(), 'motco-ocsp-files-'));
  await t.platform.pki.exportTrust(files);
  trust = path.join(files, 'igc-sante-test-roots.pem');
});

afterAll(async () => {
  await t?.stop();
  if (files) rmSync(files, { recursive: true, force: true });
});

describe('ocspStapled records what the client received', () => {
  it.each([
    // One loopback source address per case, to find its session in the journal.
    [
      'TLS 1.2 with status_request',
      '127.0.0.31',
      ['-tls1_2', '-status'],
      'TLSv1.2',
      { requested: true, stapled: true, helloRetry: false },
    ],
    [
      'TLS 1.3 through a HelloRetryRequest',
      '127.0.0.32',
      ['-tls1_3', '-status', '-groups', 'X25519:P-256'],
      'TLSv1.3',
      { requested: true, stapled: true, helloRetry: true },
    ],
    [
      'TLS 1.3 with an accepted key share',
      '127.0.0.33',
      ['-tls1_3', '-status', '-groups', 'P-256'],
      'TLSv1.3',
      { requested: true, stapled: true, helloRetry: false },
    ],
    [
      'TLS 1.2 without status_request',
      '127.0.0.34',
      ['-tls1_2'],
      'TLSv1.2',
      { requested: false, stapled: false, helloRetry: false },
    ],
  ] as const)('%s', async (_, ip, flags, version, expected) => {
    const e = t.endpoint('psc-revoq');
    const r = await run(
      'openssl',
      ['s_client', '-connect', `${e.address}:${e.smtpPort}`, '-bind', `${ip}:0`, '-starttls', 'smtp', ...flags],
      { input: 'QUIT\r\n', timeoutMs: 20_000 },
    );
    const received = /OCSP Response Status: successful/.test(r.stdout);
    if ((flags as readonly string[]).includes('-status'))
      expect(r.stdout).toMatch(received ? /Cert Status: revoked/ : /OCSP response: no response sent/);
    const established = await waitFor(t.platform.journal, {
      kind: 'tls.established',
      endpoint: 'psc-revoq',
      clientIp: ip,
    });
    expect(established.data).toMatchObject({
      version,
      ocspRequested: expected.requested,
      ocspStapled: expected.stapled,
      helloRetry: expected.helloRetry,
    });
    expect(received, r.stdout).toBe(expected.stapled);
  });
});

describe('curl --cert-status without --tls-max', () => {
  it.each([
    ['smtp', '127.0.0.35'],
    ['imap', '127.0.0.36'],
  ] as const)('gets the staple over TLS 1.3 on %s and refuses the revoked certificate', async (scheme, ip) => {
    const e = t.endpoint('psc-revoq');
    const port = scheme === 'smtp' ? e.smtpPort : e.imapPort;
    const r = await run(
      'curl',
      [
        '-sS',
        '--ssl-reqd',
        '--cert-status',
        '--cacert',
        trust,
        '--interface',
        ip,
        `${scheme}://${e.address}:${port}/`,
        '--user',
        'x:y',
      ],
      { timeoutMs: 20_000 },
    );
    expect(r.code, r.stderr).toBe(91); // CURLE_SSL_INVALIDCERTSTATUS: curl read the staple and saw "revoked"
    expect(r.stderr).toContain('revocation reason');
    const established = await waitFor(t.platform.journal, {
      kind: 'tls.established',
      endpoint: 'psc-revoq',
      clientIp: ip,
    });
    expect(established.data).toMatchObject({
      version: 'TLSv1.3',
      ocspRequested: true,
      ocspStapled: true,
      helloRetry: true,
    });
    const hello = await waitFor(t.platform.journal, { kind: 'tls.client_hello', endpoint: 'psc-revoq', clientIp: ip });
    expect(hello.data.keyShareGroups).toEqual(['x25519']);
  });
});

describe('a TLS 1.3 ClientHello offering X25519 alone', () => {
  it('is refused, journaled as no_shared_group, and explained in the live log and the verdict', async () => {
    const e = t.endpoint('psc');
    const ip = '127.0.0.37';
    const r = await run(
      'openssl',
      [
        's_client',
        '-connect',
        `${e.address}:${e.smtpPort}`,
        '-bind',
        `${ip}:0`,
        '-starttls',
        'smtp',
        '-tls1_3',
        '-groups',
        'X25519',
      ],
      { input: 'QUIT\r\n', timeoutMs: 20_000 },
    );
    expect(r.stderr).toMatch(/alert handshake failure/);
    const failed = await waitFor(t.platform.journal, { kind: 'tls.failed', endpoint: 'psc', clientIp: ip });
    expect(failed.data).toMatchObject({
      stage: 'handshake',
      by: 'server',
      alert: null,
      reason: 'no_shared_group',
      offeredGroups: ['x25519'],
    });
    const words =
      'groupe X25519 seul proposé : la plateforme exige une courbe d’au moins 256 bits (P-256, P-384, P-521)';
    expect(narrate(failed)).toContain(words);
    const session = sessionsOf(await t.platform.journal.query({ sessionId: failed.sessionId! }))[0]!;
    const version = judgeSession(session).find((c) => c.id === 'version');
    expect(version?.detail).toContain(words);
  });

  it('is not a refusal over TLS 1.2, where DHE needs no curve', async () => {
    const e = t.endpoint('psc');
    const ip = '127.0.0.38';
    await run(
      'openssl',
      [
        's_client',
        '-connect',
        `${e.address}:${e.smtpPort}`,
        '-bind',
        `${ip}:0`,
        '-starttls',
        'smtp',
        '-tls1_2',
        '-groups',
        'X25519',
      ],
      { input: 'QUIT\r\n', timeoutMs: 20_000 },
    );
    const established = await waitFor(t.platform.journal, { kind: 'tls.established', endpoint: 'psc', clientIp: ip });
    expect(established.data.cipher).toMatch(/^TLS_DHE_RSA_WITH_AES_(128|256)_GCM_SHA(256|384)$/);
  });
});
