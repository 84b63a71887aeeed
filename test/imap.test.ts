// IMAP endpoints exercised by clients nobody here wrote: imapflow, python3 imaplib, curl and openssl s_client,
// plus raw sockets where a test needs exact bytes (literals, garbage, abrupt disconnects). Each test asserts
// what the client experienced and what the journal recorded.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndpointId } from '../src/config/schema.ts';
import { identityDb } from '../src/identity/db.ts';
import { PSC_TOOLS_SECRET, TOOLS_CLIENT_ID } from '../src/identity/issuers.ts';
import { PscTokens } from '../src/identity/psc-token.ts';
import { Secrets } from '../src/identity/secrets.ts';
import type { Observation } from '../src/observe/journal.ts';
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
const MAX_LITERAL = 64 * 1024;
/** A PSC test identity (8 + RPPS) that the simulator issues tokens for. */
const PSC_IDNAT = '810000000555';

const address = (local: string) => `${local}@${t.config.mailDomain}`;
const endpoint = (id: EndpointId) => t.endpoint(id);

beforeAll(async () => {
  t = await startTestPlatform({ imap: { maxBadCommands: 5, maxLiteralBytes: MAX_LITERAL } });
  files = mkdtempSync(path.join(os.tmpdir(), 'motco-imap-files-'));
  await t.platform.pki.exportTrust(files);
  trust = path.join(files, 'igc-sante-test-roots.pem');
  await t.platform.mailboxes.create(address('10123456789'), 'applicative');
  for (const local of ['871122334455', '871122334466', '871122334477', '871122334488', '871122334499'])
    await t.platform.mailboxes.create(address(local), 'personal');
  await t.platform.mailboxes.create(address(PSC_IDNAT), 'personal');
  passwords = await passwordsOf(
    t,
    (await t.platform.mailboxes.list()).map((m) => m.address),
  );
  await t.platform.identity.psc.simulator!.identities.create({
    idnat: PSC_IDNAT,
    givenName: 'Claire',
    familyName: 'Moreau',
  });
});

/**
 * Sends a message to a mailbox through the platform's own SMTP endpoint (the mailbox's own password, as any client
 * may).
 */
async function deliverBySmtp(to: string, subject: string): Promise<void> {
  const e = endpoint('psc');
  const transport = nodemailer.createTransport({
    host: e.address,
    port: e.smtpPort,
    secure: false,
    requireTLS: true,
    tls: { ca: [readFileSync(trust, 'utf8')], servername: e.host },
    auth: { user: to, pass: pw(to) },
  });
  await transport.sendMail({ from: to, to, subject, text: 'Bonjour' });
  transport.close();
}

/** A fresh PSC access token for a test identity, by CIBA through the platform's PSC simulator. */
async function pscToken(idnat: string): Promise<string> {
  const secret = (await new Secrets(identityDb(t.platform.store.db)).get(PSC_TOOLS_SECRET))!;
  const tokens = await PscTokens.obtain({
    discoveryUrl: t.platform.identity.psc.discoveryUrl,
    clientId: TOOLS_CLIENT_ID,
    clientSecret: secret,
    idnat,
  });
  return tokens.fresh();
}

afterAll(async () => {
  await t?.stop();
  if (files) rmSync(files, { recursive: true, force: true });
});

function python(job: Record<string, unknown>) {
  return run('python3', ['test/clients/imap_client.py'], { input: JSON.stringify(job) }).then((r) => {
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout) as Record<string, any>;
  });
}

function imapflow(id: EndpointId, auth: { user: string; pass?: string; accessToken?: string; loginMethod?: string }) {
  const e = endpoint(id);
  const client = new ImapFlow({
    host: e.address,
    port: e.imapPort,
    secure: false,
    doSTARTTLS: true,
    tls: { ca: [readFileSync(trust, 'utf8')], servername: e.host },
    auth: auth as { user: string; pass: string },
    logger: false,
  });
  client.on('error', () => {}); // a server-side close is asserted through the 'close' event
  return client;
}

async function sendBySmtp(from: string, to: string, subject: string, text = 'Bonjour') {
  const e = endpoint('psc');
  const transport = nodemailer.createTransport({
    host: e.address,
    port: e.smtpPort,
    secure: false,
    requireTLS: true,
    tls: { ca: [readFileSync(trust, 'utf8')], servername: e.host },
    auth: { user: from, pass: pw(from) },
  });
  try {
    await transport.sendMail({ from, to, subject, text });
  } finally {
    transport.close();
  }
}

function fakeJwt(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return (
    `${part({ alg: 'RS256', typ: 'JWT' })}.` +
    `${part({ ...claims, exp: Math.floor(Date.now() / 1000) + 120 })}.c2lnbmF0dXJl`
  );
}

const commands = (session: Observation[]) =>
  session.filter((o) => o.kind === 'command').map((o) => o.data as Record<string, any>);

/** A raw IMAP conversation over a socket, upgraded with STARTTLS when asked, for tests that need exact bytes. */
class RawImap {
  private socket!: net.Socket | tls.TLSSocket;
  private received = '';
  private mark = 0;
  private tag = 0;
  private waiters: (() => void)[] = [];
  closed!: Promise<void>;

  static async open(id: EndpointId, options: { tls?: boolean; login?: string } = {}): Promise<RawImap> {
    const raw = new RawImap();
    const e = endpoint(id);
    raw.attach(net.connect(e.imapPort, e.address));
    await raw.until(/^\* OK .*\r\n/m);
    if (options.tls || options.login) await raw.starttls(id);
    if (options.login) expect(await raw.command(`LOGIN ${options.login} ${pw(options.login)}`)).toMatch(/^t\d+ OK /m);
    return raw;
  }

