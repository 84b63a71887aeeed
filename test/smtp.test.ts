// SMTP submission endpoints exercised by clients nobody here wrote: nodemailer, python3 smtplib, curl and
// openssl s_client. Each test asserts what the client experienced and what the journal recorded.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndpointId } from '../src/config/schema.ts';
import { waitFor } from './helpers/observations.ts';
import { passwordsOf } from './helpers/passwords.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { run } from './helpers/run.ts';

let t: TestPlatform;
let files: string;
let trust: string;
/** Each mailbox's own password, by address (filled once the mailboxes exist). */
let passwords: Map<string, string>;
const pw = (user: string) => passwords.get(user)!;

const address = (local: string) => `${local}@${t.config.mailDomain}`;

beforeAll(async () => {
  t = await startTestPlatform({ smtp: { maxMessageBytes: 64 * 1024, maxBadCommands: 5, maxRecipients: 3 } });
  files = mkdtempSync(path.join(os.tmpdir(), 'motco-smtp-files-'));
  await t.platform.pki.exportTrust(files);
  trust = path.join(files, 'igc-sante-test-roots.pem');
  await t.platform.mailboxes.create(address('10123456789'), 'applicative');
  await t.platform.mailboxes.create(address('871122334455'), 'personal');
  passwords = await passwordsOf(t, [address('10123456789'), address('871122334455')]);
});

afterAll(async () => {
  await t?.stop();
  if (files) rmSync(files, { recursive: true, force: true });
});

function python(job: Record<string, unknown>) {
  return run('python3', ['test/clients/smtp_client.py'], { input: JSON.stringify(job) }).then((r) => {
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout) as Record<string, any>;
  });
}

function endpoint(id: EndpointId) {
  return t.endpoint(id);
}

