// The SASL exchange as clients see it and as the journal keeps it: an empty SMTP challenge is `334 ` with its
// space (RFC 4954 §4; msmtp drops a bare `334`), and an exchange the client abandons — it hangs up, or sends a
// command instead of its response — is journaled as an `auth` observation with outcome `abandoned`, on SMTP
// and IMAP alike. Driven by openssl s_client over STARTTLS, each run from its own loopback address.
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

/** s_client -starttls from `ip`, typing `input`; -quiet keeps the session until the server closes it. */
function sClient(protocol: 'smtp' | 'imap', ip: string, input: string, quiet: boolean) {
  const e = t.endpoint('psc');
  const args = [
    's_client',
    '-connect',
    `${e.address}:${protocol === 'smtp' ? e.smtpPort : e.imapPort}`,
    '-bind',
    `${ip}:0`,
    '-starttls',
    protocol,
    '-servername',
    e.host,
  ];
  return run('openssl', quiet ? [...args, '-quiet'] : args, { input, timeoutMs: 20_000 });
}

describe('SMTP AUTH', () => {
  it(
    'answers AUTH without an initial response with `334 ` (space kept), ' +
      'and journals a command sent instead of the response as abandoned',
    async () => {
      // The first QUIT is taken as the abandoned exchange's response; the second ends the session.
      const r = await sClient('smtp', '127.0.0.41', 'EHLO lps.test\r\nAUTH XOAUTH2\r\nQUIT\r\nQUIT\r\n', true);
      expect(r.stdout).toMatch(/^334 \r$/m);
      expect(r.stdout).toMatch(/^501 5\.5\.2 Authentication abandoned: QUIT sent instead of a response\r$/m);
      const auth = await waitFor(t.platform.journal, { kind: 'auth', endpoint: 'psc', clientIp: '127.0.0.41' });
      expect(auth.data).toMatchObject({
        mechanism: 'XOAUTH2',
        outcome: 'abandoned',
        reason: 'new_command',
        newCommand: 'QUIT',
        tls: true,
      });
    },
  );

  it('journals a client that hangs up mid-exchange as abandoned', async () => {
    await sClient('smtp', '127.0.0.42', 'EHLO lps.test\r\nAUTH PLAIN\r\n', false);
    const auth = await waitFor(t.platform.journal, { kind: 'auth', endpoint: 'psc', clientIp: '127.0.0.42' });
    expect(auth.data).toMatchObject({ mechanism: 'PLAIN', outcome: 'abandoned', reason: 'disconnected', tls: true });
  });
});

describe('IMAP AUTHENTICATE', () => {
  it('journals a tagged command sent instead of the response as abandoned, and answers it BAD', async () => {
    const r = await sClient('imap', '127.0.0.43', 'a1 AUTHENTICATE XOAUTH2\r\na2 LOGOUT\r\na3 LOGOUT\r\n', true);
    expect(r.stdout).toMatch(/^\+ \r?$/m);
    expect(r.stdout).toContain('a1 BAD Authentication abandoned: LOGOUT sent instead of a response');
    const auth = await waitFor(t.platform.journal, { kind: 'auth', endpoint: 'psc', clientIp: '127.0.0.43' });
    expect(auth.data).toMatchObject({
      command: 'AUTHENTICATE',
      mechanism: 'XOAUTH2',
      outcome: 'abandoned',
      reason: 'new_command',
      newCommand: 'LOGOUT',
    });
  });

  it('journals a client that hangs up mid-exchange as abandoned', async () => {
    await sClient('imap', '127.0.0.44', 'a1 AUTHENTICATE PLAIN\r\n', false);
    const auth = await waitFor(t.platform.journal, { kind: 'auth', endpoint: 'psc', clientIp: '127.0.0.44' });
    expect(auth.data).toMatchObject({
      command: 'AUTHENTICATE',
      mechanism: 'PLAIN',
      outcome: 'abandoned',
      reason: 'disconnected',
    });
  });
});
