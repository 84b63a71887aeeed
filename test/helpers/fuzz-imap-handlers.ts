// The fuzz target of the IMAP handlers' argument parsers (fetch items and sections, search criteria, sequence
// sets, flags, status items, append date-time, list patterns, mailbox names), driven through the real handlers
// against a real store, as the session calls them once a command has parsed.
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { MailboxNameError, type ImapContext, type Reply } from '../../src/mail/imap/context.ts';
import * as folders from '../../src/mail/imap/folders.ts';
import * as messages from '../../src/mail/imap/message-commands.ts';
import { Args, ImapSyntaxError, parseCommand, type Command } from '../../src/mail/imap/parser.ts';
import { SelectedFolder } from '../../src/mail/imap/selected.ts';
import { MailboxStore, type Folder, type Mailbox } from '../../src/mail/mailbox/store.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { imapHandlerCommands } from './fuzz-inputs.ts';
import { allowing, expect, type FuzzTarget } from './fuzz-targets.ts';

type Handler = (ctx: ImapContext, args: Args, command: Command) => Promise<Reply | null>;
const HANDLERS: Record<string, { selected: boolean; run: Handler }> = {
  SELECT: { selected: false, run: (c, a) => folders.select(c, a, false) },
  EXAMINE: { selected: false, run: (c, a) => folders.select(c, a, true) },
  CREATE: { selected: false, run: (c, a) => folders.create(c, a) },
  DELETE: { selected: false, run: (c, a) => folders.remove(c, a) },
  RENAME: { selected: false, run: (c, a) => folders.rename(c, a) },
  SUBSCRIBE: { selected: false, run: (c, a) => folders.subscribe(c, a, true) },
  UNSUBSCRIBE: { selected: false, run: (c, a) => folders.subscribe(c, a, false) },
  LIST: { selected: false, run: (c, a) => folders.list(c, a, false) },
  LSUB: { selected: false, run: (c, a) => folders.list(c, a, true) },
  STATUS: { selected: false, run: (c, a) => folders.status(c, a) },
  APPEND: { selected: false, run: (c, a) => folders.append(c, a) },
  CLOSE: { selected: true, run: (c, a) => messages.close(c, a, true) },
  UNSELECT: { selected: true, run: (c, a) => messages.close(c, a, false) },
  EXPUNGE: { selected: true, run: (c, a) => messages.expunge(c, a, false) },
  'UID EXPUNGE': { selected: true, run: (c, a) => messages.expunge(c, a, true) },
  SEARCH: { selected: true, run: (c, a) => messages.search(c, a, false) },
  'UID SEARCH': { selected: true, run: (c, a) => messages.search(c, a, true) },
  FETCH: { selected: true, run: (c, a) => messages.fetch(c, a, false) },
  'UID FETCH': { selected: true, run: (c, a) => messages.fetch(c, a, true) },
  STORE: { selected: true, run: (c, a) => messages.store(c, a, false) },
  'UID STORE': { selected: true, run: (c, a) => messages.store(c, a, true) },
  COPY: { selected: true, run: (c, a) => messages.copy(c, a, false, false) },
  'UID COPY': { selected: true, run: (c, a) => messages.copy(c, a, true, false) },
  MOVE: { selected: true, run: (c, a) => messages.copy(c, a, false, true) },
  'UID MOVE': { selected: true, run: (c, a) => messages.copy(c, a, true, true) },
};

/** Messages to fetch and search: plain, multipart with an attachment, and one carrying another message. */
const SAMPLES = [
  'From: Jean Dupont <jean@mail.test>\r\nTo: a@mail.test, "B, C" <b@mail.test>\r\n' +
    'Subject: =?utf-8?Q?caf=C3=A9?=\r\nDate: Mon, 6 Jan 2025 10:00:00 +0100\r\n' +
    'Message-ID: <1@mail.test>\r\n\r\nBonjour\r\n',
  'From: x@mail.test\r\nSubject: pièce jointe\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n' +
    '--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n' +
    '\r\ncaf=C3=A9\r\n--b\r\nContent-Type: application/pdf; name="a.pdf"\r\nContent-Disposition: attachment; ' +
    "filename*=utf-8''%C3%A9.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--b--\r\n",
  'From: y@mail.test\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\n' +
    'Content-Type: message/rfc822\r\n\r\nSubject: inner\r\nContent-Type: multipart/alternative; boundary=i\r\n' +
    '\r\n--i\r\n\r\ntext\r\n--i\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--i--\r\n--o--\r\n',
].map((m) => Buffer.from(m, 'utf8'));

/** What the handlers see of a session: a real store, a real selected folder; untagged data is encoded and dropped. */
class FuzzContext implements ImapContext {
  selected: SelectedFolder | undefined;

  constructor(
    readonly store: MailboxStore,
    readonly mailbox: Mailbox,
  ) {}

  async select(folder: Folder, readOnly: boolean): Promise<SelectedFolder> {
    this.deselect();
    this.selected = await SelectedFolder.open(this.store, folder, readOnly, () => {});
    return this.selected;
  }

  deselect(): void {
    this.selected?.close();
    this.selected = undefined;
  }

  untagged(): void {}

  async flush(): Promise<void> {}

  notify(): void {}
}

let store: Store | undefined;
let mailboxes: MailboxStore | undefined;
let context: FuzzContext | undefined;
let runs = 0;

/** A fresh mailbox with the samples every 25 inputs, so that deletions and expunges leave something to work on. */
async function freshContext(): Promise<FuzzContext> {
  if (context && runs++ % 25 !== 0) return context;
  context?.deselect();
  const mailbox = await mailboxes!.create(`8700${String(runs).padStart(8, '0')}@mail.test`, 'personal');
  for (const sample of SAMPLES) await mailboxes!.append(mailbox.id, 'INBOX', sample, { flags: ['\\Seen'] });
  context = new FuzzContext(mailboxes!, mailbox);
  return context;
}

export const imapHandlers: FuzzTarget = {
  name: 'imap-handlers',
  arbitrary: imapHandlerCommands,
  async setup(scratch) {
    store = await openStore({ dataDir: mkdtempSync(path.join(scratch, 'store-')) });
    mailboxes = new MailboxStore(store.db, { mail: 'mail.test', patient: 'patient.mail.test' });
  },
  async teardown() {
    context?.deselect();
    await store?.close();
  },
  async run(input) {
    const parsed = parseCommand(input);
    const handler = parsed.ok ? HANDLERS[parsed.command.name] : undefined;
    if (!parsed.ok || !handler) return;
    const ctx = await freshContext();
    if (handler.selected && !ctx.selected) {
      const inbox = await ctx.store.folder(ctx.mailbox.id, 'INBOX');
      if (!inbox) return; // renamed away by an earlier input: the next fresh mailbox has one again
      await ctx.select(inbox, false);
    }
    if (!handler.selected) ctx.deselect();
    const reply = await allowing(
      (error) => error instanceof ImapSyntaxError || error instanceof MailboxNameError,
      () => handler.run(ctx, new Args(parsed.command.args), parsed.command),
    );
    if (reply)
      expect(
        ['OK', 'NO', 'BAD'].includes(reply.status) && typeof reply.text === 'string',
        `malformed reply ${JSON.stringify(reply)}`,
      );
  },
};
