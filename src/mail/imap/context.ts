// What command handlers see of an IMAP session, and the tagged replies they return.
import type { FactData } from '../../observe/journal.ts';
import type { Folder, Mailbox, MailboxStore } from '../mailbox/store.ts';
import type { SessionEvent } from '../sessions.ts';
import { ImapSyntaxError, type Args } from './parser.ts';
import { decodeMailboxName, encodeMailboxName } from './utf7.ts';
import type { SelectedFolder } from './selected.ts';

/** What a command adds to its `command` observation besides its tag, verb, arguments and reply. */
export type CommandFacts = Partial<
  Omit<FactData<'command'>, 'tag' | 'verb' | 'args' | 'reply' | 'tls' | 'authenticated'>
>;

/** The tagged completion of a command (RFC 3501 §7.1). */
export interface Reply {
  status: 'OK' | 'NO' | 'BAD';
  /** Response code without brackets, e.g. "READ-WRITE", "TRYCREATE", "APPENDUID 1 2". */
  code?: string;
  text: string;
  /** Facts added to the command's observation (e.g. the folder a SELECT opened). */
  facts?: CommandFacts;
  /** Runs once the reply is sent and recorded (session events that may close the session). */
  after?: () => void;
}

export const ok = (text: string, code?: string): Reply => ({ status: 'OK', text, ...(code ? { code } : {}) });
export const no = (text: string, code?: string): Reply => ({ status: 'NO', text, ...(code ? { code } : {}) });
export const bad = (text: string, code?: string): Reply => ({ status: 'BAD', text, ...(code ? { code } : {}) });

export interface ImapContext {
  readonly store: MailboxStore;
  /** The authenticated mailbox (handlers run only in the states that have one). */
  readonly mailbox: Mailbox;
  readonly selected: SelectedFolder | undefined;
  /** Selects a folder, replacing any selected one. */
  select(folder: Folder, readOnly: boolean): Promise<SelectedFolder>;
  deselect(): void;
  /** Writes "* " + line + CRLF. */
  untagged(line: string | Buffer): void;
  /** Resolves once the socket has taken what was written (back-pressure for large FETCH answers). */
  flush(): Promise<void>;
  notify(event: SessionEvent): void;
}

/**
 * A mailbox name that is not modified UTF-7: 8-bit bytes (UTF-8 names need RFC 6855 UTF8=ACCEPT, which is not
 * offered) or a broken `&…-` sequence. Answered `NO` as Dovecot does (RFC 3501 §5.1.3: mailbox names are 7-bit).
 */
export class MailboxNameError extends Error {
  constructor() {
    super('Mailbox name is not valid mUTF-7');
  }
}

/** A mailbox name argument: astring in modified UTF-7, decoded to the stored UTF-8 name; MailboxNameError otherwise. */
export function folderArg(args: Args): string {
  return decodeFolderName(args.astring('mailbox name'));
}

/**
 * A mailbox name as sent, decoded: ImapSyntaxError for a control character, MailboxNameError when not modified UTF-7.
 */
export function decodeFolderName(wire: string): string {
  const name = decodeMailboxName(wire);
  if (/[\r\n\0]/.test(name)) throw new ImapSyntaxError('Invalid mailbox name');
  // Canonical modified UTF-7 only: what decodes and encodes back to the same text (no 8-bit, no broken "&…-").
  if (encodeMailboxName(name) !== wire) throw new MailboxNameError();
  return name;
}

/** The selected folder of a handler that runs only in the selected state. */
export function selectedOf(ctx: ImapContext): SelectedFolder {
  if (!ctx.selected) throw new Error('no folder selected');
  return ctx.selected;
}
