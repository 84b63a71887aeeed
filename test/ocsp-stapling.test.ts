// OCSP stapling as it happens on the wire: openssl s_client asks for a staple on the revoked endpoint with
// TLS 1.2, with TLS 1.3 through a HelloRetryRequest (its first key share, X25519, is not a group we accept),
// with TLS 1.3 without one (P-256 key share), and without asking. The journal's `ocspStapled` must say what
// the client received — Node sends no staple after a HelloRetryRequest (see src/mail/tls/starttls.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './helpers/observations.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { run } from './helpers/run.ts';

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});

afterAll(async () => {
  await t?.stop();
});

describe('ocspStapled records what the client received', () => {
  it.each([
    // One loopback source address per case, to find its session in the journal.
    ['TLS 1.2 with status_request', '127.0.0.31', ['-tls1_2', '-status'], 'TLSv1.2', { requested: true, stapled: true, helloRetry: false }],
    ['TLS 1.3 through a HelloRetryRequest', '127.0.0.32', ['-tls1_3', '-status', '-groups', 'X25519:P-256'], 'TLSv1.3', { requested: true, stapled: false, helloRetry: true }],
    ['TLS 1.3 with an accepted key share', '127.0.0.33', ['-tls1_3', '-status', '-groups', 'P-256'], 'TLSv1.3', { requested: true, stapled: true, helloRetry: false }],
    ['TLS 1.2 without status_request', '127.0.0.34', ['-tls1_2'], 'TLSv1.2', { requested: false, stapled: false, helloRetry: false }],
  ] as const)('%s', async (_, ip, flags, version, expected) => {
    const e = t.endpoint('psc-revoq');
    const r = await run('openssl', ['s_client', '-connect', `${e.address}:${e.smtpPort}`, '-bind', `${ip}:0`, '-starttls', 'smtp', ...flags], { input: 'QUIT\r\n', timeoutMs: 20_000 });
    const received = /OCSP Response Status: successful/.test(r.stdout);
    if ((flags as readonly string[]).includes('-status')) expect(r.stdout).toMatch(received ? /Cert Status: revoked/ : /OCSP response: no response sent/);
    const established = await waitFor(t.platform.journal, { kind: 'tls.established', endpoint: 'psc-revoq', clientIp: ip });
    expect(established.data).toMatchObject({ version, ocspRequested: expected.requested, ocspStapled: expected.stapled, helloRetry: expected.helloRetry });
    expect(received, r.stdout).toBe(expected.stapled);
  });
});
