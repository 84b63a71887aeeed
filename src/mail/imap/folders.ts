// Commands on folders once authenticated: SELECT/EXAMINE, CREATE, DELETE, RENAME, SUBSCRIBE/UNSUBSCRIBE,
// LIST/LSUB (with RFC 6154 special-use and RFC 3348 children attributes), STATUS and APPEND.
import { canonicalFolderName, FolderError, FOLDER_DELIMITER } from '../mailbox/store.ts';
import { limitRefusal } from './limits.ts';
import { decodeFolderName, folderArg, MailboxNameError, no, ok, type ImapContext, type Reply } from './context.ts';
import { monthIndex } from './fetch.ts';
import { parseFlags } from './message-commands.ts';
import { listMatcher } from './list-pattern.ts';
import { ImapSyntaxError, type Args } from './parser.ts';
import { encodeMailboxName } from './utf7.ts';
import { astr, encode } from './wire.ts';

export async function select(ctx: ImapContext, args: Args, readOnly: boolean): Promise<Reply> {
  const name = folderArg(args);
  args.end();
  // RFC 3501 §6.3.1: a failed SELECT leaves no folder selected.
  ctx.deselect();
  const folder = await ctx.store.folder(ctx.mailbox.id, name);
  if (!folder) return { ...no(`Mailbox doesn't exist: ${name}`, 'NONEXISTENT'), facts: { folder: name } };
  const view = await ctx.select(folder, readOnly);
  ctx.untagged(`FLAGS (${view.flagsInUse().join(' ')})`);
  // Without \* once the folder's keyword list is full: the client learns it cannot define new keywords here.
  const permanent = readOnly ? '' : `${view.flagsInUse().join(' ')}${view.keywordsAllowed ? ' \\*' : ''}`;
  ctx.untagged(
    readOnly ? 'OK [PERMANENTFLAGS ()] Read-only mailbox.' : `OK [PERMANENTFLAGS (${permanent})] Flags permitted.`,
  );
  ctx.untagged(`${view.exists} EXISTS`);
  ctx.untagged(`${view.recentCount} RECENT`);
  if (view.firstUnseen) ctx.untagged(`OK [UNSEEN ${view.firstUnseen}] First unseen.`);
  ctx.untagged(`OK [UIDVALIDITY ${folder.uidValidity}] UIDs valid`);
  ctx.untagged(`OK [UIDNEXT ${view.uidNext}] Predicted next UID`);
  return {
    ...ok(`${readOnly ? 'EXAMINE' : 'SELECT'} completed`, readOnly ? 'READ-ONLY' : 'READ-WRITE'),
    facts: { folder: folder.name },
    after: () => ctx.notify({ type: 'selected', folder: folder.name }),
  };
}

export async function create(ctx: ImapContext, args: Args): Promise<Reply> {
  const name = folderArg(args);
  args.end();
  return folderChange(name, async () => {
    await ctx.store.createFolder(ctx.mailbox.id, name);
    return ok('CREATE completed');
  });
}

export async function remove(ctx: ImapContext, args: Args): Promise<Reply> {
  const name = folderArg(args);
  args.end();
  return folderChange(name, async () => {
    if (ctx.selected && ctx.selected.folder.name === canonicalFolderName(name)) ctx.deselect();
    await ctx.store.deleteFolder(ctx.mailbox.id, name);
    return ok('DELETE completed');
  });
}

export async function rename(ctx: ImapContext, args: Args): Promise<Reply> {
  const from = folderArg(args);
  const to = folderArg(args);
  args.end();
  return folderChange(from, async () => {
    await ctx.store.renameFolder(ctx.mailbox.id, from, to);
    return { ...ok('RENAME completed'), facts: { folder: from, to } };
  });
}

export async function subscribe(ctx: ImapContext, args: Args, subscribed: boolean): Promise<Reply> {
  const name = folderArg(args);
  args.end();
  return folderChange(name, async () => {
    await ctx.store.setSubscribed(ctx.mailbox.id, name, subscribed);
    return ok(`${subscribed ? 'SUBSCRIBE' : 'UNSUBSCRIBE'} completed`);
  });
}

