// The limits of what one client can hold or grow on the mail endpoints (issue 10), exercised over real
// sockets: connections per address (refused with * BYE / 421), the pre-authentication and per-command
// deadlines, mailbox quotas and keyword limits (python3 imaplib and smtplib, the webmail), and TLS
// renegotiation (openssl s_client). Each test asserts what the client saw and what the journal recorded.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndpointId } from '../src/config/schema.ts';
import type { Observation } from '../src/observe/journal.ts';
import { waitFor } from './helpers/observations.ts';
import { passwordOf } from './helpers/passwords.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { run } from './helpers/run.ts';
import { WebmailHttp } from './helpers/webmail.ts';

/** Tight connection caps and mailbox limits, the default deadlines. */
let t: TestPlatform;
/** Short deadlines (the pre-authentication one longer than a command's, as by default), the default caps. */
let d: TestPlatform;
let files: string;
let trust: string;

beforeAll(async () => {
  [t, d] = await Promise.all([
    startTestPlatform({
      // The webmail's password form is there only with the shared password set; mailboxes' own passwords open it too.
      webmailPassword: 'ODTMotco2',
      limits: { maxConnectionsPerAddress: 3, maxConnectionsPerAddressTotal: 5 },
      mailbox: {
        quotaMessages: 4,
        quotaBytes: 1024 * 1024,
        maxKeywordsPerMessage: 3,
        maxKeywordsPerFolder: 5,
        maxKeywordBytes: 16,
      },
    }),
    startTestPlatform({ limits: { preAuthDeadlineSeconds: 2, commandDeadlineSeconds: 1 } }),
  ]);
  files = mkdtempSync(path.join(os.tmpdir(), 'motco-limits-files-'));
  await t.platform.pki.exportTrust(files);
  trust = path.join(files, 'igc-sante-test-roots.pem');
});

afterAll(async () => {
  await Promise.all([t?.stop(), d?.stop()]);
  if (files) rmSync(files, { recursive: true, force: true });
});

/** A plain connection that keeps every CRLF line it receives and tells when the server closed it. */
class Raw {
  readonly lines: string[] = [];
  readonly closed: Promise<void>;
  private rest = '';
  private waiters: (() => void)[] = [];

  constructor(public socket: net.Socket | tls.TLSSocket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    this.listen(socket);
    this.closed.then(() => this.wake());
  }