  private attach(socket: net.Socket | tls.TLSSocket): void {
    this.socket = socket;
    socket.on('data', (d: Buffer) => {
      this.received += d.toString('latin1');
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    void this.closed.then(() => this.waiters.splice(0).forEach((wake) => wake()));
  }

  get localPort(): number {
    return (
      (this.socket instanceof tls.TLSSocket
        ? (this.socket as unknown as { _parent?: net.Socket })._parent?.localPort
        : undefined) ?? this.socket.localPort!
    );
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Waits until what arrived since the last match matches; returns that text and moves past it. */
  async until(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.received.slice(this.mark);
      const match = pattern.exec(rest);
      if (match) {
        this.mark += match.index + match[0].length;
        return rest.slice(0, match.index + match[0].length);
      }
      if (this.socket.destroyed || Date.now() > deadline)
        throw new Error(`no ${pattern} in ${JSON.stringify(rest.slice(-500))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100).unref();
      });
    }
  }

  /** Sends a tagged command; resolves with everything up to its tagged answer. */
  async command(text: string | Buffer): Promise<string> {
    const tag = `t${++this.tag}`;
    this.write(Buffer.concat([Buffer.from(`${tag} `), Buffer.from(text), Buffer.from('\r\n')]));
    return this.until(new RegExp(`^${tag} (OK|NO|BAD)[^\r\n]*\r\n`, 'm'));
  }

  async starttls(id: EndpointId): Promise<void> {
    expect(await this.command('STARTTLS')).toMatch(/OK/);
    const plain = this.socket as net.Socket;
    plain.removeAllListeners('data');
    const secure = tls.connect({ socket: plain, ca: readFileSync(trust), servername: endpoint(id).host });
    await new Promise<void>((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
    this.attach(secure);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

async function liveSession(port: number) {
  await expect
    .poll(() => t.platform.sessions.list().some((s) => s.session.protocol === 'imap' && s.session.clientPort === port))
    .toBe(true);
  return t.platform.sessions.list().find((s) => s.session.protocol === 'imap' && s.session.clientPort === port)!;
}

describe('IMAP with conformant clients', () => {
  it(
    'imapflow: STARTTLS, LOGIN with the mailbox’s own password, ' +
      'SELECT INBOX, FETCH a message sent by SMTP; the journal tells it all',
    async () => {
      const user = address('871122334455');
      await sendBySmtp(user, user, 'Arrivé par SMTP', 'Bonjour par SMTP');
      const client = imapflow('psc', { user, pass: pw(user), loginMethod: 'LOGIN' });
      await client.connect();
      const mailbox = await client.mailboxOpen('INBOX');
      expect(mailbox.exists).toBeGreaterThanOrEqual(1);
      const message =
        (await client.fetchOne('*', {
          envelope: true,
          source: true,
          flags: true,
          bodyStructure: true,
          uid: true,
        })) || undefined;
      expect(message?.envelope?.subject).toBe('Arrivé par SMTP');
      expect(message?.envelope?.from?.[0]?.address).toBe(user);
      expect(message?.source?.toString()).toMatch(/^Received: from .*\r\n[\s\S]*Bonjour par SMTP/);
      expect(message?.bodyStructure?.type).toBe('text/plain');
      await client.logout();

      const auth = await waitFor(
        t.platform.journal,
        { kind: 'auth', protocol: 'imap', mailbox: user },
        (o) => o.data.command === 'LOGIN',
      );
      expect(auth.data).toMatchObject({
        mechanism: 'LOGIN-COMMAND',
        user,
        outcome: 'success',
        reason: 'password',
        tls: true,
      });
      const session = await waitFor(t.platform.journal, { kind: 'session.close', sessionId: auth.sessionId! }).then(
        () => t.platform.journal.query({ sessionId: auth.sessionId! }),
      );
      const kinds = session.map((o) => o.kind);
      expect(kinds.indexOf('tls.client_hello')).toBeLessThan(kinds.indexOf('tls.established'));
      expect(kinds.indexOf('tls.established')).toBeLessThan(kinds.indexOf('auth'));
      const verbs = commands(session);
      expect(verbs.map((c) => c.verb)).toEqual(
        expect.arrayContaining([
          'STARTTLS',
          'CAPABILITY',
          'ID',
          'LOGIN',
          'NAMESPACE',
          'LIST',
          'SELECT',
          'FETCH',
          'LOGOUT',
        ]),
      );
      expect(verbs.find((c) => c.verb === 'STARTTLS')).toMatchObject({
        reply: { status: 'OK' },
        tls: false,
        authenticated: false,
      });
      expect(verbs.find((c) => c.verb === 'LOGIN')).toMatchObject({
        args: `"${user}" <password>`,
        reply: { status: 'OK' },
        tls: true,
      });
      expect(verbs.find((c) => c.verb === 'SELECT')).toMatchObject({
        folder: 'INBOX',
        reply: { status: 'OK', code: 'READ-WRITE' },
        authenticated: true,
      });
      expect(verbs.find((c) => c.verb === 'ID')!.client).toMatchObject({ name: 'imapflow' });
      expect(verbs.every((c) => typeof c.tag === 'string' && ['OK', 'NO', 'BAD'].includes(c.reply.status))).toBe(true);
      expect(session.find((o) => o.kind === 'session.close')!.data).toMatchObject({
        by: 'client',
        reason: 'LOGOUT',
        tls: true,
      });
      expect(JSON.stringify(session)).not.toContain(pw(user));
    },
  );

  it('imapflow: AUTHENTICATE PLAIN answering the continuation, APPEND with APPENDUID, MOVE with COPYUID', async () => {
    const user = address('871122334466');
    const client = imapflow('psc', { user, pass: pw(user), loginMethod: 'AUTH=PLAIN' });
    await client.connect();
    const appended = await client.append(
      'Drafts',
      'Subject: brouillon\r\n\r\ntexte\r\n',
      ['\\Draft', '$Label1'],
      new Date('2025-01-06T09:15:00Z'),
    );
    expect(appended).toMatchObject({ destination: 'Drafts', uid: 1 });
    await client.mailboxOpen('Drafts');
    const draft = await client.fetchOne('1', { flags: true, internalDate: true }, { uid: true });
    expect(draft && [...draft.flags!]).toEqual(expect.arrayContaining(['\\Draft', '$Label1']));
    expect(draft && new Date(draft.internalDate!).toISOString()).toBe('2025-01-06T09:15:00.000Z');
    const moved = (await client.messageMove('1', 'Trash', { uid: true })) || undefined;
    expect(moved?.uidMap?.get(1)).toBe(1);
    expect(await client.status('Drafts', { messages: true })).toMatchObject({ messages: 0 });
    expect(await client.status('Trash', { messages: true })).toMatchObject({ messages: 1 });
    await client.logout();

    const auth = await waitFor(
      t.platform.journal,
      { kind: 'auth', protocol: 'imap', mailbox: user },
      (o) => o.data.mechanism === 'PLAIN',
    );
    // imapflow sends PLAIN without an initial response even when SASL-IR is offered (it uses one for XOAUTH2).
    expect(auth.data).toMatchObject({
      command: 'AUTHENTICATE',
      initialResponse: false,
      outcome: 'success',
      reason: 'password',
    });
    const verbs = commands(await t.platform.journal.query({ sessionId: auth.sessionId! }));
    expect(verbs.find((c) => c.verb === 'AUTHENTICATE')).toMatchObject({ args: 'PLAIN', reply: { status: 'OK' } });
    expect(verbs.find((c) => c.verb === 'APPEND')).toMatchObject({
      folder: 'Drafts',
      args: expect.stringMatching(/^Drafts \(\\Draft \$Label1\) " ?6-Jan-2025 09:15:00 \+0000" \{\d+ bytes\}$/),
      reply: { status: 'OK', code: expect.stringMatching(/^APPENDUID \d+ 1$/) },
    });
    expect(verbs.find((c) => c.verb === 'UID MOVE')).toMatchObject({ folder: 'Trash', reply: { status: 'OK' } });
  });

  it('python imaplib: LOGIN, SELECT, SEARCH, FETCH with \\Seen set, STORE, EXPUNGE; EXAMINE is read-only', async () => {
    // An applicative mailbox through psc: on org it opens only with its ORG_AUTH_CLI certificate.
    const user = address('10123456789');
    const e = endpoint('psc');
    await sendBySmtp(address('871122334455'), user, 'Pour imaplib');
    const result = await python({
      host: e.address,
      port: e.imapPort,
      cafile: trust,
      mechanism: 'LOGIN',
      user,
      password: pw(user),
      steps: [
        ['select', 'INBOX'],
        ['search', null, 'SUBJECT', '"imaplib"'],
        ['fetch', '1', '(FLAGS BODY[HEADER.FIELDS (SUBJECT)])'],
        ['fetch', '1', '(FLAGS)'],
        ['select', 'INBOX', true],
        ['store', '1', '+FLAGS', '(\\Flagged)'],
        ['select', 'INBOX'],
        ['store', '1', '+FLAGS', '(\\Deleted)'],
        ['expunge'],
      ],
    });
    expect(result).toMatchObject({
      ok: true,
      tls: expect.stringMatching(/^TLSv1\.[23]$/),
      auth: ['OK', [expect.stringMatching(/^\[CAPABILITY .*\] Authenticated$/)]],
    });
    expect(result.greeting).toMatch(/^\* OK \[CAPABILITY IMAP4rev1 .*STARTTLS LOGINDISABLED\] /);
    // asked again after TLS
    expect(result.capabilities).toEqual(expect.arrayContaining(['IMAP4REV1', 'AUTH=PLAIN', 'AUTH=XOAUTH2']));
    const [select, search, fetchHeader, fetchFlags, examine, readOnly, reselect, store, expunge] = result.steps;
    expect(select).toEqual(['OK', ['1']]);
    expect(search).toEqual(['OK', ['1']]);
    // \Seen is set by the non-PEEK fetch and reported with it.
    expect(fetchHeader[1][0][0]).toMatch(/^1 \(FLAGS \(\\Seen \\Recent\) BODY\[HEADER\.FIELDS \(SUBJECT\)\] \{\d+\}$/);
    expect(fetchHeader[1][0][1]).toBe('Subject: Pour imaplib\r\n\r\n');
    expect(fetchFlags).toEqual(['OK', ['1 (FLAGS (\\Seen \\Recent))']]);
    expect(examine).toEqual(['OK', ['1']]);
    expect(readOnly[0]).toBe('NO');
    expect(reselect).toEqual(['OK', ['1']]);
    // \Recent went to the first session that selected it
    expect(store).toEqual(['OK', ['1 (FLAGS (\\Seen \\Deleted))']]);
    expect(expunge).toEqual(['OK', ['1']]);
  });

  it('curl imap:// with --ssl-reqd lists folders and fetches a header section', async () => {
    const user = address('871122334477');
    await sendBySmtp(user, user, 'Pour curl');
    const e = endpoint('psc');
    const list = await run('curl', [
      '-sS',
      '--ssl-reqd',
      '--cacert',
      trust,
      '--connect-to',
      `${e.host}:${e.imapPort}:${e.address}:${e.imapPort}`,
      `imap://${e.host}:${e.imapPort}/`,
      '--user',
      `${user}:${pw(user)}`,
    ]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('* LIST (\\HasNoChildren \\Sent) "/" Sent');
    const header = await run('curl', [
      '-sS',
      '--ssl-reqd',
      '--cacert',
      trust,
      '--connect-to',
      `${e.host}:${e.imapPort}:${e.address}:${e.imapPort}`,
      `imap://${e.host}:${e.imapPort}/INBOX;UID=1/;SECTION=HEADER.FIELDS%20(SUBJECT)`,
      '--user',
      `${user}:${pw(user)}`,
    ]);
    expect(header.code, header.stderr).toBe(0);
    expect(header.stdout).toBe('Subject: Pour curl\r\n\r\n');
  });

  it('openssl s_client -starttls imap: AUTH= mechanisms appear only after TLS, never OAUTHBEARER', async () => {
    const e = endpoint('psc');
    const r = await run(
      'openssl',
      [
        's_client',
        '-connect',
        `${e.address}:${e.imapPort}`,
        '-starttls',
        'imap',
        '-servername',
        e.host,
        '-CAfile',
        trust,
        '-quiet',
      ],
      { input: 'a CAPABILITY\r\nb LOGOUT\r\n' },
    );
    expect(r.stdout).toMatch(/^\* CAPABILITY IMAP4rev1 .*AUTH=PLAIN AUTH=LOGIN AUTH=XOAUTH2\r$/m);
    expect(r.stdout).not.toMatch(/STARTTLS|LOGINDISABLED|OAUTHBEARER/);
    expect(r.stdout).toMatch(/^b OK LOGOUT completed/m);
    const plain = await RawImap.open('psc');
    const capabilities = await plain.command('CAPABILITY');
    expect(capabilities).toMatch(/^\* CAPABILITY IMAP4rev1 .*STARTTLS LOGINDISABLED\r$/m);
    expect(capabilities).not.toMatch(/AUTH=/);
    plain.destroy();
  });
});

describe('XOAUTH2', () => {
  it(
    'imapflow sends XOAUTH2 with an initial response and a fresh PSC token: ' +
      'authenticated, recorded with the claims, never the token',
    async () => {
      const user = address(PSC_IDNAT);
      const token = await pscToken(PSC_IDNAT);
      await deliverBySmtp(user, 'Par SMTP, lu en XOAUTH2');
      const client = imapflow('psc', { user, accessToken: token });
      await client.connect();
      const inbox = await client.mailboxOpen('INBOX');
      expect(inbox.path).toBe('INBOX');
      const message = (await client.fetchOne('*', { source: true, envelope: true })) || undefined;
      expect(message?.envelope?.subject).toBe('Par SMTP, lu en XOAUTH2');
      await client.logout();
      const auth = await waitFor(
        t.platform.journal,
        { kind: 'auth', protocol: 'imap' },
        (o) => o.data.mechanism === 'XOAUTH2' && o.data.user === user && o.data.initialResponse === true,
      );
      expect(auth.data).toMatchObject({
        command: 'AUTHENTICATE',
        outcome: 'success',
        reason: 'bearer',
        bearerVerified: true,
        bearer: { format: 'jwt', claims: { SubjectNameID: PSC_IDNAT, acr: 'eidas1' } },
      });
      expect(JSON.stringify(await t.platform.journal.query({ sessionId: auth.sessionId! }))).not.toContain(token);
    },
  );

  it(
    'python imaplib answers the continuation (no initial response) ' +
      'with a fresh token: authenticated and INBOX selected',
    async () => {
      const e = endpoint('psc');
      const user = address(PSC_IDNAT);
      await deliverBySmtp(user, 'Lu par imaplib');
      const result = await python({
        host: e.address,
        port: e.imapPort,
        cafile: trust,
        mechanism: 'XOAUTH2',
        user,
        token: await pscToken(PSC_IDNAT),
        steps: [
          ['select', 'INBOX'],
          ['uid', 'SEARCH', 'SUBJECT', '"Lu par imaplib"'],
          ['fetch', '1:*', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])'],
        ],
      });
      expect(result).toMatchObject({ ok: true, challenges: [''] });
      expect(result.steps[0][0]).toBe('OK');
      expect(JSON.stringify(result.steps[2])).toContain('Subject: Lu par imaplib');
      const auth = await waitFor(
        t.platform.journal,
        { kind: 'auth', protocol: 'imap' },
        (o) => o.data.user === user && o.data.initialResponse === false && o.data.outcome === 'success',
      );
      expect(auth.data).toMatchObject({ mechanism: 'XOAUTH2', reason: 'bearer' });
    },
  );

  it('a refused token gets the 401 challenge, then NO [AUTHENTICATIONFAILED] (python imaplib)', async () => {
    const e = endpoint('psc');
    const stranger = address('99999999999');
    const result = await python({
      host: e.address,
      port: e.imapPort,
      cafile: trust,
      mechanism: 'XOAUTH2',
      user: stranger,
      token: fakeJwt({ SubjectNameID: '99999999999' }),
    });
    expect(result).toMatchObject({
      ok: false,
      error: 'imap',
      message: expect.stringContaining('[AUTHENTICATIONFAILED] Authentication failed'),
    });
    expect(result.challenges).toEqual([
      '',
      Buffer.from('{"status":"401","schemes":"bearer","scope":"mail"}').toString('base64'),
    ]);
    const auth = await waitFor(t.platform.journal, { kind: 'auth', protocol: 'imap' }, (o) => o.data.user === stranger);
    expect(auth.data).toMatchObject({
      command: 'AUTHENTICATE',
      mechanism: 'XOAUTH2',
      initialResponse: false,
      outcome: 'failure',
      reason: 'unknown_mailbox',
    });
    const verbs = commands(await t.platform.journal.query({ sessionId: auth.sessionId! }));
    expect(verbs.find((c) => c.verb === 'AUTHENTICATE')).toMatchObject({
      args: 'XOAUTH2',
      reply: { status: 'NO', code: 'AUTHENTICATIONFAILED' },
    });
  });

  it(
    'curl --oauth2-bearer uses XOAUTH2 since OAUTHBEARER is not offered: ' +
      'a fresh token lists the folders, a forged one is denied',
    async () => {
      const e = endpoint('psc');
      const user = address(PSC_IDNAT);
      const curl = (token: string) =>
        run('curl', [
          '-sS',
          '--ssl-reqd',
          '--cacert',
          trust,
          '--connect-to',
          `${e.host}:${e.imapPort}:${e.address}:${e.imapPort}`,
          `imap://${e.host}:${e.imapPort}/`,
          '--user',
          user,
          '--oauth2-bearer',
          token,
        ]);
      const ok = await curl(await pscToken(PSC_IDNAT));
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toContain('INBOX');
      await deliverBySmtp(user, 'Lu par curl');
      const imapUrl = (path: string, ...args: string[]) =>
        run('curl', [
          '-sS',
          '--ssl-reqd',
          '--cacert',
          trust,
          '--connect-to',
          `${e.host}:${e.imapPort}:${e.address}:${e.imapPort}`,
          `imap://${e.host}:${e.imapPort}/${path}`,
          ...args,
          '--user',
          user,
          '--oauth2-bearer',
          token,
        ]);
      const token = await pscToken(PSC_IDNAT);
      const search = await imapUrl('INBOX', '-X', 'UID SEARCH SUBJECT "Lu par curl"');
      const uid = /\* SEARCH (\d+)/.exec(search.stdout)?.[1];
      expect(uid, search.stdout + search.stderr).toBeDefined();
      const read = await imapUrl(`INBOX;UID=${uid}`);
      expect(read.code, read.stderr).toBe(0);
      expect(read.stdout).toContain('Subject: Lu par curl');
      const forged = await curl(
        fakeJwt({
          iss: t.platform.identity.psc.issuer,
          SubjectNameID: PSC_IDNAT,
          acr: 'eidas1',
          scope: 'openid scope_all',
        }),
      );
      expect(forged.code).toBe(67); // CURLE_LOGIN_DENIED
      const refused = await waitFor(
        t.platform.journal,
        { kind: 'auth', protocol: 'imap' },
        (o) => o.data.user === user && o.data.outcome === 'failure',
      );
      expect(refused.data).toMatchObject({
        mechanism: 'XOAUTH2',
        initialResponse: true,
        reason: expect.stringMatching(/^bearer_/),
      });
    },
  );
});