async function folderChange(name: string, change: () => Promise<Reply>): Promise<Reply> {
  try {
    const reply = await change();
    return { facts: { folder: name }, ...reply };
  } catch (error) {
    if (!(error instanceof FolderError)) throw error;
    const reply = {
      unknown_folder: no(`Mailbox doesn't exist: ${name}`, 'NONEXISTENT'),
      exists: no('Mailbox already exists', 'ALREADYEXISTS'),
      invalid_name: no('Invalid mailbox name', 'CANNOT'),
      has_children: no('Mailbox has children, delete them first', 'CANNOT'),
      inbox: no('INBOX cannot be deleted', 'CANNOT'),
    }[error.code];
    return { ...reply, facts: { folder: name } };
  }
}

/**
 * LIST and LSUB (RFC 3501 §6.3.8–9): `*` matches anything, `%` anything but the delimiter. LSUB lists subscribed
 * names, those whose folder is gone flagged \\Noselect; with `%`, a subscribed "a/b" whose "a" is not subscribed
 * lists "a" flagged \\Noselect (§6.3.9). A reference or pattern that is not modified UTF-7 matches no name (as in
 * Dovecot).
 */
export async function list(ctx: ImapContext, args: Args, lsub: boolean): Promise<Reply> {
  const reference = listName(args.astring('reference'));
  const pattern = listName(args.astring('mailbox pattern'));
  args.end();
  const verb = lsub ? 'LSUB' : 'LIST';
  if (reference === undefined || pattern === undefined) return ok(`${verb} completed`);
  if (pattern === '') {
    // The hierarchy delimiter and the root (RFC 3501 §6.3.8).
    ctx.untagged(`${verb} (\\Noselect) "${FOLDER_DELIMITER}" ""`);
    return ok(`${verb} completed`);
  }
  const matches = listMatcher(reference + pattern);
  const folders = await ctx.store.folders(ctx.mailbox.id);
  const byName = new Map(folders.map((f) => [f.name, f]));
  const attributes = (name: string): string[] => {
    const folder = byName.get(name);
    if (!folder) return ['\\Noselect'];
    const children = folders.some((f) => f.name.startsWith(name + FOLDER_DELIMITER));
    return [children ? '\\HasChildren' : '\\HasNoChildren', ...(folder.specialUse ? [folder.specialUse] : [])];
  };
  const listed = new Map<string, string[]>();
  if (!lsub) {
    for (const folder of folders) if (matches(folder.name)) listed.set(folder.name, attributes(folder.name));
  } else {
    const subscribed = await ctx.store.subscriptions(ctx.mailbox.id);
    for (const name of subscribed) if (matches(name)) listed.set(name, attributes(name));
    if (pattern.includes('%')) {
      const names = new Set(subscribed);
      for (const name of subscribed) {
        const levels = name.split(FOLDER_DELIMITER);
        for (let i = 1; i < levels.length; i++) {
          const parent = levels.slice(0, i).join(FOLDER_DELIMITER);
          if (!names.has(parent) && !listed.has(parent) && matches(parent)) listed.set(parent, ['\\Noselect']);
        }
      }
    }
  }
  for (const name of sortForListing([...listed.keys()])) {
    ctx.untagged(
      Buffer.concat([
        Buffer.from(`${verb} (${listed.get(name)!.join(' ')}) "${FOLDER_DELIMITER}" `),
        encode(astr(encodeMailboxName(name))),
      ]),
    );
  }
  return ok(`${verb} completed`);
}

/** A LIST reference or pattern decoded, or undefined when it is not modified UTF-7 (it then matches nothing). */
function listName(wire: string): string | undefined {
  try {
    return decodeFolderName(wire);
  } catch (error) {
    if (error instanceof MailboxNameError) return undefined;
    throw error;
  }
}

/** INBOX first, then the other names in order. */
function sortForListing(names: string[]): string[] {
  return [...names].sort((a, b) => (a === 'INBOX' ? -1 : b === 'INBOX' ? 1 : a.localeCompare(b)));
}

const STATUS_ITEMS = ['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN'];