  listen(socket: net.Socket | tls.TLSSocket): void {
    this.socket = socket;
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      const parts = (this.rest + chunk.toString('latin1')).split('\r\n');
      this.rest = parts.pop()!;
      this.lines.push(...parts);
      this.wake();
    });
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** The first line (from `from` on) that matches; throws when the connection closes first. */
  async line(pattern: RegExp, from = 0): Promise<string> {
    for (;;) {
      const found = this.lines.slice(from).find((l) => pattern.test(l));
      if (found !== undefined) return found;
      if (this.socket.destroyed) throw new Error(`closed before ${pattern}; lines: ${this.lines.join(' | ')}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  write(text: string): void {
    this.socket.write(text);
  }
}

function connect(port: number, localAddress = '127.0.0.1'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress });
    socket.once('connect', () => resolve(new Raw(socket)));
    socket.once('error', reject);
  });
}

/** IMAP over STARTTLS, authenticated with PLAIN and the mailbox's own password (raw, to send exact bytes). */
async function imapSession(p: TestPlatform, id: EndpointId, user: string): Promise<Raw> {
  const e = p.endpoint(id);
  const raw = await connect(e.imapPort);
  await raw.line(/^\* OK/);
  raw.write('a STARTTLS\r\n');
  await raw.line(/^a OK/);
  const secure = tls.connect({
    socket: raw.socket as net.Socket,
    ca: p.platform.pki.trustBundlePem(),
    servername: e.host,
  });
  await new Promise<void>((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
  raw.socket.removeAllListeners('data');
  raw.listen(secure);
  raw.write(`b AUTHENTICATE PLAIN ${Buffer.from(`\0${user}\0${await passwordOf(p, user)}`).toString('base64')}\r\n`);
  await raw.line(/^b OK/);
  return raw;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function python(client: 'imap' | 'smtp', job: Record<string, unknown>) {
  return run('python3', [`test/clients/${client}_client.py`], { input: JSON.stringify(job) }).then((r) => {
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout) as Record<string, any>;
  });
}

/** python3 imaplib on the psc endpoint, logged in with the mailbox's own password, running `steps`. */
async function imaplib(user: string, steps: unknown[][]) {
  const e = t.endpoint('psc');
  return python('imap', {
    host: e.address,
    port: e.imapPort,
    cafile: trust,
    mechanism: 'LOGIN',
    user,
    password: await passwordOf(t, user),
    steps,
  });
}

describe('connections per client address', () => {
  it(
    'refuses connections past the caps with * BYE and 421 4.7.0, ' + 'records them, and keeps serving other addresses',
    async () => {
      const [a, b] = [t.endpoint('org-expire'), t.endpoint('psc-expire')];
      const held: Raw[] = [];
      try {
        for (let i = 0; i < 3; i++) {
          held.push(await connect(a.imapPort));
          await held.at(-1)!.line(/^\* OK/);
        }
        // Fourth on the endpoint, IMAP or SMTP alike (limits.maxConnectionsPerAddress = 3).
        const imap = await connect(a.imapPort);
        expect(await imap.line(/^\* /)).toBe('* BYE Too many connections from your address');
        await imap.closed;
        const smtp = await connect(a.smtpPort);
        expect(await smtp.line(/^\d{3}/)).toBe(
          `421 4.7.0 ${a.host} Too many connections from your address, closing transmission channel`,
        );
        await smtp.closed;
        // Another address is served on the same endpoint.
        const other = await connect(a.imapPort, '127.0.0.2');
        await other.line(/^\* OK/);
        held.push(other);
        // Two more on another endpoint reach the address's total (5); the next is refused there too.
        for (let i = 0; i < 2; i++) {
          held.push(await connect(b.imapPort));
          await held.at(-1)!.line(/^\* OK/);
        }
        const sixth = await connect(b.smtpPort);
        expect(await sixth.line(/^\d{3}/)).toMatch(/^421 4\.7\.0 /);
        await sixth.closed;

        const refused = await t.platform.journal.query({ kind: 'session.refused', clientIp: '127.0.0.1' });
        expect(refused.map((o) => [o.endpoint, o.protocol, o.data.limit, o.data.max])).toEqual([
          ['org-expire', 'imap', 'per_address', 3],
          ['org-expire', 'smtp', 'per_address', 3],
          ['psc-expire', 'smtp', 'per_address_total', 5],
        ]);
        expect(refused.every((o) => o.sessionId === null)).toBe(true);
      } finally {
        for (const raw of held) raw.socket.destroy();
      }
      // Places are given back when connections close.
      await expect
        .poll(async () => {
          const again = await connect(a.imapPort);
          const first = await again.line(/^\* /);
          again.socket.destroy();
          return first;
        })
        .toMatch(/^\* OK/);
    },
  );
});

describe('deadlines', () => {
  it(
    'cuts a client that keeps busy without authenticating at ' +
      'the pre-authentication deadline: * BYE and 421, recorded',
    async () => {
      const e = d.endpoint('psc');
      const [imap, smtp] = await Promise.all([connect(e.imapPort), connect(e.smtpPort)]);
      await Promise.all([imap.line(/^\* OK/), smtp.line(/^220 /)]);
      // A whole command every 300 ms: never idle, never a command in progress for long, never authenticated.
      let n = 0;
      const busy = setInterval(() => {
        n++;
        if (!imap.socket.destroyed) imap.write(`n${n} NOOP\r\n`);
        if (!smtp.socket.destroyed) smtp.write('NOOP\r\n');
      }, 300);
      try {
        await Promise.all([imap.closed, smtp.closed]);
      } finally {
        clearInterval(busy);
      }
      expect(imap.lines.at(-1)).toBe('* BYE Authentication not completed within 2 seconds');
      expect(smtp.lines.at(-1)).toBe(
        `421 4.4.2 ${e.host} Authentication not completed within 2 seconds, closing transmission channel`,
      );
      expect(imap.lines.filter((l) => / OK NOOP completed$/.test(l)).length).toBeGreaterThan(0);
      for (const protocol of ['imap', 'smtp'] as const) {
        const closed = await waitFor(
          d.platform.journal,
          { kind: 'session.close', protocol },
          (o) => o.data.reason === 'Authentication not completed within 2 seconds',
        );
        expect(closed.data).toMatchObject({ by: 'timeout' });
      }
    },
  );

  it(
    'gives a command until the command deadline from its first byte: ' +
      'silence and IDLE do not count, a dribbled command is cut',
    async () => {
      const user = `delais@${d.config.mailDomain}`;
      await d.platform.mailboxes.create(user, 'test');
      const raw = await imapSession(d, 'psc', user);
      // Longer than the deadline (1 s) without a byte, then in IDLE: neither is a command in progress.
      await sleep(1500);
      raw.write('c NOOP\r\n');
      await raw.line(/^c OK/);
      raw.write('d IDLE\r\n');
      await raw.line(/^\+ /);
      await sleep(1500);
      raw.write('DONE\r\n');
      await raw.line(/^d OK IDLE terminated/);
      // One byte every 300 ms: the command never completes within its second.
      const bytes = 'e NOOP\r\n';
      let i = 0;
      const dribble = setInterval(() => {
        if (i < bytes.length && !raw.socket.destroyed) raw.write(bytes[i++]!);
      }, 300);
      try {
        await raw.closed;
      } finally {
        clearInterval(dribble);
      }
      expect(raw.lines.at(-1)).toBe('* BYE Command not completed within 1 seconds');
      expect(raw.lines.some((l) => l.startsWith('e '))).toBe(false);
      const closed = await waitFor(d.platform.journal, { kind: 'session.close', mailbox: user });
      expect(closed.data).toMatchObject({ by: 'timeout', reason: 'Command not completed within 1 seconds' });
    },
  );
});

describe('quota', () => {
  it(
    'answers NO [OVERQUOTA] to APPEND and COPY past the message quota, ' +
      'lets a MOVE within the mailbox through, and SMTP says 552 5.2.2',
    async () => {
      const user = `quota@${t.config.mailDomain}`;
      const mailbox = await t.platform.mailboxes.create(user, 'test');
      for (const subject of ['un', 'deux', 'trois'])
        await t.platform.mailboxes.append(mailbox.id, 'INBOX', Buffer.from(`Subject: ${subject}\r\n\r\nx\r\n`));
      const r = await imaplib(user, [
        ['append', 'INBOX', '', '', 'Subject: quatre\r\n\r\nx\r\n'],
        ['append', 'INBOX', '', '', 'Subject: cinq\r\n\r\nx\r\n'],
        ['select', 'INBOX'],
        ['copy', '1', 'Trash'],
        ['uid', 'MOVE', '1', 'Trash'],
        ['status', 'INBOX', '(MESSAGES)'],
      ]);
      expect(r.ok).toBe(true);
      const [fourth, fifth, , copy, move, status] = r.steps;
      expect(fourth[0]).toBe('OK');
      expect(fifth).toEqual(['NO', ['[OVERQUOTA] Mailbox quota exceeded: at most 4 messages']]);
      expect(copy).toEqual(['NO', ['[OVERQUOTA] Mailbox quota exceeded: at most 4 messages']]);
      expect(move[0]).toBe('OK');
      expect(status).toEqual(['OK', ['INBOX (MESSAGES 3)']]);
      const refused = await waitFor(
        t.platform.journal,
        { kind: 'command', mailbox: user },
        (o) => o.data.verb === 'COPY',
      );
      expect(refused.data).toMatchObject({
        reply: { status: 'NO', code: 'OVERQUOTA' },
        limit: 'quota_messages',
        folder: 'Trash',
      });

      const e = t.endpoint('psc');
      const sender = `expediteur@${t.config.mailDomain}`;
      await t.platform.mailboxes.create(sender, 'test');
      const smtp = await python('smtp', {
        host: e.address,
        port: e.smtpPort,
        server_hostname: e.host,
        cafile: trust,
        mechanism: 'PLAIN',
        user: sender,
        password: await passwordOf(t, sender),
        from: sender,
        to: [user],
        message: `From: ${sender}\r\nTo: ${user}\r\nSubject: pour une boite pleine\r\n\r\nBonjour\r\n`,
        noop_after: true,
      });
      expect(smtp.send_error).toEqual([552, `5.2.2 Mailbox full: ${user}`]);
      expect(smtp.noop[0]).toBe(250);
      const message = await waitFor(t.platform.journal, { kind: 'message', mailbox: sender });
      expect(message.data).toMatchObject({ outcome: 'over_quota', overQuota: [user] });
      expect((await t.platform.mailboxes.usage(mailbox.id)).messages).toBe(4);
    },
  );

  it('counts the bytes of every folder against the byte quota', async () => {
    const user = `octets@${t.config.mailDomain}`;
    const mailbox = await t.platform.mailboxes.create(user, 'test');
    await t.platform.mailboxes.append(
      mailbox.id,
      'Sent',
      Buffer.from(`Subject: gros\r\n\r\n${'x'.repeat(700 * 1024)}\r\n`),
    );
    const r = await imaplib(user, [['append', 'Drafts', '', '', `Subject: trop\r\n\r\n${'y'.repeat(400 * 1024)}\r\n`]]);
    expect(r.steps[0]).toEqual([
      'NO',
      [`[OVERQUOTA] Mailbox quota exceeded: at most ${1024 * 1024} bytes of messages`],
    ]);
  });
});

describe('keywords', () => {
  it(
    'answers NO [LIMIT] past the keywords of a message, ' +
      'of a folder and their length; PERMANENTFLAGS drops \\* once the folder is full',
    async () => {
      const user = `mots@${t.config.mailDomain}`;
      const mailbox = await t.platform.mailboxes.create(user, 'test');
      for (const subject of ['un', 'deux'])
        await t.platform.mailboxes.append(mailbox.id, 'INBOX', Buffer.from(`Subject: ${subject}\r\n\r\nx\r\n`));
      const r = await imaplib(user, [
        ['select', 'INBOX'],
        ['response', 'PERMANENTFLAGS'],
        ['store', '1', '+FLAGS', '(rouge vert bleu)'],
        ['store', '1', '+FLAGS', '(jaune)'],
        ['store', '2', '+FLAGS', '(jaune noir)'],
        ['store', '2', '+FLAGS', '(blanc)'],
        ['store', '2', '+FLAGS', '(un-mot-bien-trop-long)'],
        ['append', 'INBOX', '(a b c d)', '', 'Subject: trois\r\n\r\nx\r\n'],
        ['select', 'INBOX'],
        ['response', 'FLAGS'],
        ['response', 'PERMANENTFLAGS'],
        // Keywords no message carries any more are forgotten when room is needed.
        ['store', '1', '-FLAGS', '(rouge)'],
        ['store', '2', '+FLAGS', '(blanc)'],
      ]);
      expect(r.ok).toBe(true);
      const s = r.steps;
      expect(s[1]).toEqual(['PERMANENTFLAGS', ['(\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)']]);
      expect(s[2][0]).toBe('OK');
      expect(s[3]).toEqual(['NO', ['[LIMIT] Too many keywords on one message (at most 3)']]);
      expect(s[4][0]).toBe('OK');
      expect(s[5]).toEqual(['NO', ['[LIMIT] Too many keywords in this mailbox (at most 5)']]);
      expect(s[6]).toEqual(['NO', ['[LIMIT] Keyword too long (at most 16 bytes)']]);
      expect(s[7]).toEqual(['NO', ['[LIMIT] Too many keywords on one message (at most 3)']]);
      expect(s[9]).toEqual(['FLAGS', ['(\\Answered \\Flagged \\Deleted \\Seen \\Draft bleu jaune noir rouge vert)']]);
      expect(s[10]).toEqual([
        'PERMANENTFLAGS',
        ['(\\Answered \\Flagged \\Deleted \\Seen \\Draft bleu jaune noir rouge vert)'],
      ]);
      expect(s[12][0]).toBe('OK');
      expect(await t.platform.mailboxes.keywords((await t.platform.mailboxes.folder(mailbox.id, 'INBOX'))!.id)).toEqual(
        ['blanc', 'bleu', 'jaune', 'noir', 'vert'],
      );
      const refused = await waitFor(
        t.platform.journal,
        { kind: 'command', mailbox: user },
        (o) => (o.data.reply as { code?: string } | undefined)?.code === 'LIMIT',
      );
      expect(refused.data).toMatchObject({ verb: 'STORE', limit: 'keywords_per_message' });
    },
  );
});

describe('the webmail', () => {
  it(
    'names a full mailbox in French before sending, ' +
      'and refuses a move into a folder without room for its keywords',
    async () => {
      const full = `pleine@${t.config.mailDomain}`;
      const writer = `redacteur@${t.config.mailDomain}`;
      const fullBox = await t.platform.mailboxes.create(full, 'test');
      const writerBox = await t.platform.mailboxes.create(writer, 'test');
      for (const subject of ['a', 'b', 'c', 'd'])
        await t.platform.mailboxes.append(fullBox.id, 'INBOX', Buffer.from(`Subject: ${subject}\r\n\r\nx\r\n`));
      const compose = async (w: WebmailHttp, to: string) => {
        await w.get('/webmail/ecrire');
        const form = new FormData();
        form.set('mode', 'nouveau');
        form.set('a', to);
        form.set('objet', 'Bonjour');
        form.set('texte', 'Texte gardé');
        return w.post('/webmail/ecrire', form);
      };
      const w = new WebmailHttp(t.config.publicUrl);
      expect((await w.login(writer, await passwordOf(t, writer))).status).toBe(303);
      const toFull = await compose(w, full);
      expect(toFull.status).toBe(507);
      expect(toFull.text).toContain(`La boîte aux lettres de ${full} est pleine (quota atteint)`);
      expect(toFull.text).toContain('Texte gardé</textarea>');

      const own = new WebmailHttp(t.config.publicUrl);
      expect((await own.login(full, await passwordOf(t, full))).status).toBe(303);
      const fromFull = await compose(own, writer);
      expect(fromFull.status).toBe(507);
      expect(fromFull.text).toContain('Votre boîte aux lettres est pleine (quota atteint)');
      expect((await t.platform.mailboxes.usage(writerBox.id)).messages).toBe(0);

      // Archive holds the most keywords a folder may (5); INBOX's first message brings others.
      const archive = await t.platform.mailboxes.createFolder(writerBox.id, 'Archive');
      await t.platform.mailboxes.append(writerBox.id, 'Archive', Buffer.from('Subject: a\r\n\r\nx\r\n'), {
        flags: ['k1', 'k2', 'k3'],
      });
      await t.platform.mailboxes.append(writerBox.id, 'Archive', Buffer.from('Subject: b\r\n\r\nx\r\n'), {
        flags: ['k4', 'k5'],
      });
      const { uid } = await t.platform.mailboxes.append(writerBox.id, 'INBOX', Buffer.from('Subject: c\r\n\r\nx\r\n'), {
        flags: ['autre'],
      });
      await w.get('/webmail/dossier?d=INBOX');
      const moved = await w.post('/webmail/actions', {
        d: 'INBOX',
        [`m${uid}`]: '1',
        action: 'deplacer',
        cible: archive.name,
      });
      expect(moved.status).toBe(303);
      const page = await w.get(moved.headers.get('location')!);
      expect(page.text).toContain('le dossier de destination a atteint le nombre maximal de mots-clés');
      expect((await t.platform.mailboxes.index(archive.id)).length).toBe(2);
    },
  );
});

describe('TLS renegotiation', () => {
  /**
   * openssl s_client with TLS 1.2: a command, then `R` (renegotiate) on a line of its own; what it printed, and the
   * session.
   */
  async function renegotiate(protocol: 'imap' | 'smtp'): Promise<{ output: string }> {
    const e = t.endpoint('psc');
    const port = protocol === 'imap' ? e.imapPort : e.smtpPort;
    const child = spawn(
      'openssl',
      [
        's_client',
        '-connect',
        `${e.address}:${port}`,
        '-starttls',
        protocol,
        '-tls1_2',
        '-servername',
        e.host,
        '-CAfile',
        trust,
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    const until = async (pattern: RegExp) => {
      await expect.poll(() => pattern.test(output), { timeout: 15_000, interval: 50 }).toBe(true);
    };
    try {
      await until(/Verify return code/); // the end of the handshake summary
      child.stdin.write(protocol === 'imap' ? 'a NOOP\n' : 'NOOP\n');
      await until(protocol === 'imap' ? /^a OK NOOP/m : /^250 2\.0\.0 Ok/m);
      child.stdin.write('R\n');
      await Promise.race([exited, sleep(15_000)]);
    } finally {
      child.kill();
    }
    return { output };
  }

  it.each(['imap', 'smtp'] as const)(
    'refuses a renegotiation asked by an %s client, records it and ends the session',
    async (protocol) => {
      const since = Date.now();
      const { output } = await renegotiate(protocol);
      expect(output).toContain('RENEGOTIATING');
      expect(output).toMatch(/no renegotiation/);
      const isNew = (o: Observation) => o.at >= since;
      const attempt = await waitFor(t.platform.journal, { kind: 'tls.renegotiation', protocol }, isNew);
      expect(attempt.data).toEqual({ refused: true, error: 'ERR_TLS_RENEGOTIATION_DISABLED' });
      const closed = await waitFor(t.platform.journal, { kind: 'session.close', sessionId: attempt.sessionId! });
      expect(closed.data).toMatchObject({ by: 'server', reason: 'TLS renegotiation refused', tls: true });
    },
  );
});
