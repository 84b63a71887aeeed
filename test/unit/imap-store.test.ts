// The mailbox store's folder and message operations that IMAP stands on, and the change bus they feed.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailboxChange } from '../../src/mail/mailbox/events.ts';
import { FolderError, MailboxStore, type Mailbox } from '../../src/mail/mailbox/store.ts';
import { openStore, type Store } from '../../src/store/store.ts';

let dir: string;
let store: Store;
let mailboxes: MailboxStore;
let mailbox: Mailbox;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'motco-imap-store-'));
  store = await openStore({ dataDir: dir });
  mailboxes = new MailboxStore(store.db, { mail: 'mail.test', patient: 'patient.mail.test' });
  mailbox = await mailboxes.create('871122334455@mail.test', 'personal');
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const message = (subject: string) => Buffer.from(`Subject: ${subject}\r\n\r\nx\r\n`);
const folderNames = async () => (await mailboxes.folders(mailbox.id)).map((f) => f.name);

describe('folders', () => {
  it('creates superiors, finds INBOX in any case, and never reuses a UIDVALIDITY', async () => {
    const created = await mailboxes.create('871122334466@mail.test', 'personal');
    const inbox = (await mailboxes.folder(created.id, 'inbox'))!;
    expect(inbox.name).toBe('INBOX');
    const archive = await mailboxes.createFolder(created.id, 'Archives/2025/');
    expect(archive.name).toBe('Archives/2025');
    expect((await mailboxes.folders(created.id)).map((f) => f.name)).toEqual([
      'Archives',
      'Archives/2025',
      'Drafts',
      'INBOX',
      'Sent',
      'Trash',
    ]);
    await expect(mailboxes.createFolder(created.id, 'Archives')).rejects.toMatchObject({ code: 'exists' });
    await expect(mailboxes.createFolder(created.id, 'a//b')).rejects.toBeInstanceOf(FolderError);
    await mailboxes.deleteFolder(created.id, 'Trash');
    const again = await mailboxes.createFolder(created.id, 'Trash');
    const validities = (await mailboxes.folders(created.id)).map((f) => f.uidValidity);
    expect(again.uidValidity).toBe(Math.max(...validities));
    expect(again.uidValidity).toBeGreaterThan(inbox.uidValidity);
    expect(again.uidValidity).toBeGreaterThan(archive.uidValidity);
  });

  it(
    'renames a folder with its children, ' + 'refuses to delete a parent or INBOX, and renaming INBOX moves its mail',
    async () => {
      await mailboxes.createFolder(mailbox.id, 'Projets/2024');
      await mailboxes.renameFolder(mailbox.id, 'Projets', 'Anciens/Projets');
      expect(await folderNames()).toEqual(
        expect.arrayContaining(['Anciens', 'Anciens/Projets', 'Anciens/Projets/2024']),
      );
      expect(await folderNames()).not.toContain('Projets');
      await expect(mailboxes.deleteFolder(mailbox.id, 'Anciens')).rejects.toMatchObject({ code: 'has_children' });
      await expect(mailboxes.deleteFolder(mailbox.id, 'INBOX')).rejects.toMatchObject({ code: 'inbox' });
      await expect(mailboxes.renameFolder(mailbox.id, 'Anciens', 'Anciens/Sous')).rejects.toMatchObject({
        code: 'invalid_name',
      });

      await mailboxes.append(mailbox.id, 'INBOX', message('a'));
      await mailboxes.append(mailbox.id, 'INBOX', message('b'));
      await mailboxes.renameFolder(mailbox.id, 'INBOX', 'Ancienne boîte');
      const inbox = (await mailboxes.folder(mailbox.id, 'INBOX'))!;
      const moved = (await mailboxes.folder(mailbox.id, 'Ancienne boîte'))!;
      expect(await mailboxes.index(inbox.id)).toEqual([]);
      expect((await mailboxes.index(moved.id)).map((m) => m.uid)).toEqual([1, 2]);
    },
  );
});