export async function status(ctx: ImapContext, args: Args): Promise<Reply> {
  const name = folderArg(args);
  const items = args.list('status items').map((token) => {
    const item = token.type === 'atom' ? token.value.toUpperCase() : '';
    if (!STATUS_ITEMS.includes(item))
      throw new ImapSyntaxError(`Unknown STATUS item ${token.type === 'atom' ? token.raw : ''}`);
    return item;
  });
  args.end();
  if (items.length === 0) throw new ImapSyntaxError('Empty STATUS item list');
  const folder = await ctx.store.folder(ctx.mailbox.id, name);
  if (!folder) return { ...no(`Mailbox doesn't exist: ${name}`, 'NONEXISTENT'), facts: { folder: name } };
  // One SQL aggregate: STATUS on a large folder reads no message into memory.
  const counts = await ctx.store.status(folder.id, folder.recentUid);
  const values: Record<string, number> = {
    MESSAGES: counts.messages,
    RECENT: ctx.selected?.folder.id === folder.id ? ctx.selected.recentCount : counts.recent,
    UIDNEXT: Math.max(folder.uidNext, counts.lastUid + 1),
    UIDVALIDITY: folder.uidValidity,
    UNSEEN: counts.unseen,
  };
  const data = items.map((item) => `${item} ${values[item]}`).join(' ');
  ctx.untagged(
    Buffer.concat([Buffer.from('STATUS '), encode(astr(encodeMailboxName(folder.name))), Buffer.from(` (${data})`)]),
  );
  return { ...ok('STATUS completed'), facts: { folder: folder.name } };
}

/** APPEND mailbox [(flags)] [date-time] literal, answered with APPENDUID (RFC 4315). */
export async function append(ctx: ImapContext, args: Args): Promise<Reply> {
  const name = folderArg(args);
  const flags = args.peek()?.type === 'list' ? parseFlags(args.list()) : [];
  let internalDate: { at: number; zone: number } | undefined;
  const next = args.peek();
  if (next?.type === 'string' && !next.literal) internalDate = parseDateTime(args.astring('date-time'));
  const message = args.next('message literal');
  args.end();
  if (message.type !== 'string') throw new ImapSyntaxError('Expected the message as a literal');
  const facts = { folder: name, size: message.value.length };
  if (message.value.length === 0) return { ...no('Cannot append an empty message'), facts };
  const folder = await ctx.store.folder(ctx.mailbox.id, name);
  if (!folder) return { ...no(`Mailbox doesn't exist: ${name}`, 'TRYCREATE'), facts };
  try {
    const { uid, uidValidity } = await ctx.store.append(ctx.mailbox.id, folder.name, Buffer.from(message.value), {
      flags,
      ...(internalDate ? { internalDate: internalDate.at, internalZone: internalDate.zone } : {}),
    });
    return {
      ...ok('APPEND completed', `APPENDUID ${uidValidity} ${uid}`),
      facts: { ...facts, folder: folder.name, uid },
    };
  } catch (error) {
    const refusal = limitRefusal(error);
    if (!refusal) throw error;
    return { ...refusal, facts: { ...facts, folder: folder.name, ...refusal.facts } };
  }
}

/**
 * RFC 3501 date-time: "dd-Mon-yyyy hh:mm:ss +hhmm" (day may be space-padded): the instant, and the zone in
 * minutes east of UTC, which INTERNALDATE shows again (§2.3.3: the date and time, with its zone, as given).
 */
function parseDateTime(text: string): { at: number; zone: number } {
  const match = /^([ \d]?\d)-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  const month = match ? monthIndex(match[2]!) : -1;
  if (!match || month < 0) throw new ImapSyntaxError('Invalid date-time');
  const [, day, , year, hours, minutes, seconds, sign, zoneHours, zoneMinutes] = match;
  const offset = (sign === '-' ? -1 : 1) * (Number(zoneHours) * 60 + Number(zoneMinutes));
  return {
    at:
      Date.UTC(Number(year), month, Number(day!.trim()), Number(hours), Number(minutes), Number(seconds)) -
      offset * 60_000,
    zone: offset,
  };
}
