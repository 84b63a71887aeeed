// What command handlers see of an IMAP session, and the tagged replies they return.
import type { Folder, Mailbox, MailboxStore } from '../mailbox/store.ts';
import type { SessionEvent } from '../sessions.ts';
import { ImapSyntaxError, type Args } from './parser.ts';
import { decodeMailboxName } from './utf7.ts';
import type { SelectedFolder } from './selected.ts';

/** The tagged completion of a command (RFC 3501 §7.1). */
export interface Reply {
  status: 'OK' | 'NO' | 'BAD';
  /** Response code without brackets, e.g. "READ-WRITE", "TRYCREATE", "APPENDUID 1 2". */
  code?: string;
  text: string;
  /** Facts added to the command's observation (e.g. the folder a SELECT opened). */
  facts?: Record<string, unknown>;
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

/** A mailbox name argument: astring in modified UTF-7, decoded to the stored UTF-8 name. */
export function folderArg(args: Args): string {
  const name = decodeMailboxName(args.astring('mailbox name'));
  if (/[\r\n\0]/.test(name)) throw new ImapSyntaxError('Invalid mailbox name');
  return name;
}

/** The selected folder of a handler that runs only in the selected state. */
export function selectedOf(ctx: ImapContext): SelectedFolder {
  if (!ctx.selected) throw new Error('no folder selected');
  return ctx.selected;
}
