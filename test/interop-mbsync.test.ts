// mbsync (isync, Debian) against the IMAP endpoint, kept as a regression test (issue 15): a strict IMAP client
// that syncs by UID (UIDPLUS's APPENDUID, UID FETCH ranges, UID STORE), over STARTTLS verified with the exported
// roots, SASL PLAIN through Cyrus SASL. A full pull of INBOX into a maildir, a push of a message written locally,
// a flag set locally and another set on the server, each going the other way at the next run.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordOf } from './helpers/passwords.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { run } from './helpers/run.ts';

let t: TestPlatform;
let files: string;
const LOCAL = '871122335501';
const address = () => `${LOCAL}@${t.config.mailDomain}`;

beforeAll(async () => {
  t = await startTestPlatform();
  files = mkdtempSync(path.join(os.tmpdir(), 'motco-mbsync-'));
  await t.platform.pki.exportTrust(files);
  await t.platform.mailboxes.create(address(), 'personal');
});

afterAll(async () => {
  await t?.stop();
  if (files) rmSync(files, { recursive: true, force: true });
});

/** The maildir's messages: file name → its bytes. */
function maildir(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const sub of ['cur', 'new'])
    for (const name of readdirSync(path.join(dir, sub)))
      out.set(`${sub}/${name}`, readFileSync(path.join(dir, sub, name), 'utf8'));
  return out;
}

describe('mbsync (isync 1.4, Debian)', () => {
  it('pulls INBOX, pushes a local message, and carries flags both ways', async () => {
    const e = t.endpoint('psc');
    const mailbox = (await t.platform.mailboxes.find(address()))!;
    for (const subject of ['Premier', 'Second'])
      await t.platform.mailboxes.append(
        mailbox.id,
        'INBOX',
        Buffer.from(`From: ${address()}\r\nSubject: ${subject}\r\n\r\nCorps ${subject}\r\n`),
      );
    const local = path.join(files, 'mail');
    mkdirSync(local);
    const config = path.join(files, 'mbsyncrc');
    // The certificate names "localhost" among its names: mbsync checks the host name against the DNS names only.
    writeFileSync(
      config,
      `IMAPAccount motco
Host localhost
Port ${e.imapPort}
User ${address()}
Pass ${await passwordOf(t, address())}
SSLType STARTTLS
SSLVersions TLSv1.2 TLSv1.3
CertificateFile ${path.join(files, 'igc-sante-test-roots.pem')}
AuthMechs PLAIN

IMAPStore remote
Account motco

MaildirStore local
Path ${local}/
Inbox ${local}/INBOX

Channel inbox
Far :remote:INBOX
Near :local:INBOX
Create Both
Expunge Both
SyncState *
`,
    );
    const mbsync = async () => {
      const r = await run('mbsync', ['-c', config, 'inbox'], { timeoutMs: 60_000 });
      expect(r.code, r.stdout + r.stderr).toBe(0);
    };
    await mbsync();
    const inbox = path.join(local, 'INBOX');
    const pulled = [...maildir(inbox).values()];
    expect(pulled.map((m) => /^Subject: (.*)$/m.exec(m)?.[1]?.trim()).sort()).toEqual(['Premier', 'Second']);

    // Push: a message written in the maildir goes up with APPEND (APPENDUID gives mbsync its UID).
    writeFileSync(
      path.join(inbox, 'new', `${Date.now()}.motco.local`),
      `From: ${address()}\r\nSubject: Local\r\n\r\nÉcrit localement\r\n`,
    );
    // A flag set locally: "Premier" marked seen (maildir info ":2,S").
    const [premier] = [...maildir(inbox).entries()].find(([, m]) => m.includes('Subject: Premier'))!;
    renameSync(path.join(inbox, premier), path.join(inbox, 'cur', `${path.basename(premier).split(':')[0]}:2,S`));
    // A flag set on the server: "Second" flagged.
    const folder = (await t.platform.mailboxes.folder(mailbox.id, 'INBOX'))!;
    const second = (await t.platform.mailboxes.messages(mailbox.id, 'INBOX')).find((m) =>
      m.raw.toString().includes('Subject: Second'),
    )!;
    await t.platform.mailboxes.updateFlags(folder, [second.uid], 'add', ['\\Flagged']);
    await mbsync();

    const server = await t.platform.mailboxes.messages(mailbox.id, 'INBOX');
    const bySubject = new Map(server.map((m) => [/^Subject: (.*)$/m.exec(m.raw.toString())![1]!.trim(), m]));
    expect([...bySubject.keys()].sort()).toEqual(['Local', 'Premier', 'Second']);
    expect(bySubject.get('Local')!.raw.toString()).toContain('Écrit localement');
    expect(bySubject.get('Premier')!.flags).toContain('\\Seen');
    const flagged = [...maildir(inbox).entries()].find(([, m]) => m.includes('Subject: Second'))![0];
    expect(flagged).toMatch(/:2,F/);

    // The journal saw STARTTLS, PLAIN, and the APPEND of the pushed message answered with APPENDUID.
    const commands = await t.platform.journal.query({ kind: 'command', protocol: 'imap', endpoint: 'psc' });
    expect(commands.map((o) => o.data)).toContainEqual(
      expect.objectContaining({
        verb: 'APPEND',
        reply: expect.objectContaining({ status: 'OK', code: expect.stringMatching(/^APPENDUID \d+ 3$/) }),
      }),
    );
    const auths = await t.platform.journal.query({ kind: 'auth', endpoint: 'psc' });
    expect(auths.map((o) => o.data)).toEqual([
      expect.objectContaining({ mechanism: 'PLAIN', outcome: 'success' }),
      expect.objectContaining({ mechanism: 'PLAIN', outcome: 'success' }),
    ]);
  });
});
