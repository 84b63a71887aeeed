// IMAP deviations found by comparing raw commands with RFC 3501, 4315, 6851 and 6855 (issue 15), each a raw
// exchange over a real socket (STARTTLS, LOGIN) with the RFC text it follows. Where the RFC leaves room, the
// answer is Dovecot's: its answers are recorded below as the reference, obtained from Dovecot 2.3.19.1
// (9b53102964, Debian 12's dovecot-imapd, maildir, "." delimiter) configured as bench/dovecot.ts does, with the
// same raw commands.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../src/platform.ts';
import { silentLogger } from '../src/util/log.ts';
import { passwordsOf } from './helpers/passwords.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { RawImap, untag } from './helpers/raw-imap.ts';

let t: TestPlatform;
/** The platform after the restart of the last test, when it happened. */
let restarted: Platform | undefined;
let files: string;
let trust: string;
let passwords: Map<string, string>;
const USERS = [
  '871122330001',
  '871122330002',
  '871122330003',
  '871122330004',
  '871122330005',
  '871122330006',
  '871122330007',
  '871122330008',
];
const address = (local: string) => `${local}@${t.config.mailDomain}`;

beforeAll(async () => {
  t = await startTestPlatform({ imap: { changePollSeconds: 1 } });
  files = mkdtempSync(path.join(os.tmpdir(), 'motco-imap-rfc-'));
  await t.platform.pki.exportTrust(files);
  trust = path.join(files, 'igc-sante-test-roots.pem');
  for (const local of USERS) await t.platform.mailboxes.create(address(local), 'personal');
  passwords = await passwordsOf(t, USERS.map(address));
});

afterAll(async () => {
  if (restarted) {
    await restarted.stop();
    rmSync(t.dataDir, { recursive: true, force: true });
  } else {
    await t?.stop();
  }
  if (files) rmSync(files, { recursive: true, force: true });
});

/** A non-synchronising literal (RFC 7888) of a text, its length in bytes. */
const lit = (text: string) => `{${Buffer.byteLength(text)}+}\r\n${text}`;

function login(local: string): Promise<RawImap> {
  return RawImap.login(t.endpoint('psc'), trust, address(local), passwords.get(address(local))!);
}