describe('what a conformant server refuses', () => {
  it('refuses LOGIN and AUTHENTICATE before STARTTLS and records the credentials sent in clear', async () => {
    const raw = await RawImap.open('org');
    const user = address('10123456789');
    expect(await raw.command(`LOGIN ${user} ${pw(user)}`)).toMatch(/^t1 NO \[PRIVACYREQUIRED\] /m);
    const blob = Buffer.from(`\0${user}\0${pw(user)}`).toString('base64');
    expect(await raw.command(`AUTHENTICATE PLAIN ${blob}`)).toMatch(/^t2 NO \[PRIVACYREQUIRED\] /m);
    expect(await raw.command('SELECT INBOX')).toMatch(/^t3 BAD Not authenticated/m);
    const port = raw.localPort;
    raw.destroy();
    const refused = await waitFor(
      t.platform.journal,
      { kind: 'auth', protocol: 'imap', endpoint: 'org' },
      (o) => o.clientPort === port && o.data.mechanism === 'PLAIN',
    );
    expect(refused.data).toMatchObject({
      command: 'AUTHENTICATE',
      outcome: 'refused',
      reason: 'tls_required',
      credentialsInClear: true,
      user,
      tls: false,
    });
    const login = (await t.platform.journal.query({ sessionId: refused.sessionId!, kind: 'auth' })).find(
      (o) => o.data.command === 'LOGIN',
    )!;
    expect(login.data).toMatchObject({
      mechanism: 'LOGIN-COMMAND',
      outcome: 'refused',
      reason: 'tls_required',
      credentialsInClear: true,
      user,
    });
    expect(JSON.stringify(await t.platform.journal.query({ sessionId: refused.sessionId! }))).not.toContain(pw(user));
  });

  it.each([
    ['OAUTHBEARER', (user: string) => `n,a=${user},\x01auth=Bearer abc.def.ghi\x01\x01`, (user: string) => user],
    ['EXTERNAL', (user: string) => user, () => ''],
  ])('decodes, records and refuses %s (not advertised)', async (mechanism, blob, expectedUser) => {
    const user = address('871122334455');
    const raw = await RawImap.open('psc', { tls: true });
    expect(await raw.command(`AUTHENTICATE ${mechanism} ${Buffer.from(blob(user)).toString('base64')}`)).toMatch(
      /^t\d+ NO \[CANNOT\] Unsupported authentication mechanism/m,
    );
    const port = raw.localPort;
    raw.destroy();
    const auth = await waitFor(t.platform.journal, { kind: 'auth', protocol: 'imap' }, (o) => o.clientPort === port);
    expect(auth.data).toMatchObject({
      mechanism,
      outcome: 'failure',
      reason: 'mechanism_not_offered',
      user: expectedUser(user),
    });
  });

  it('AUTHENTICATE cancelled with * gets BAD; an unknown mechanism gets NO', async () => {
    const raw = await RawImap.open('psc', { tls: true });
    raw.write('a1 AUTHENTICATE PLAIN\r\n');
    expect(await raw.until(/^\+ \r\n/m)).toBeTruthy();
    raw.write('*\r\n');
    expect(await raw.until(/^a1 .*\r\n/m)).toMatch(/^a1 BAD Authentication cancelled/m);
    expect(await raw.command('AUTHENTICATE CRAM-MD5')).toMatch(/NO \[CANNOT\]/);
    raw.write('a2 AUTHENTICATE LOGIN\r\n');
    await raw.until(/^\+ VXNlcm5hbWU6\r\n/m);
    raw.write(`${Buffer.from(address('871122334455')).toString('base64')}\r\n`);
    await raw.until(/^\+ UGFzc3dvcmQ6\r\n/m);
    raw.write(`${Buffer.from(pw(address('871122334455'))).toString('base64')}\r\n`);
    expect(await raw.until(/^a2 .*\r\n/m)).toMatch(/^a2 OK \[CAPABILITY [^\]]*\] Authenticated/m);
    expect(await raw.command('CAPABILITY')).not.toMatch(/AUTH=/);
    raw.destroy();
  });

  it('discards and records plaintext pipelined after STARTTLS', async () => {
    const raw = await RawImap.open('psc');
    raw.write('a STARTTLS\r\nb CAPABILITY\r\n');
    await raw.until(/^a OK /m);
    const port = raw.localPort;
    raw.destroy();
    const injection = await waitFor(
      t.platform.journal,
      { kind: 'tls.plaintext_injection', protocol: 'imap' },
      (o) => o.clientPort === port,
    );
    expect(injection.data).toMatchObject({ bytes: 'b CAPABILITY\r\n'.length, discarded: true });
  });

  it('records the alert of a client refusing the expired certificate', async () => {
    const e = endpoint('psc-expire');
    const result = await python({
      host: e.address,
      port: e.imapPort,
      cafile: trust,
      mechanism: 'LOGIN',
      user: address('871122334455'),
      password: pw(address('871122334455')),
    });
    expect(result).toMatchObject({ ok: false, error: 'ssl', stage: 'starttls' });
    const failed = await waitFor(t.platform.journal, { kind: 'tls.failed', endpoint: 'psc-expire', protocol: 'imap' });
    expect(failed.data).toMatchObject({ stage: 'handshake', by: 'client', alert: 'certificate_expired' });
    const session = await t.platform.journal.query({ sessionId: failed.sessionId! });
    expect(session.some((o) => o.kind === 'auth')).toBe(false);
  });
});