describe('SMTP submission with a conformant client', () => {
  it(
    'nodemailer: STARTTLS, AUTH PLAIN, send; the journal has the hello, ' +
      'TLS, auth and headers in the client’s order',
    async () => {
      // psc: on org an applicative mailbox opens only with its ORG_AUTH_CLI certificate, never with a password.
      const e = endpoint('psc');
      const transport = nodemailer.createTransport({
        host: e.address,
        port: e.smtpPort,
        secure: false,
        requireTLS: true,
        tls: { ca: [readTrust()], servername: e.host },
        auth: { user: address('10123456789'), pass: pw(address('10123456789')) },
        name: 'lps.test',
      });
      const info = await transport.sendMail({
        from: address('10123456789'),
        to: address('10123456789'),
        subject: 'Essai nodemailer',
        text: 'Bonjour',
        headers: { 'X-MSS-NIL': 'DEV935997', 'x-custom-CASE': 'kept' },
      });
      transport.close();
      expect(info.accepted).toEqual([address('10123456789')]);

      const message = await waitFor(
        t.platform.journal,
        { kind: 'message', mailbox: address('10123456789') },
        (o) => o.data.subject === 'Essai nodemailer',
      );
      const session = await t.platform.journal.query({ sessionId: message.sessionId! });
      const kinds = session.map((o) => o.kind);
      expect(kinds.indexOf('tls.client_hello')).toBeLessThan(kinds.indexOf('tls.established'));
      expect(kinds.indexOf('tls.established')).toBeLessThan(kinds.indexOf('auth'));
      const hello = session.find((o) => o.kind === 'tls.client_hello')!.data;
      expect(hello.sni).toBe(e.host);
      expect((hello.cipherSuites as { name: string }[]).map((s) => s.name)).toContain(
        'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      );
      expect(session.find((o) => o.kind === 'tls.established')!.data).toMatchObject({ version: 'TLSv1.3' });
      expect(session.find((o) => o.kind === 'auth')!.data).toMatchObject({
        mechanism: 'PLAIN',
        outcome: 'success',
        reason: 'password',
        user: address('10123456789'),
      });
      // nodemailer writes header names in its own capitalisation; the journal keeps exactly what it sent,
      // in its order, as the stored copy shows (the python test in cli.test.ts checks a client's own case).
      const names = (message.data.headers as { name: string }[]).map((h) => h.name);
      expect(names).toContain('X-Mss-Nil');
      expect(names).toContain('X-Custom-Case');
      expect(message.data).toMatchObject({
        outcome: 'accepted',
        from: address('10123456789'),
        fromMatchesMailbox: true,
      });

      const stored = await t.platform.mailboxes.messages(
        (await t.platform.mailboxes.find(address('10123456789')))!.id,
        'INBOX',
      );
      const last = stored.at(-1)!.raw.toString();
      expect(last).toMatch(/^Received: from lps\.test/);
      expect(last).toContain('X-Mss-Nil: DEV935997');
      const storedNames = last
        .split('\r\n\r\n')[0]!
        .split('\r\n')
        .filter((l) => /^[^\s:]+:/.test(l))
        .map((l) => l.slice(0, l.indexOf(':')));
      expect(storedNames.slice(1)).toEqual(names); // after our Received: the client's headers, same order and case
    },
  );

  it(
    'python3 smtplib trusting only the IGC Santé TEST bundle: ' + 'STARTTLS, AUTH PLAIN, send on the org endpoint',
    async () => {
      const e = endpoint('org');
      const result = await python({
        host: e.address,
        port: e.smtpPort,
        cafile: trust,
        mechanism: 'PLAIN',
        user: address('871122334455'),
        password: pw(address('871122334455')),
        from: address('871122334455'),
        to: [address('10123456789')],
        message: 'From: <x>\r\nSubject: smtplib\r\n\r\nbody\r\n',
      });
      expect(result).toMatchObject({ ok: true, tls: 'TLSv1.3', auth: [235, '2.7.0 Authentication successful'] });
    },
  );

  it('curl smtp:// with --ssl-reqd delivers a message', async () => {
    const e = endpoint('psc');
    const mail = path.join(files, 'curl.eml');
    writeFileSync(mail, 'From: <a>\r\nTo: <b>\r\nSubject: curl\r\n\r\nhello from curl\r\n');
    const r = await run('curl', [
      '-sS',
      '--ssl-reqd',
      '--cacert',
      trust,
      `smtp://${e.address}:${e.smtpPort}`,
      '--user',
      `${address('871122334455')}:${pw(address('871122334455'))}`,
      '--mail-from',
      address('871122334455'),
      '--mail-rcpt',
      address('871122334455'),
      '-T',
      mail,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const message = await waitFor(
      t.platform.journal,
      { kind: 'message', endpoint: 'psc' },
      (o) => o.data.subject === 'curl',
    );
    expect(message.mailbox).toBe(address('871122334455'));
  });

  it('accepts and stores mail to the test patient domain', async () => {
    const e = endpoint('psc');
    const patient = `123456789012345@${t.config.patientDomain}`;
    const result = await python({
      host: e.address,
      port: e.smtpPort,
      cafile: trust,
      mechanism: 'LOGIN',
      user: address('871122334455'),
      password: pw(address('871122334455')),
      from: address('871122334455'),
      to: [patient],
      message: 'Subject: patient\r\nX-MSS-MES: FIN\r\n\r\nx\r\n',
    });
    expect(result).toMatchObject({ ok: true, refused: {} });
    const mailbox = await t.platform.mailboxes.find(patient);
    expect(mailbox?.type).toBe('patient');
    const messages = await t.platform.mailboxes.messages(mailbox!.id, 'INBOX');
    expect(messages.at(-1)!.raw.toString()).toContain('X-MSS-MES: FIN');
  });

  it('refuses an XOAUTH2 bearer from an unknown issuer and records why, without keeping the token', async () => {
    const e = endpoint('psc');
    const token = fakeJwt({
      iss: 'https://psc.example',
      SubjectNameID: '871122334455',
      acr: 'eidas1',
      scope: 'openid scope_all',
    });
    const result = await python({
      host: e.address,
      port: e.smtpPort,
      cafile: trust,
      mechanism: 'XOAUTH2',
      user: address('871122334455'),
      token,
    });
    expect(result).toMatchObject({ ok: false, code: 535 });
    const auth = await waitFor(
      t.platform.journal,
      { kind: 'auth', endpoint: 'psc' },
      (o) => o.data.mechanism === 'XOAUTH2',
    );
    expect(auth.data).toMatchObject({
      outcome: 'failure',
      reason: 'bearer_wrong_issuer',
      bearerVerified: false,
      initialResponse: true,
    });
    expect(auth.data.bearer).toMatchObject({ format: 'jwt', claims: { SubjectNameID: '871122334455', acr: 'eidas1' } });
    expect(JSON.stringify(auth.data)).not.toContain(token);
  });
});

describe('mechanisms MSSanté does not use', () => {
  it.each([
    ['OAUTHBEARER', (user: string) => `n,a=${user},\x01auth=Bearer abc.def.ghi\x01\x01`],
    ['EXTERNAL', (user: string) => user],
  ])('decodes, records and refuses %s (not advertised)', async (mechanism, blob) => {
    const e = endpoint('psc');
    const initial = Buffer.from(blob(address('871122334455'))).toString('base64');
    const r = await run('python3', [
      '-c',
      [
        'import smtplib, ssl, sys',
        `ctx = ssl.create_default_context(cafile=${JSON.stringify(trust)})`,
        `s = smtplib.SMTP(${JSON.stringify(e.address)}, ${e.smtpPort}); s.starttls(context=ctx); s.ehlo()`,
        `print(s.esmtp_features.get("auth")); print(*s.docmd("AUTH", ` +
          `${JSON.stringify(`${mechanism} ${initial}`)})); s.quit()`,
      ].join('\n'),
    ]);
    expect(r.stdout).toMatch(/^ ?PLAIN LOGIN XOAUTH2\n504 b'5\.5\.4 Unrecognized authentication type'/);
    const auth = await waitFor(
      t.platform.journal,
      { kind: 'auth', endpoint: 'psc' },
      (o) => o.data.mechanism === mechanism,
    );
    expect(auth.data).toMatchObject({
      outcome: 'failure',
      reason: 'mechanism_not_offered',
      user: mechanism === 'OAUTHBEARER' ? address('871122334455') : '',
    });
  });
});

describe('TLS facts recorded', () => {
  it('uses a DHE group of 2048 bits when the client asks for a DHE suite', async () => {
    const e = endpoint('psc');
    const r = await run(
      'openssl',
      [
        's_client',
        '-connect',
        `${e.address}:${e.smtpPort}`,
        '-starttls',
        'smtp',
        '-tls1_2',
        '-cipher',
        'DHE-RSA-AES256-GCM-SHA384',
        '-CAfile',
        trust,
      ],
      { input: 'QUIT\r\n' },
    );
    expect(r.stdout).toMatch(/Server Temp Key: DH, 2048 bits/);
    expect(r.stdout).toMatch(/Cipher is DHE-RSA-AES256-GCM-SHA384/);
  });

  it('names a forbidden suite offered by openssl s_client', async () => {
    const e = endpoint('org');
    const r = await run(
      'openssl',
      [
        's_client',
        '-connect',
        `${e.address}:${e.smtpPort}`,
        '-starttls',
        'smtp',
        '-tls1_2',
        '-cipher',
        'ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA',
        '-CAfile',
        trust,
      ],
      { input: 'QUIT\r\n' },
    );
    expect(r.stdout).toContain('ECDHE-RSA-AES128-GCM-SHA256');
    const hello = await waitFor(
      t.platform.journal,
      { kind: 'tls.client_hello', endpoint: 'org' },
      (o) => o.data.highestVersion === 'TLSv1.2',
    );
    expect((hello.data.cipherSuites as { name: string }[]).map((s) => s.name)).toEqual([
      'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      'TLS_RSA_WITH_AES_128_CBC_SHA',
      'TLS_EMPTY_RENEGOTIATION_INFO_SCSV',
    ]);
    const established = await waitFor(t.platform.journal, { kind: 'tls.established', sessionId: hello.sessionId! });
    expect(established.data).toMatchObject({ version: 'TLSv1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' });
  });

  it('refuses a TLS 1.1-only client and records both its hello and the refusal', async () => {
    const e = endpoint('org');
    const r = await run(
      'openssl',
      [
        's_client',
        '-connect',
        `${e.address}:${e.smtpPort}`,
        '-starttls',
        'smtp',
        '-tls1_1',
        '-cipher',
        'DEFAULT@SECLEVEL=0',
      ],
      { input: '' },
    );
    expect(r.code).not.toBe(0);
    const hello = await waitFor(
      t.platform.journal,
      { kind: 'tls.client_hello', endpoint: 'org' },
      (o) => o.data.highestVersion === 'TLSv1.1',
    );
    const failed = await waitFor(t.platform.journal, { kind: 'tls.failed', sessionId: hello.sessionId! });
    expect(failed.data).toMatchObject({ stage: 'handshake', by: 'server', error: 'ERR_SSL_UNSUPPORTED_PROTOCOL' });
  });

  it.each([
    ['org-expire', 'certificate_expired', {}],
    ['psc-nonigc', 'unknown_ca', {}],
    ['org-revoq', 'certificate_revoked', { crl: true }],
  ] as const)('records the alert of a client refusing the %s certificate', async (id, alert, options) => {
    const e = endpoint(id);
    const job: Record<string, unknown> = {
      host: e.address,
      port: e.smtpPort,
      cafile: trust,
      mechanism: 'PLAIN',
      user: address('10123456789'),
      password: pw(address('10123456789')),
    };
    if ('crl' in options) job.crlfile = path.join(files, crlFileName());
    const result = await python(job);
    expect(result).toMatchObject({ ok: false, error: 'ssl', stage: 'starttls' });
    const failed = await waitFor(
      t.platform.journal,
      { kind: 'tls.failed', endpoint: id },
      (o) => o.data.stage === 'handshake' && o.data.alert === alert,
    );
    expect(failed.data).toMatchObject({ stage: 'handshake', by: 'client' });
    const all = await t.platform.journal.query({ sessionId: failed.sessionId! });
    expect(all.some((o) => o.kind === 'auth')).toBe(false);
    expect(all.find((o) => o.kind === 'session.close')?.data).toMatchObject({ tls: false, commandsAfterTls: 0 });
  });

  it('staples the OCSP answer for the revoked certificate when curl asks for it, and curl refuses', async () => {
    const e = endpoint('psc-revoq');
    // Curl's defaults: TLS 1.3 with an X25519 key share, hence a HelloRetryRequest, through which the staple
    // goes all the same (see src/mail/tls/starttls.ts and test/ocsp-stapling.test.ts).
    const r = await run('curl', [
      '-sS',
      '--ssl-reqd',
      '--cert-status',
      '--cacert',
      trust,
      `smtp://${e.address}:${e.smtpPort}`,
      '--user',
      `${address('871122334455')}:${pw(address('871122334455'))}`,
      '-X',
      'NOOP',
    ]);
    expect(r.code).toBe(91); // CURLE_SSL_INVALIDCERTSTATUS
    expect(r.stderr).toContain('revocation reason');
    const established = await waitFor(t.platform.journal, { kind: 'tls.established', endpoint: 'psc-revoq' });
    expect(established.data.ocspStapled).toBe(true);
    const session = await t.platform.journal.query({ sessionId: established.sessionId! });
    expect(session.some((o) => o.kind === 'auth')).toBe(false);
  });

  it(
    'records the OU of an ORG_AUTH_CLI client certificate ' + 'and accepts PLAIN on the applicative mailbox with it',
    async () => {
      const e = endpoint('org');
      const client = await t.platform.pki.issueClientCertificate('10123456789');
      const certfile = path.join(files, 'client.pem');
      const keyfile = path.join(files, 'client.key');
      writeFileSync(certfile, client.chainPem);
      writeFileSync(keyfile, client.keyPem);
      const result = await python({
        host: e.address,
        port: e.smtpPort,
        cafile: trust,
        certfile,
        keyfile,
        mechanism: 'PLAIN',
        user: address('10123456789'),
        password: 'not-the-password',
      });
      expect(result).toMatchObject({ ok: true, auth: [235, '2.7.0 Authentication successful'] });
      const auth = await waitFor(
        t.platform.journal,
        { kind: 'auth', endpoint: 'org' },
        (o) => o.data.reason === 'client_certificate',
      );
      const established = (await t.platform.journal.query({ sessionId: auth.sessionId!, kind: 'tls.established' }))[0]!;
      expect(established.data.clientCertificate).toMatchObject({ present: true, ou: '10123456789', trusted: true });
    },
  );
});

describe('what a conformant server refuses', () => {
  it('refuses AUTH and MAIL before STARTTLS with 530 and records credentials sent in clear', async () => {
    const e = endpoint('org');
    const blob = Buffer.from(`\0${address('10123456789')}\0${pw(address('10123456789'))}`).toString('base64');
    const replies = await talk(e.address, e.smtpPort, [
      'EHLO lps.test',
      `AUTH PLAIN ${blob}`,
      'MAIL FROM:<a@b.test>',
      'QUIT',
    ]);
    expect(replies).toMatch(/^250[ -]STARTTLS/m);
    expect(replies).not.toMatch(/AUTH PLAIN/);
    expect(replies.match(/^530 5\.7\.0/gm)).toHaveLength(2);
    const auth = await waitFor(
      t.platform.journal,
      { kind: 'auth', endpoint: 'org' },
      (o) => o.data.reason === 'tls_required',
    );
    expect(auth.data).toMatchObject({ credentialsInClear: true, user: address('10123456789'), tls: false });
  });

  it('answers garbage, over-long lines and too many errors without disturbing other clients', async () => {
    const e = endpoint('org');
    const garbage = talk(
      e.address,
      e.smtpPort,
      ['\x16\x03\x01\x00\xff garbage', 'X'.repeat(100_000), '', 'FOO', 'BAR', 'BAZ', 'QUX'],
      { raw: true },
    );
    const sane = python({
      host: e.address,
      port: e.smtpPort,
      cafile: trust,
      mechanism: 'PLAIN',
      user: address('871122334455'),
      password: pw(address('871122334455')),
    });
    const [replies, result] = await Promise.all([garbage, sane]);
    expect(replies).toMatch(/^500 5\.5\.2 /m);
    expect(replies).toMatch(/^500 5\.5\.6 Line too long/m);
    expect(replies).toMatch(/^421 4\.3\.2 .*Too many errors/m);
    expect(result).toMatchObject({ ok: true });
  });

  it(
    'rejects an oversized message with 552 (declared or not), ' + 'keeps the session usable, and refuses relaying',
    async () => {
      const e = endpoint('psc');
      const big = `${'a'.repeat(100)}\r\n`;
      const job = {
        host: e.address,
        port: e.smtpPort,
        cafile: trust,
        mechanism: 'PLAIN',
        user: address('871122334455'),
        password: pw(address('871122334455')),
        from: address('871122334455'),
        to: [address('871122334455')],
        message: `Subject: big\r\n\r\n${big.repeat(1000)}`,
        noop_after: true,
      };
      // smtplib declares SIZE= in MAIL FROM: refused at once.
      const declared = await python(job);
      expect(declared).toMatchObject({
        ok: true,
        send_error: [552, expect.stringContaining('5.3.4')],
        noop: [250, '2.0.0 Ok'],
      });
      // Without the declaration the whole DATA is read, dropped, and refused.
      const undeclared = await python({ ...job, no_size: true });
      expect(undeclared).toMatchObject({
        ok: true,
        send_error: [552, expect.stringContaining('5.3.4')],
        noop: [250, '2.0.0 Ok'],
      });
      const tooLarge = await waitFor(
        t.platform.journal,
        { kind: 'message', endpoint: 'psc' },
        (o) => o.data.outcome === 'too_large',
      );
      expect(tooLarge.data.size).toBeGreaterThan(64 * 1024);

      const relay = await python({
        host: e.address,
        port: e.smtpPort,
        cafile: trust,
        mechanism: 'PLAIN',
        user: address('871122334455'),
        password: pw(address('871122334455')),
        from: address('871122334455'),
        to: ['someone@example.org'],
        message: 'Subject: relay\r\n\r\nx\r\n',
      });
      expect(relay).toMatchObject({ ok: false, error: 'SMTPRecipientsRefused' });
    },
  );

  it('limits the recipients of one message', async () => {
    const e = endpoint('psc');
    const many = Array.from({ length: 4 }, (_, i) => `${100000000000000 + i}@${t.config.patientDomain}`);
    const result = await python({
      host: e.address,
      port: e.smtpPort,
      cafile: trust,
      mechanism: 'PLAIN',
      user: address('871122334455'),
      password: pw(address('871122334455')),
      from: address('871122334455'),
      to: many,
      message: 'Subject: many\r\n\r\nx\r\n',
    });
    expect(result).toMatchObject({ ok: true, refused: { [many[3]!]: [452, '4.5.3 Too many recipients'] } });
  });

  it('closes a session from the server side with 421, recorded as closed by the server', async () => {
    const e = endpoint('psc');
    const socket = net.connect(e.smtpPort, e.address);
    const closed = new Promise((r) => socket.once('close', r));
    const received: string[] = [];
    socket.on('data', (d) => received.push(d.toString()));
    await expect.poll(() => received.join('')).toMatch(/^220 /);
    const live = t.platform.sessions.list().find((s) => s.session.clientPort === socket.localPort)!;
    expect(t.platform.sessions.close(live.session.id, 'Session closed by the test platform')).toBe(true);
    await expect.poll(() => received.join('')).toMatch(/421 4\.3\.2 .*Session closed by the test platform/);
    await closed;
    const close = await waitFor(t.platform.journal, { kind: 'session.close', sessionId: live.session.id });
    expect(close.data).toMatchObject({ by: 'server' });
  });

  it('closes a mailbox’s next session after its first accepted message when armed to (MSS-CONF.11)', async () => {
    const e = endpoint('psc');
    const armed = t.platform.sessions.armClose({
      mailbox: address('871122334455'),
      protocol: 'smtp',
      on: 'message-accepted',
      delayMs: 0,
      reason: 'Session closed by the operator',
    });
    const result = await python({
      host: e.address,
      port: e.smtpPort,
      cafile: trust,
      mechanism: 'PLAIN',
      user: address('871122334455'),
      password: pw(address('871122334455')),
      from: address('871122334455'),
      to: [address('871122334455')],
      message: 'Subject: reopen\r\n\r\nx\r\n',
      noop_after: true,
    });
    expect(result).toMatchObject({
      refused: {},
      noop: [421, expect.stringContaining('Session closed by the operator')],
    });
    const { sessionId, closed } = await armed.fired;
    expect(closed).toBe(true);
    const session = await t.platform.journal.query({ sessionId });
    expect(session.find((o) => o.kind === 'message')!.data.subject).toBe('reopen');
    expect(session.find((o) => o.kind === 'session.close')!.data).toMatchObject({
      by: 'server',
      reason: 'Session closed by the operator',
    });
    // One-shot: the next session is left alone.
    const again = await python({
      host: e.address,
      port: e.smtpPort,
      cafile: trust,
      mechanism: 'PLAIN',
      user: address('871122334455'),
      password: pw(address('871122334455')),
      from: address('871122334455'),
      to: [address('871122334455')],
      message: 'Subject: again\r\n\r\nx\r\n',
      noop_after: true,
    });
    expect(again).toMatchObject({ ok: true, noop: [250, '2.0.0 Ok'] });
  });

  it('discards and records plaintext pipelined after STARTTLS (RFC 3207 §5)', async () => {
    const e = endpoint('psc');
    const replies = await talk(e.address, e.smtpPort, ['EHLO lps.test', 'STARTTLS\r\nRSET'], { raw: true });
    expect(replies).toMatch(/^220 2\.0\.0 Ready to start TLS/m);
    const injection = await waitFor(t.platform.journal, { kind: 'tls.plaintext_injection', endpoint: 'psc' });
    expect(injection.data).toMatchObject({ bytes: 6, discarded: true });
  });
});

describe('idle timeouts', () => {
  it('closes an idle unauthenticated session with 421 4.4.2, recorded as a timeout', async () => {
    const quick = await startTestPlatform({ smtp: { preAuthTimeoutSeconds: 1 } });
    try {
      const e = quick.endpoint('org');
      const replies = await talk(e.address, e.smtpPort, ['EHLO lps.test'], { raw: true });
      expect(replies).toMatch(/^421 4\.4\.2 .*Timeout exceeded/m);
      const close = await waitFor(quick.platform.journal, { kind: 'session.close' });
      expect(close.data).toMatchObject({ by: 'timeout' });
    } finally {
      await quick.stop();
    }
  });
});

/** A raw TCP conversation: sends each line and collects everything the server answered. */
function talk(host: string, port: number, lines: string[], options: { raw?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    let received = '';
    let sent = 0;
    socket.on('data', (d) => {
      received += d.toString('latin1');
      if (sent < lines.length && /\r\n$/.test(received)) socket.write(`${lines[sent++]}\r\n`);
      else if (sent >= lines.length && !options.raw) socket.end();
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
    setTimeout(() => socket.end(), 3000).unref();
  });
}

function readTrust(): string {
  return readFileSync(trust, 'utf8');
}

function crlFileName(): string {
  const name = readdirSync(files).find((f) => f.endsWith('.crl.pem') && f.includes('org'));
  if (!name) throw new Error(`no organisation CA CRL among ${readdirSync(files).join(', ')}`);
  return name;
}

function fakeJwt(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return (
    `${part({ alg: 'RS256', typ: 'JWT' })}.` +
    `${part({ ...claims, exp: Math.floor(Date.now() / 1000) + 120 })}.c2lnbmF0dXJl`
  );
}