describe('subscriptions (RFC 3501 §6.3.3, §6.3.4, §6.3.6, §6.3.7, §6.3.9)', () => {
  it('DELETE keeps the subscription: LSUB shows the name \\Noselect, UNSUBSCRIBE of it succeeds', async () => {
    // §6.3.6: « A server MUST NOT unilaterally remove an existing mailbox name from the subscription list even
    // if a mailbox by that name no longer exists. » §6.3.9: such a name « SHOULD be flagged with the \Noselect
    // attribute ». Dovecot 2.3.19.1: after SUBSCRIBE foo, DELETE foo: `* LSUB () "." foo`; UNSUBSCRIBE foo: OK.
    const raw = await login(USERS[0]!);
    expect(untag(await raw.command('CREATE Dossiers'))).toBe('TAG OK CREATE completed');
    expect(untag(await raw.command('SUBSCRIBE Dossiers'))).toBe('TAG OK SUBSCRIBE completed');
    expect(untag(await raw.command('DELETE Dossiers'))).toBe('TAG OK DELETE completed');
    expect(untag(await raw.command('LSUB "" "Dossiers"'))).toBe(
      '* LSUB (\\Noselect) "/" Dossiers\nTAG OK LSUB completed',
    );
    expect(untag(await raw.command('LIST "" "Dossiers"'))).toBe('TAG OK LIST completed');
    expect(untag(await raw.command('UNSUBSCRIBE Dossiers'))).toBe('TAG OK UNSUBSCRIBE completed');
    expect(untag(await raw.command('LSUB "" "Dossiers"'))).toBe('TAG OK LSUB completed');
    // Re-created, the folder is listed again but not subscribed: CREATE subscribes nothing.
    await raw.command('CREATE Dossiers');
    expect(untag(await raw.command('LSUB "" "Dossiers"'))).toBe('TAG OK LSUB completed');
    raw.close();
  });

  it('CREATE does not subscribe; SUBSCRIBE does; UNSUBSCRIBE of a name never subscribed succeeds', async () => {
    // §6.3.3 (CREATE) says nothing of subscribing, §6.3.6 makes it the client's act. Dovecot 2.3.19.1:
    // `CREATE foo` OK, `LSUB "" "*"` lists nothing; `UNSUBSCRIBE neversub` → `OK Unsubscribe completed`;
    // `SUBSCRIBE nothere` → `NO Mailbox doesn't exist: nothere`.
    const raw = await login(USERS[1]!);
    await raw.command('CREATE Archives');
    expect(untag(await raw.command('LSUB "" "*"'))).toBe(
      [
        '* LSUB (\\HasNoChildren) "/" INBOX',
        '* LSUB (\\HasNoChildren \\Drafts) "/" Drafts',
        '* LSUB (\\HasNoChildren \\Sent) "/" Sent',
        '* LSUB (\\HasNoChildren \\Trash) "/" Trash',
        'TAG OK LSUB completed',
      ].join('\n'),
    );
    expect(untag(await raw.command('SUBSCRIBE Archives'))).toBe('TAG OK SUBSCRIBE completed');
    expect(await raw.command('LSUB "" "Arch*"')).toMatch(/^\* LSUB \(\\HasNoChildren\) "\/" Archives\r$/m);
    expect(untag(await raw.command('UNSUBSCRIBE Jamais'))).toBe('TAG OK UNSUBSCRIBE completed');
    expect(untag(await raw.command('SUBSCRIBE Nulle-part'))).toBe(
      "TAG NO [NONEXISTENT] Mailbox doesn't exist: Nulle-part",
    );
    raw.close();
  });

  it('LSUB with %: a subscribed child whose parent is not subscribed lists the parent \\Noselect', async () => {
    // §6.3.9: « if "foo/bar" is subscribed but "foo" is not. A "%" wildcard to LSUB must return foo, not
    // foo/bar, in the LSUB response, and it MUST be flagged with the \Noselect attribute. »
    const raw = await login(USERS[1]!);
    await raw.command('CREATE Projets/2025');
    await raw.command('SUBSCRIBE Projets/2025');
    expect(untag(await raw.command('LSUB "" "Proj%"'))).toBe('* LSUB (\\Noselect) "/" Projets\nTAG OK LSUB completed');
    expect(untag(await raw.command('LSUB "" "Projets/%"'))).toBe(
      '* LSUB (\\HasNoChildren) "/" Projets/2025\nTAG OK LSUB completed',
    );
    raw.close();
  });

  it('RENAME leaves subscriptions as they are, as in Dovecot', async () => {
    // RFC 3501 §6.3.5 says nothing of subscriptions; Dovecot 2.3.19.1 after SUBSCRIBE bar, RENAME bar baz:
    // `* LSUB () "." bar` (the old name stays subscribed, the new one is not).
    const raw = await login(USERS[1]!);
    await raw.command('CREATE Ancien');
    await raw.command('SUBSCRIBE Ancien');
    expect(untag(await raw.command('RENAME Ancien Nouveau'))).toBe('TAG OK RENAME completed');
    expect(untag(await raw.command('LSUB "" "Ancien"'))).toBe('* LSUB (\\Noselect) "/" Ancien\nTAG OK LSUB completed');
    expect(untag(await raw.command('LSUB "" "Nouveau"'))).toBe('TAG OK LSUB completed');
    raw.close();
  });
});