describe('literals and limits', () => {
  it(
    'handles {n} with a continuation, {n+} without, a literal password, ' +
      'and refuses a literal over the limit without keeping it',
    async () => {
      const user = address('871122334499');
      const raw = await RawImap.open('psc', { tls: true });
      raw.write(`a1 LOGIN ${user} {${pw(user).length}}\r\n`);
      await raw.until(/^\+ Ready for literal data\r\n/m);
      raw.write(`${pw(user)}\r\n`);
      expect(await raw.until(/^a1 .*\r\n/m)).toMatch(/^a1 OK /m);

      const message = 'Subject: literal\r\n\r\nbody\r\n';
      raw.write(`a2 APPEND INBOX (\\Seen) {${message.length}}\r\n`);
      await raw.until(/^\+ Ready for literal data\r\n/m);
      raw.write(`${message}\r\n`);
      expect(await raw.until(/^a2 .*\r\n/m)).toMatch(/^a2 OK \[APPENDUID \d+ 1\] /m);
      expect(await raw.command(`APPEND INBOX {${message.length}+}\r\n${message}`)).toMatch(/OK \[APPENDUID \d+ 2\] /);

      // Synchronising literal over the limit: refused at once, no continuation, nothing read.
      raw.write(`a3 APPEND INBOX {${MAX_LITERAL + 1}}\r\n`);
      const refused = await raw.until(/^(a3 .*|\+ .*)\r\n/m);
      expect(refused).toMatch(/^a3 NO \[TOOBIG\] /m);
      // Non-synchronising literal over the limit: its bytes are read and dropped, the session goes on.
      const big = Buffer.alloc(MAX_LITERAL * 3, 'x');
      expect(await raw.command(Buffer.concat([Buffer.from(`APPEND INBOX {${big.length}+}\r\n`), big]))).toMatch(
        /NO \[TOOBIG\] /,
      );
      expect(await raw.command('NOOP')).toMatch(/OK NOOP completed/);
      expect(await raw.command('STATUS INBOX (MESSAGES)')).toMatch(/\* STATUS INBOX \(MESSAGES 2\)/);
      raw.destroy();
    },
  );
});

