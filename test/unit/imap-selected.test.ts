// IMAP commands on a selected folder, run against a real mailbox store without a socket: what they announce,
// and how much of the database they read to do it.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ImapContext, Reply } from '../../src/mail/imap/context.ts';
import * as messages from '../../src/mail/imap/message-commands.ts';
import { Args, parseCommand } from '../../src/mail/imap/parser.ts';
import { SelectedFolder } from '../../src/mail/imap/selected.ts';
import { MailboxEvents } from '../../src/mail/mailbox/events.ts';
import { MailboxStore, type Folder, type Mailbox, type MessageEntry } from '../../src/mail/mailbox/store.ts';
import { openStore, type Store } from '../../src/store/store.ts';

let dir: string;
let store: Store;
let mailboxes: MailboxStore;
let mailbox: Mailbox;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'motco-imap-selected-'));
  store = await openStore({ dataDir: dir });
  mailboxes = new MailboxStore(store.db, { mail: 'mail.test', patient: 'patient.mail.test' });
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const message = (subject: string, extra = '') =>
  Buffer.from(`Subject: ${subject}\r\n${extra}\r\nbody of ${subject}\r\n`);

/** A session with a folder selected: run(command) answers as the IMAP session does, then announces pending changes. */
async function session(folderName: string) {
  const lines: string[] = [];
  const folder = (await mailboxes.folder(mailbox.id, folderName))!;
  let view: SelectedFolder | undefined = await SelectedFolder.open(mailboxes, folder, false, (line) =>
    lines.push(line),
  );
  const ctx: ImapContext = {
    store: mailboxes,
    mailbox,
    get selected() {
      return view;
    },
    select: async () => view!,
    deselect: () => (view?.close(), (view = undefined)),
    untagged: (line) => lines.push(line.toString('latin1')),
    flush: async () => {},
    notify: () => {},
  };
  const run = async (text: string) => {
    const parsed = parseCommand(Buffer.from(`a ${text}`));
    if (!parsed.ok) throw new Error(parsed.error);
    const [verb, byUid] = parsed.command.name.startsWith('UID ')
      ? [parsed.command.name.slice(4), true]
      : [parsed.command.name, false];
    const handlers: Record<string, (args: Args) => Promise<Reply>> = {
      FETCH: (args) => messages.fetch(ctx, args, byUid),
      STORE: (args) => messages.store(ctx, args, byUid),
      SEARCH: (args) => messages.search(ctx, args, byUid),
      MOVE: (args) => messages.copy(ctx, args, byUid, true),
      EXPUNGE: (args) => messages.expunge(ctx, args, byUid),
    };
    const reply = await handlers[verb]!(new Args(parsed.command.args));
    await view!.sync(true);
    const out = lines.splice(0);
    return { reply, out };
  };
  return { run, folder, close: () => ctx.deselect() };
}