describe('8-bit names and search strings without UTF8=ACCEPT (RFC 3501 §5.1.3, §6.4.4, §9; RFC 6855 §3)', () => {
  it(
    'refuses 8-bit and broken modified UTF-7 mailbox names with NO, ' + 'as Dovecot, and keeps modified UTF-7 working',
    async () => {
      // §5.1.3: mailbox names are 7-bit, international names in modified UTF-7; RFC 6855 (UTF8=ACCEPT, not
      // offered) is what would allow UTF-8. Dovecot 2.3.19.1: `CREATE "café"`, `CREATE {5+} café`, `SELECT "café"`,
      // `STATUS "café" (MESSAGES)`, `APPEND "café" …`, `SUBSCRIBE "café"`, `CREATE "caf&AOk"`, `SELECT "caf&AOk"`
      // → `NO Mailbox name is not valid mUTF-7`; `LIST "" "é*"` and `LIST "" "caf&AOk"` → `OK List completed`.
      const raw = await login(USERS[2]!);
      const refused = 'TAG NO Mailbox name is not valid mUTF-7';
      for (const command of [
        'CREATE "café"',
        'CREATE {5+}\r\ncafé',
        'SELECT "café"',
        'STATUS "café" (MESSAGES)',
        'SUBSCRIBE "café"',
        'APPEND "café" {10+}\r\nSubject: x',
        'CREATE "caf&AOk"',
        'SELECT "caf&AOk"',
        'RENAME INBOX "café"',
      ]) {
        expect(untag(await raw.command(Buffer.from(command, 'utf8'))), command).toBe(refused);
      }
      expect(untag(await raw.command(Buffer.from('LIST "" "é*"', 'utf8')))).toBe('TAG OK LIST completed');
      expect(untag(await raw.command('LIST "" "caf&AOk"'))).toBe('TAG OK LIST completed');
      // The same name in modified UTF-7 is fine, and stored in UTF-8.
      expect(untag(await raw.command('CREATE "caf&AOk-"'))).toBe('TAG OK CREATE completed');
      expect(untag(await raw.command('LIST "" "caf*"'))).toBe(
        '* LIST (\\HasNoChildren) "/" caf&AOk-\nTAG OK LIST completed',
      );
      const mailbox = (await t.platform.mailboxes.find(address(USERS[2]!)))!;
      expect((await t.platform.mailboxes.folders(mailbox.id)).map((f) => f.name)).toContain('café');
      raw.close();
    },
  );

  it('does not enable UTF8=ACCEPT: ENABLE answers an empty ENABLED and the capability is not offered', async () => {
    // RFC 5161 §3.1: ENABLED lists only the extensions enabled. RFC 6855 §3: without UTF8=ACCEPT enabled, quoted
    // strings stay 7-bit.
    const raw = await login(USERS[2]!);
    expect(await raw.command('CAPABILITY')).not.toMatch(/UTF8=/);
    expect(untag(await raw.command('ENABLE UTF8=ACCEPT'))).toBe('* ENABLED\nTAG OK ENABLE completed');
    expect(untag(await raw.command(Buffer.from('SELECT "café"', 'utf8')))).toBe(
      'TAG NO Mailbox name is not valid mUTF-7',
    );
    raw.close();
  });

  it('takes 8-bit search strings only as a literal under CHARSET UTF-8', async () => {
    // §9: quoted = 7-bit CHAR, literal = CHAR8; §6.4.4: US-ASCII is the default charset. An 8-bit search string
    // is BAD unless it is a literal under CHARSET UTF-8 (which is how imapflow, Thunderbird and Jakarta Mail
    // send one). Dovecot 2.3.19.1 is lenient here (`SEARCH SUBJECT "café"` → `* SEARCH`, OK): the RFC is followed.
    const mailbox = (await t.platform.mailboxes.find(address(USERS[3]!)))!;
    await t.platform.mailboxes.append(
      mailbox.id,
      'INBOX',
      Buffer.from('Subject: =?UTF-8?Q?caf=C3=A9?=\r\n\r\nthé\r\n'),
    );
    await t.platform.mailboxes.append(mailbox.id, 'INBOX', Buffer.from('Subject: autre\r\n\r\nrien\r\n'));
    const raw = await login(USERS[3]!);
    await raw.command('SELECT INBOX');
    const bad = async (command: string | Buffer) =>
      expect(untag(await raw.command(command)), String(command)).toMatch(/^TAG BAD /);
    await bad(Buffer.from('SEARCH SUBJECT "café"', 'utf8'));
    await bad(Buffer.from('SEARCH CHARSET UTF-8 SUBJECT "café"', 'utf8'));
    await bad(Buffer.from('SEARCH SUBJECT {5+}\r\ncafé', 'utf8'));
    await bad(Buffer.from('SEARCH CHARSET US-ASCII SUBJECT {5+}\r\ncafé', 'utf8'));
    await bad(Buffer.concat([Buffer.from('SEARCH CHARSET UTF-8 SUBJECT {4+}\r\ncaf'), Buffer.from([0xe9])]));
    await bad(Buffer.from('SEARCH SUBJECT café', 'utf8'));
    expect(untag(await raw.command(Buffer.from('SEARCH CHARSET UTF-8 SUBJECT {5+}\r\ncafé', 'utf8')))).toBe(
      '* SEARCH 1\nTAG OK SEARCH completed',
    );
    expect(
      untag(await raw.command(Buffer.from('SEARCH CHARSET UTF-8 OR BODY {4+}\r\nthé SUBJECT autre', 'utf8'))),
    ).toBe('* SEARCH 1 2\nTAG OK SEARCH completed');
    expect(untag(await raw.command('SEARCH SUBJECT "caf"'))).toBe('* SEARCH 1\nTAG OK SEARCH completed');
    raw.close();
  });
});