describe('several sessions on one mailbox', () => {
  it('IDLE: a message delivered by SMTP reaches an idling imapflow client', async () => {
    const user = address('871122334477');
    const client = imapflow('psc', { user, pass: pw(user) });
    await client.connect();
    const before = (await client.mailboxOpen('INBOX')).exists;
    const counts: number[] = [];
    client.on('exists', (event: { count: number }) => counts.push(event.count));
    const idling = client.idle();
    await sendBySmtp(address('871122334455'), user, 'Pendant IDLE');
    await expect.poll(() => counts.at(-1), { timeout: 30_000 }).toBe(before + 1);
    await client.logout();
    await idling.catch(() => undefined);
    const idle = await waitFor(
      t.platform.journal,
      { kind: 'command', protocol: 'imap', mailbox: user },
      (o) => o.data.verb === 'IDLE',
    );
    expect(idle.data).toMatchObject({ reply: { status: 'OK' } });
  });

  it(
    'announces another session’s flag changes and appends after a command, ' + 'and holds back EXPUNGE during FETCH',
    async () => {
      const user = address('871122334488');
      const mailbox = (await t.platform.mailboxes.find(user))!;
      for (const subject of ['un', 'deux'])
        await t.platform.mailboxes.append(mailbox.id, 'INBOX', Buffer.from(`Subject: ${subject}\r\n\r\nx\r\n`));
      const watcher = await RawImap.open('psc', { login: user });
      expect(await watcher.command('SELECT INBOX')).toMatch(/\* 2 EXISTS/);
      const actor = await RawImap.open('psc', { login: user });
      await actor.command('SELECT INBOX');
      await actor.command('STORE 1 +FLAGS (\\Flagged)');
      await actor.command('STORE 2 +FLAGS (\\Deleted)');
      await actor.command('EXPUNGE');
      await actor.command('APPEND INBOX {20+}\r\nSubject: trois\r\n\r\nx\r\n');
      const fetch = await watcher.command('FETCH 1 (UID)');
      expect(fetch).toMatch(/^\* 1 FETCH \(FLAGS \(\\Flagged \\Recent\)\)\r$/m);
      expect(fetch).toMatch(/^\* 3 EXISTS\r$/m); // message 2 still counted: its EXPUNGE is held back
      expect(fetch).not.toMatch(/EXPUNGE/);
      const noop = await watcher.command('NOOP');
      expect(noop).toMatch(/^\* 2 EXPUNGE\r$/m);
      expect(await watcher.command('UID SEARCH ALL')).toMatch(/^\* SEARCH 1 3\r$/m);
      watcher.destroy();
      actor.destroy();
    },
  );

  it('creates, lists, renames and deletes folders with modified UTF-7 names; EXAMINE is read-only', async () => {
    const user = address('871122334499');
    const raw = await RawImap.open('psc', { login: user });
    expect(await raw.command('CREATE "Envoy&AOk-s/2025"')).toMatch(/OK CREATE completed/);
    expect(await raw.command('CREATE Envoy&AOk-s')).toMatch(/NO \[ALREADYEXISTS\]/);
    const list = await raw.command('LIST "" "*"');
    expect(list).toMatch(/^\* LIST \(\\HasChildren\) "\/" Envoy&AOk-s\r$/m);
    expect(list).toMatch(/^\* LIST \(\\HasNoChildren\) "\/" Envoy&AOk-s\/2025\r$/m);
    expect(await raw.command('LIST "" "%"')).not.toMatch(/2025/);
    // CREATE subscribes nothing (RFC 3501 §6.3.6 leaves it to the client; see test/imap-rfc.test.ts).
    expect(await raw.command('LSUB "" "Envoy*"')).not.toMatch(/LSUB \(/);
    expect(await raw.command('SUBSCRIBE Envoy&AOk-s')).toMatch(/OK SUBSCRIBE completed/);
    expect(await raw.command('LSUB "" "Envoy*"')).toMatch(/^\* LSUB \(\\HasChildren\) "\/" Envoy&AOk-s\r$/m);
    expect(
      (await t.platform.mailboxes.folders((await t.platform.mailboxes.find(user))!.id)).map((f) => f.name),
    ).toContain('Envoyés/2025');
    expect(await raw.command('RENAME Envoy&AOk-s Archives')).toMatch(/OK RENAME completed/);
    expect(await raw.command('LIST "" "Archives/*"')).toMatch(/"\/" Archives\/2025\r$/m);
    expect(await raw.command('DELETE Archives')).toMatch(/NO \[CANNOT\] Mailbox has children/);
    expect(await raw.command('DELETE Archives/2025')).toMatch(/OK DELETE completed/);
    expect(await raw.command('DELETE INBOX')).toMatch(/NO \[CANNOT\]/);
    expect(await raw.command('SELECT Nowhere')).toMatch(/NO \[NONEXISTENT\]/);
    expect(await raw.command('COPY 1 Nowhere')).toMatch(/BAD No mailbox selected/);
    const examine = await raw.command('EXAMINE INBOX');
    expect(examine).toMatch(/OK \[PERMANENTFLAGS \(\)\]/);
    expect(examine).toMatch(/OK \[READ-ONLY\] EXAMINE completed/);
    expect(await raw.command('COPY 1 Nowhere')).toMatch(/NO \[TRYCREATE\]/);
    expect(await raw.command('SEARCH CHARSET ISO-2022-JP ALL')).toMatch(/NO \[BADCHARSET \(UTF-8 US-ASCII\)\]/);
    expect(await raw.command('FETCH 99 FLAGS')).toMatch(/BAD Invalid messageset/);
    expect(await raw.command('ENABLE CONDSTORE')).toMatch(/^\* ENABLED\r\n.*OK/m);
    expect(await raw.command('NAMESPACE')).toMatch(/^\* NAMESPACE \(\("" "\/"\)\) NIL NIL\r$/m);
    expect(await raw.command('UNSELECT')).toMatch(/OK UNSELECT completed/);
    raw.destroy();
  });
});

describe('robustness', () => {
  it(
    'answers garbage, malformed commands and over-long lines with BAD, ' +
      'then BYE after too many; others are unaffected',
    async () => {
      const garbage = await RawImap.open('org');
      const sane = python({
        host: endpoint('org').address,
        port: endpoint('org').imapPort,
        cafile: trust,
        mechanism: 'LOGIN',
        user: address('871122334455'),
        password: pw(address('871122334455')),
        steps: [['select', 'INBOX']],
      });
      garbage.write('\x16\x03\x01\x00\xff\xfe garbage\r\n');
      expect(await garbage.until(/^\* BAD .*\r\n/m)).toMatch(/Invalid tag/);
      garbage.write(`a1 NOOP ${'A'.repeat(100_000)}\r\n`);
      expect(await garbage.until(/^\* BAD .*\r\n/m)).toMatch(/\[TOOBIG\] Command line too long/);
      expect(await garbage.command('FROB')).toMatch(/BAD Unknown command/);
      expect(await garbage.command('FETCH 1 (FLAGS')).toMatch(/BAD/);
      garbage.write('a2 LOGIN "unterminated\r\n');
      expect(await garbage.until(/\* BYE Too many invalid IMAP commands\r\n/)).toMatch(
        /a2 BAD Unterminated quoted string/,
      );
      await garbage.closed;
      expect(await sane).toMatchObject({ ok: true, steps: [['OK', [expect.any(String)]]] });
      const close = await waitFor(
        t.platform.journal,
        { kind: 'session.close', protocol: 'imap' },
        (o) => o.data.reason === 'Too many invalid IMAP commands',
      );
      expect(close.data).toMatchObject({ by: 'server' });
      const verbs = commands(await t.platform.journal.query({ sessionId: close.sessionId! }));
      expect(verbs.map((c) => [c.tag, c.verb, c.reply.status])).toEqual([
        [null, null, 'BAD'],
        [null, null, 'BAD'],
        ['t1', 'FROB', 'BAD'],
        ['t2', 'FETCH', 'BAD'],
        ['a2', 'LOGIN', 'BAD'],
      ]);
      expect(verbs[1]).toMatchObject({ tooLong: true, reply: { code: 'TOOBIG' } });
    },
  );

  it('serves 300 concurrent sessions (CAPABILITY, LOGOUT) while one client sends garbage', async () => {
    const e = endpoint('psc');
    const noisy = await RawImap.open('psc');
    const noise = (async () => {
      for (let i = 0; i < 4; i++) noisy.write(`${'\x00\xff'.repeat(50)}\r\n`);
    })();
    const one = () =>
      new Promise<string>((resolve) => {
        const socket = net.connect(e.imapPort, e.address);
        let received = '';
        const pending = ['a CAPABILITY\r\n', 'b LOGOUT\r\n'];
        socket.on('data', (d) => {
          received += d.toString('latin1');
          // Each command once the previous answer (the greeting, then a's) is complete.
          if (pending.length === 2 && received.includes('\r\n')) socket.write(pending.shift()!);
          else if (pending.length === 1 && received.includes('a OK')) socket.write(pending.shift()!);
        });
        socket.on('error', () => resolve(received));
        socket.on('close', () => resolve(received));
      });
    const results = await Promise.all(Array.from({ length: 300 }, one));
    await noise;
    const complete = results.filter(
      (r) => /a OK CAPABILITY completed/.test(r) && /\* BYE Logging out\r\nb OK LOGOUT completed/.test(r),
    );
    expect(complete.length).toBe(300);
    noisy.destroy();
  });

  it('survives clients vanishing mid-literal, mid-IDLE and mid-TLS handshake', async () => {
    const user = address('871122334499');
    const midLiteral = await RawImap.open('psc', { login: user });
    midLiteral.write('a APPEND INBOX {1000}\r\n');
    await midLiteral.until(/^\+ /m);
    midLiteral.write('Subject: cut');
    const literalPort = midLiteral.localPort;
    midLiteral.destroy();

    const midIdle = await RawImap.open('psc', { login: user });
    await midIdle.command('SELECT INBOX');
    midIdle.write('b IDLE\r\n');
    await midIdle.until(/^\+ idling\r\n/m);
    const idlePort = midIdle.localPort;
    midIdle.destroy();

    const midTls = await RawImap.open('psc');
    midTls.write('c STARTTLS\r\n');
    await midTls.until(/^c OK /m);
    midTls.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]));
    const tlsPort = midTls.localPort;
    midTls.destroy();

    for (const port of [literalPort, idlePort, tlsPort]) {
      const close = await waitFor(
        t.platform.journal,
        { kind: 'session.close', protocol: 'imap' },
        (o) => o.clientPort === port,
      );
      expect(close.data.by).toBe('client');
    }
    await delivery(user, 'après les coupures');
    const after = await python({
      host: endpoint('psc').address,
      port: endpoint('psc').imapPort,
      cafile: trust,
      mechanism: 'LOGIN',
      user,
      password: pw(user),
      steps: [['status', 'INBOX', '(MESSAGES)']],
    });
    expect(after).toMatchObject({ ok: true });
  });
});