describe('messages and the change bus', () => {
  it('changes flags, copies, moves and expunges, announcing each committed change', async () => {
    const inbox = (await mailboxes.folder(mailbox.id, 'INBOX'))!;
    const trash = (await mailboxes.folder(mailbox.id, 'Trash'))!;
    const seen: MailboxChange[] = [];
    const folderChanges: MailboxChange[] = [];
    const stopMailbox = mailboxes.events.onMailbox(mailbox.id, (c) => seen.push(c));
    const stopFolder = mailboxes.events.onFolder(inbox.id, (c) => folderChanges.push(c));
    mailboxes.events.onFolder(inbox.id, () => {
      throw new Error('a failing listener does not stop the others');
    });

    const { uid: first } = await mailboxes.append(mailbox.id, 'INBOX', message('one'), { flags: ['\\Seen'] });
    const { uid: second } = await mailboxes.append(mailbox.id, 'inbox', message('two'));
    expect(await mailboxes.updateFlags(inbox, [first, second], 'add', ['\\flagged', '$Label1'])).toEqual([
      { uid: first, flags: ['\\Seen', '\\Flagged', '$Label1'], changed: true },
      { uid: second, flags: ['\\Flagged', '$Label1'], changed: true },
    ]);
    expect(await mailboxes.updateFlags(inbox, [first], 'remove', ['$label1'])).toEqual([
      { uid: first, flags: ['\\Seen', '\\Flagged'], changed: true },
    ]);
    expect(await mailboxes.updateFlags(inbox, [first], 'add', ['\\Seen'])).toEqual([
      { uid: first, flags: ['\\Seen', '\\Flagged'], changed: false },
    ]);

    const copied = await mailboxes.copyMessages(inbox, [second, first], trash);
    expect(copied).toEqual({
      uidValidity: trash.uidValidity,
      pairs: [
        [first, 1],
        [second, 2],
      ],
    });
    expect((await mailboxes.index(trash.id)).map((m) => m.flags)).toEqual([
      ['\\Seen', '\\Flagged'],
      ['\\Flagged', '$Label1'],
    ]);
    const movedBack = await mailboxes.moveMessages(trash, [1], inbox);
    expect(movedBack.pairs).toEqual([[1, second + 1]]);
    expect((await mailboxes.index(trash.id)).map((m) => m.uid)).toEqual([2]);

    await mailboxes.updateFlags(inbox, [first, second + 1], 'set', ['\\Deleted']);
    expect(await mailboxes.expunge(inbox, [second + 1])).toEqual([second + 1]);
    expect(await mailboxes.expunge(inbox)).toEqual([first]);
    expect((await mailboxes.content(inbox.id, second))!.toString()).toContain('Subject: two');
    expect(await mailboxes.content(inbox.id, first)).toBeUndefined();

    stopFolder();
    stopMailbox();
    await mailboxes.append(mailbox.id, 'INBOX', message('unheard'));
    expect(folderChanges.map((c) => c.type)).toEqual([
      'appended',
      'appended',
      'flags',
      'flags',
      'appended',
      'flags',
      'expunged',
      'expunged',
    ]);
    expect(
      seen.map((c) => `${c.type}${'folderId' in c ? (c.folderId === inbox.id ? ':inbox' : ':trash') : ''}`),
    ).toEqual([
      'appended:inbox',
      'appended:inbox',
      'flags:inbox',
      'flags:inbox',
      'appended:trash',
      'appended:inbox',
      'expunged:trash',
      'flags:inbox',
      'expunged:inbox',
      'expunged:inbox',
    ]);
  });

  it('announces folder creation to the mailbox listeners', async () => {
    const changes: MailboxChange[] = [];
    const stop = mailboxes.events.onMailbox(mailbox.id, (c) => changes.push(c));
    await mailboxes.createFolder(mailbox.id, 'Nouveau');
    stop();
    expect(changes).toEqual([{ type: 'folders', mailboxId: mailbox.id }]);
  });
});