describe('INTERNALDATE keeps APPEND’s time zone (RFC 3501 §2.3.3, §6.3.11, §6.4.4)', () => {
  it('FETCH INTERNALDATE gives back the date-time as APPEND gave it, and SEARCH ON uses that day', async () => {
    // §6.3.11: « If a date-time is specified, the internal date SHOULD be set in the resulting message »; the
    // date-time carries its zone and §2.3.3 keeps the internal date as given. (Dovecot 2.3.19.1 with maildir
    // keeps the instant only: `"14-Jul-2024 10:11:12 +0530"` comes back as `"14-Jul-2024 04:41:12 +0000"`.)
    const raw = await login(USERS[4]!);
    expect(
      await raw.command(`APPEND INBOX (\\Seen) "14-Jul-2024 10:11:12 +0530" ${lit('Subject: un\r\n\r\nx\r\n')}`),
    ).toMatch(/OK \[APPENDUID \d+ 1\]/);
    expect(await raw.command(`APPEND INBOX " 1-Jan-2025 00:30:00 +0100" ${lit('Subject: deux\r\n\r\nx\r\n')}`)).toMatch(
      /OK \[APPENDUID \d+ 2\]/,
    );
    expect(
      await raw.command(`APPEND INBOX "31-Dec-2024 20:00:00 -0330" ${lit('Subject: trois\r\n\r\nx\r\n')}`),
    ).toMatch(/OK \[APPENDUID \d+ 3\]/);
    await raw.command('SELECT INBOX');
    expect(untag(await raw.command('FETCH 1:3 (INTERNALDATE)'))).toBe(
      [
        '* 1 FETCH (INTERNALDATE "14-Jul-2024 10:11:12 +0530")',
        '* 2 FETCH (INTERNALDATE "01-Jan-2025 00:30:00 +0100")',
        '* 3 FETCH (INTERNALDATE "31-Dec-2024 20:00:00 -0330")',
        'TAG OK FETCH completed',
      ].join('\n'),
    );
    // Message 2 is 31-Dec-2024 23:30 UTC and message 3 is 1-Jan-2025 00:30 UTC: their own days count.
    expect(untag(await raw.command('SEARCH ON 1-Jan-2025'))).toBe('* SEARCH 2\nTAG OK SEARCH completed');
    expect(untag(await raw.command('SEARCH ON 31-Dec-2024'))).toBe('* SEARCH 3\nTAG OK SEARCH completed');
    // A copy keeps the zone too.
    await raw.command('CREATE Copies');
    await raw.command('COPY 1 Copies');
    await raw.command('SELECT Copies');
    expect(await raw.command('FETCH 1 (INTERNALDATE)')).toMatch(
      /^\* 1 FETCH \(INTERNALDATE "14-Jul-2024 10:11:12 \+0530"\)\r$/m,
    );
    raw.close();
  });
});