describe('closed by the server', () => {
  it('closes a live session with * BYE, recorded as closed by the server', async () => {
    const raw = await RawImap.open('psc');
    const live = await liveSession(raw.localPort);
    expect(t.platform.sessions.close(live.session.id, 'Session closed by the test platform')).toBe(true);
    expect(await raw.until(/^\* BYE .*\r\n/m)).toMatch(/\* BYE Session closed by the test platform/);
    await raw.closed;
    const close = await waitFor(t.platform.journal, { kind: 'session.close', sessionId: live.session.id });
    expect(close.data).toMatchObject({ by: 'server', reason: 'Session closed by the test platform' });
  });

  it('closes the session that selects a folder other than INBOX when armed to (MSS-CONF.11)', async () => {
    const user = address('871122334466');
    const armed = t.platform.sessions.armClose({
      mailbox: user,
      protocol: 'imap',
      on: 'selected',
      exceptFolder: 'INBOX',
      delayMs: 0,
      reason: 'Session closed by the operator',
    });
    const client = imapflow('psc', { user, pass: pw(user) });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await client.connect();
    await client.mailboxOpen('INBOX');
    await client.mailboxOpen('Sent');
    await closed;
    const { sessionId, closed: wasOpen } = await armed.fired;
    expect(wasOpen).toBe(true);
    const session = await waitFor(t.platform.journal, { kind: 'session.close', sessionId }).then(() =>
      t.platform.journal.query({ sessionId }),
    );
    expect(
      commands(session)
        .filter((c) => c.verb === 'SELECT')
        .map((c) => [c.folder, c.reply.status]),
    ).toEqual([
      ['INBOX', 'OK'],
      ['Sent', 'OK'],
    ]);
    expect(session.find((o) => o.kind === 'session.close')!.data).toMatchObject({
      by: 'server',
      reason: 'Session closed by the operator',
    });
  });

  it('closes an idle unauthenticated session with * BYE, recorded as a timeout', async () => {
    const quick = await startTestPlatform({ imap: { preAuthTimeoutSeconds: 1 } });
    try {
      const e = quick.endpoint('org');
      const socket = net.connect(e.imapPort, e.address);
      let received = '';
      socket.on('data', (d) => (received += d.toString()));
      await new Promise((resolve) => socket.once('close', resolve));
      expect(received).toMatch(/^\* OK [\s\S]*\* BYE Disconnected for inactivity\r\n$/);
      const close = await waitFor(quick.platform.journal, { kind: 'session.close', protocol: 'imap' });
      expect(close.data).toMatchObject({ by: 'timeout', reason: 'Disconnected for inactivity' });
    } finally {
      await quick.stop();
    }
  });
});

/** Delivers a message straight into a mailbox's INBOX, as SMTP would. */
async function delivery(user: string, subject: string) {
  await t.platform.mailboxes.append(
    (await t.platform.mailboxes.find(user))!.id,
    'INBOX',
    Buffer.from(`Subject: ${subject}\r\n\r\nx\r\n`),
  );
}