describe('a selected folder', () => {
  beforeAll(async () => {
    mailbox = await mailboxes.create('871122334477@mail.test', 'personal');
  });

  it(
    'announces its own STORE, EXPUNGE and MOVE at once without a new look at the folder; ' + 'other changes after one',
    async () => {
      for (const subject of ['one', 'two', 'three']) await mailboxes.append(mailbox.id, 'INBOX', message(subject));
      const a = await session('INBOX');
      const index = vi.spyOn(mailboxes, 'index');
      try {
        expect((await a.run('STORE 1 +FLAGS (\\Flagged)')).out).toEqual(['1 FETCH (FLAGS (\\Flagged \\Recent))']);
        expect((await a.run('UID STORE 2 +FLAGS.SILENT (\\Deleted)')).out).toEqual([]);
        expect(index).not.toHaveBeenCalled();

        await mailboxes.updateFlags(a.folder, [3], 'add', ['$Other']); // another session
        expect((await a.run('STORE 1 -FLAGS (\\Flagged)')).out).toEqual([
          '1 FETCH (FLAGS (\\Recent))',
          '3 FETCH (FLAGS ($Other \\Recent))',
        ]);
        expect(index).toHaveBeenCalledTimes(1);

        // EXPUNGE finds the \Deleted messages in SQL, then announces them without another look at the folder.
        expect((await a.run('EXPUNGE')).out).toEqual(['2 EXPUNGE']);
        expect(index).toHaveBeenCalledTimes(1);
        // A MOVE into the folder itself removes the original and brings a copy: the copy is news.
        const moved = await a.run('MOVE 1 INBOX');
        expect(moved.out).toEqual([
          expect.stringMatching(/^OK \[COPYUID \d+ 1 4\] Moved UIDs\.$/),
          '1 EXPUNGE',
          '2 EXISTS',
          '2 RECENT',
        ]);
      } finally {
        index.mockRestore();
        a.close();
      }
    },
  );

  it('marks messages \\Seen in one store update for a whole FETCH and reports their flags with the data', async () => {
    await mailboxes.createFolder(mailbox.id, 'Lus');
    for (const subject of ['a', 'b', 'c'])
      await mailboxes.append(mailbox.id, 'Lus', message(subject), subject === 'b' ? { flags: ['\\Seen'] } : {});
    const a = await session('Lus');
    const updateFlags = vi.spyOn(mailboxes, 'updateFlags');
    try {
      const { reply, out } = await a.run('FETCH 1:* (UID BODY[HEADER.FIELDS (SUBJECT)])');
      expect(reply.status).toBe('OK');
      expect(out).toEqual([
        '1 FETCH (UID 1 BODY[HEADER.FIELDS (SUBJECT)] {14}\r\nSubject: a\r\n\r\n FLAGS (\\Seen \\Recent))',
        '2 FETCH (UID 2 BODY[HEADER.FIELDS (SUBJECT)] {14}\r\nSubject: b\r\n\r\n)',
        '3 FETCH (UID 3 BODY[HEADER.FIELDS (SUBJECT)] {14}\r\nSubject: c\r\n\r\n FLAGS (\\Seen \\Recent))',
      ]);
      expect(updateFlags).toHaveBeenCalledTimes(1);
      expect((await mailboxes.index(a.folder.id)).map((e) => e.flags)).toEqual([['\\Seen'], ['\\Seen'], ['\\Seen']]);
    } finally {
      updateFlags.mockRestore();
      a.close();
    }
  });

  it(
    'reads only the first bytes for header FETCH and SEARCH keys, ' + 'and the whole message when its header is longer',
    async () => {
      await mailboxes.createFolder(mailbox.id, 'Entetes');
      const long = `X-Long: ${'x'.repeat(70 * 1024)}\r\n`;
      await mailboxes.append(mailbox.id, 'Entetes', message('court'));
      await mailboxes.append(mailbox.id, 'Entetes', message('long', long));
      await mailboxes.append(mailbox.id, 'Entetes', Buffer.from('Subject: sans corps\r\n')); // no blank line, no body
      const a = await session('Entetes');
      const content = vi.spyOn(mailboxes, 'content');
      const heads = vi.spyOn(mailboxes, 'heads');
      try {
        const { out } = await a.run('FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)] RFC822.HEADER)');
        expect(out.map((line) => line.replace(/RFC822\.HEADER \{\d+\}\r\n[^]*\)$/, 'RFC822.HEADER …)'))).toEqual([
          '1 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {18}\r\nSubject: court\r\n\r\n RFC822.HEADER …)',
          '2 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {17}\r\nSubject: long\r\n\r\n RFC822.HEADER …)',
          '3 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {23}\r\nSubject: sans corps\r\n\r\n RFC822.HEADER …)',
        ]);
        expect(out[0]).toContain(`RFC822.HEADER {18}\r\nSubject: court\r\n\r\n)`);
        expect(out[1]).toContain(`RFC822.HEADER {${17 + long.length}}\r\nSubject: long\r\n${long}\r\n)`);
        expect(out[2]).toContain(`RFC822.HEADER {21}\r\nSubject: sans corps\r\n)`);
        expect(heads).toHaveBeenCalledTimes(1);
        expect(content.mock.calls.map(([, uid]) => uid)).toEqual([2]);

        expect((await a.run('SEARCH SUBJECT long')).out).toEqual(['SEARCH 2']);
        expect((await a.run('SEARCH OR SUBJECT court BODY "of long"')).out).toEqual(['SEARCH 1 2']);
        expect(content.mock.calls.map(([, uid]) => uid)).toEqual([2, 2, 1, 2, 3]);
      } finally {
        content.mockRestore();
        heads.mockRestore();
        a.close();
      }
    },
  );

  it('claims \\Recent for any number of messages', async () => {
    const entries: MessageEntry[] = Array.from({ length: 500_000 }, (_, i) => ({
      uid: i + 1,
      flags: [],
      internalDate: 0,
      size: 1,
    }));
    let claimed = 0;
    const claimRecent = async (_: number, last: number, claim: boolean) => {
      const before = claimed;
      if (claim) claimed = Math.max(claimed, last);
      return before;
    };
    const fake = {
      events: new MailboxEvents(),
      index: async () => entries,
      keywords: async () => [],
      changeMark: async () => 0,
      claimRecent,
    } as unknown as MailboxStore;
    const folder: Folder = {
      id: 1,
      mailboxId: 1,
      name: 'INBOX',
      specialUse: null,
      uidValidity: 1,
      uidNext: entries.length + 1,
      recentUid: 0,
      modseq: 0,
    };
    const first = await SelectedFolder.open(fake, folder, false, () => {});
    expect(first.recentCount).toBe(entries.length);
    first.close();
    const second = await SelectedFolder.open(fake, folder, false, () => {});
    expect(second.recentCount).toBe(0);
    second.close();
  });
});