describe('LIST and sequence sets where the RFC leaves room: as Dovecot answers', () => {
  it('LIST "" "In%" and "inbox*" list INBOX (RFC 3501 §5.1: INBOX is case-insensitive)', async () => {
    // Dovecot 2.3.19.1: `LIST "" "In%"` and `LIST "" "in*"` → `* LIST (\HasNoChildren) "." INBOX`.
    const raw = await login(USERS[5]!);
    for (const pattern of ['In%', 'inbox*', 'INB%', 'iNbOx']) {
      expect(untag(await raw.command(`LIST "" "${pattern}"`)), pattern).toBe(
        '* LIST (\\HasNoChildren) "/" INBOX\nTAG OK LIST completed',
      );
    }
    await raw.command('CREATE Inbox2');
    // Only INBOX is case-insensitive: "Inbox2" is a name like any other.
    expect(untag(await raw.command('LIST "" "inbox2"'))).toBe('TAG OK LIST completed');
    expect(untag(await raw.command('LIST "" "Inbox%"'))).toBe(
      '* LIST (\\HasNoChildren) "/" INBOX\n* LIST (\\HasNoChildren) "/" Inbox2\nTAG OK LIST completed',
    );
    raw.close();
  });

  it(
    'UID FETCH 1:* on an empty mailbox is a bare OK; FETCH 1:* is BAD; ' +
      'n:* past the last UID gives the last (RFC 3501 §6.4.8, §9)',
    async () => {
      // §9 seq-number: « * » is the largest number in use, and n:* is the same as *:n. Dovecot 2.3.19.1, INBOX
      // empty: `UID FETCH 1:* (FLAGS)` → `OK Fetch completed`; `FETCH 1:* (FLAGS)` → `BAD Error in IMAP command
      // FETCH: Invalid messageset`; `UID SEARCH ALL` → `* SEARCH`. With UIDs 1 and 2: `UID FETCH 5:* (FLAGS)` →
      // `* 2 FETCH (UID 2 FLAGS (\Recent))`; `UID SEARCH UID 9:*` → `* SEARCH 2`.
      const raw = await login(USERS[5]!);
      await raw.command('SELECT INBOX');
      expect(untag(await raw.command('UID FETCH 1:* (FLAGS)'))).toBe('TAG OK FETCH completed');
      expect(untag(await raw.command('FETCH 1:* (FLAGS)'))).toBe('TAG BAD Invalid messageset');
      expect(untag(await raw.command('UID SEARCH ALL'))).toBe('* SEARCH\nTAG OK SEARCH completed');
      await raw.command(`APPEND INBOX ${lit('Subject: un\r\n\r\nx\r\n')}`);
      await raw.command(`APPEND INBOX ${lit('Subject: deux\r\n\r\nx\r\n')}`);
      await raw.command('NOOP');
      expect(untag(await raw.command('UID FETCH 5:* (FLAGS)'))).toBe(
        '* 2 FETCH (UID 2 FLAGS (\\Recent))\nTAG OK FETCH completed',
      );
      expect(untag(await raw.command('UID SEARCH UID 9:*'))).toBe('* SEARCH 2\nTAG OK SEARCH completed');
      raw.close();
    },
  );
});

/** Runs a script in another Node process that opens the same database (as the CLI or another instance would). */
function otherProcess(script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`other process exited ${code}: ${stderr}`)),
    );
  });
}

describe('changes made by another process; \\Recent kept in the database', () => {
  it(
    'NOOP and an idling session see an APPEND and a flag change ' +
      'made by another process (RFC 3501 §6.1.2, §7.3.1; RFC 2177)',
    async () => {
      // Another process raises no event here: the session compares the folder's change counter with the database
      // at NOOP and CHECK, and every imap.changePollSeconds while idling.
      const user = address(USERS[6]!);
      const raw = await login(USERS[6]!);
      expect(await raw.command('SELECT INBOX')).toMatch(/^\* 0 EXISTS\r$/m);
      const store = (action: string) => `
      import { openStore } from './src/store/store.ts';
      import { MailboxStore } from './src/mail/mailbox/store.ts';
      const store = await openStore({ dataDir: ${JSON.stringify(t.dataDir)} });
      const boxes = new MailboxStore(store.db, {
        mail: ${JSON.stringify(t.config.mailDomain)},
        patient: ${JSON.stringify(t.config.patientDomain)},
      });
      const box = await boxes.find(${JSON.stringify(user)});
      ${action}
      await store.close();`;
      await otherProcess(
        store(`await boxes.append(box.id, 'INBOX', Buffer.from('Subject: ailleurs\\r\\n\\r\\nx\\r\\n'));`),
      );
      expect(untag(await raw.command('NOOP'))).toBe('* 1 EXISTS\n* 1 RECENT\nTAG OK NOOP completed');
      raw.write('t99 IDLE\r\n');
      await raw.until(/^\+ .*\r\n/m);
      await otherProcess(
        store(
          `const inbox = await boxes.folder(box.id, 'INBOX'); ` +
            `await boxes.updateFlags(inbox, [1], 'add', ['\\\\Flagged']);`,
        ),
      );
      expect(await raw.until(/^\* 1 FETCH .*\r\n/m, 15_000)).toMatch(
        /^\* 1 FETCH \(FLAGS \(\\Flagged \\Recent\)\)\r\n$/m,
      );
      raw.write('DONE\r\n');
      expect(await raw.until(/^t99 .*\r\n/m)).toMatch(/^t99 OK IDLE terminated/m);
      raw.close();
    },
  );

  it('\\Recent goes to the first session only, and stays claimed across a restart (RFC 3501 §2.3.2)', async () => {
    // §2.3.2: \Recent — « This session is the first session to have been notified about this message; if the
    // session is read-write, subsequent sessions will not see \Recent set for this message. »
    const local = USERS[7]!;
    const mailbox = (await t.platform.mailboxes.find(address(local)))!;
    await t.platform.mailboxes.append(mailbox.id, 'INBOX', Buffer.from('Subject: un\r\n\r\nx\r\n'));
    const first = await login(local);
    expect(await first.command('EXAMINE INBOX')).toMatch(/^\* 1 RECENT\r$/m); // read-only: looks, claims nothing
    expect(await first.command('SELECT INBOX')).toMatch(/^\* 1 RECENT\r$/m);
    first.close();
    const second = await login(local);
    expect(await second.command('STATUS INBOX (RECENT MESSAGES)')).toMatch(
      /^\* STATUS INBOX \(RECENT 0 MESSAGES 1\)\r$/m,
    );
    expect(await second.command('SELECT INBOX')).toMatch(/^\* 0 RECENT\r$/m);
    second.close();
    await t.platform.stop();
    restarted = await startPlatform(t.config, { log: silentLogger });
    const third = await login(local);
    expect(await third.command('SELECT INBOX')).toMatch(/^\* 0 RECENT\r$/m);
    expect(untag(await third.command('FETCH 1 (FLAGS)'))).toBe('* 1 FETCH (FLAGS ())\nTAG OK FETCH completed');
    third.close();
  });
});
