// Commands on the messages of the selected folder: FETCH, STORE, SEARCH, COPY, MOVE, EXPUNGE (and their
// UID forms), CLOSE and UNSELECT.
import { SYSTEM_FLAGS, type FlagChange } from '../mailbox/store.ts';
import { folderArg, no, ok, selectedOf, type ImapContext, type Reply } from './context.ts';
import { fetchValues, needsContent, parseFetchItems, setsSeen, type FetchItem } from './fetch.ts';
import { Args, ImapSyntaxError, type Token } from './parser.ts';
import { BadCharsetError, matches, parseSearch, SEARCH_CHARSETS, searchNeedsContent } from './search.ts';
import { formatSequenceSet, largestNumber, parseSequenceSet, type SequenceRange } from './sequence.ts';
import { encode } from './wire.ts';

export async function fetch(ctx: ImapContext, args: Args, byUid: boolean): Promise<Reply> {
  const view = selectedOf(ctx);
  const set = sequenceArg(args, ctx, byUid);
  const items: FetchItem[] = parseFetchItems(args.next('FETCH items'));
  args.end();
  if (byUid && !items.some((i) => i.kind === 'UID')) items.unshift({ kind: 'UID' });
  const markSeen = !view.readOnly && items.some(setsSeen);
  const withContent = items.some(needsContent);
  let missing = false;
  for (const { msn, entry } of view.select(set, byUid)) {
    const raw = withContent ? await ctx.store.content(view.folder.id, entry.uid) : undefined;
    if (withContent && !raw) {
      missing = true; // expunged by another session, not announced yet
      continue;
    }
    let shown = items;
    if (markSeen && !entry.flags.includes('\\Seen')) {
      const [updated] = await ctx.store.updateFlags(view.folder, [entry.uid], 'add', ['\\Seen']);
      if (updated) view.setFlags(entry.uid, updated.flags);
      // RFC 3501 §6.4.5: the implicit \Seen change is reported with the data.
      if (!items.some((i) => i.kind === 'FLAGS')) shown = [...items, { kind: 'FLAGS' }];
    }
    const values = fetchValues(shown, { uid: entry.uid, flags: view.shownFlags(entry), internalDate: entry.internalDate, size: entry.size, raw });
    ctx.untagged(Buffer.concat([Buffer.from(`${msn} FETCH `), encode(values)]));
    await ctx.flush();
  }
  return missing ? no('Some of the requested messages no longer exist', 'EXPUNGEISSUED') : ok('FETCH completed');
}

export async function store(ctx: ImapContext, args: Args, byUid: boolean): Promise<Reply> {
  const view = selectedOf(ctx);
  const set = sequenceArg(args, ctx, byUid);
  const item = /^([+-]?)FLAGS(\.SILENT)?$/i.exec(args.atom('STORE item'));
  if (!item) throw new ImapSyntaxError('Expected FLAGS, +FLAGS or -FLAGS');
  const rest = args.rest();
  const [first] = rest;
  const flags = parseFlags(rest.length === 1 && first?.type === 'list' ? first.items : rest);
  if (view.readOnly) return no('Mailbox is read-only');
  const change: FlagChange = item[1] === '+' ? 'add' : item[1] === '-' ? 'remove' : 'set';
  const targets = new Map(view.select(set, byUid).map((t) => [t.entry.uid, t]));
  const results = await ctx.store.updateFlags(view.folder, [...targets.keys()], change, flags);
  for (const result of results) {
    view.setFlags(result.uid, result.flags);
    const { msn, entry } = targets.get(result.uid)!;
    if (!item[2]) ctx.untagged(`${msn} FETCH (FLAGS (${view.shownFlags(entry).join(' ')})${byUid ? ` UID ${result.uid}` : ''})`);
  }
  return ok('STORE completed');
}

export async function search(ctx: ImapContext, args: Args, byUid: boolean): Promise<Reply> {
  const view = selectedOf(ctx);
  let criteria;
  try {
    criteria = parseSearch(args.rest());
  } catch (error) {
    if (error instanceof BadCharsetError) return no(`Unsupported charset ${error.message}`, `BADCHARSET (${SEARCH_CHARSETS.join(' ')})`);
    throw error;
  }
  const withContent = searchNeedsContent(criteria);
  const scope = { lastMsn: view.exists, lastUid: view.lastUid };
  const hits: number[] = [];
  for (const { msn, entry } of view.select([{ start: 1, end: Infinity }], false)) {
    const raw = withContent ? await ctx.store.content(view.folder.id, entry.uid) : undefined;
    if (withContent && !raw) continue;
    if (matches(criteria, { msn, uid: entry.uid, flags: entry.flags, recent: view.isRecent(entry.uid), internalDate: entry.internalDate, size: entry.size, raw }, scope)) {
      hits.push(byUid ? entry.uid : msn);
    }
  }
  ctx.untagged(`SEARCH${hits.map((h) => ` ${h}`).join('')}`);
  return ok('SEARCH completed');
}

/** COPY, and MOVE (RFC 6851): COPYUID (RFC 4315) names the new UIDs; MOVE then expunges the originals. */
export async function copy(ctx: ImapContext, args: Args, byUid: boolean, move: boolean): Promise<Reply> {
  const view = selectedOf(ctx);
  const set = sequenceArg(args, ctx, byUid);
  const name = folderArg(args);
  args.end();
  const verb = move ? 'MOVE' : 'COPY';
  if (move && view.readOnly) return no('Mailbox is read-only');
  const target = await ctx.store.folder(ctx.mailbox.id, name);
  if (!target) return { ...no(`Mailbox doesn't exist: ${name}`, 'TRYCREATE'), facts: { folder: name } };
  const uids = view.select(set, byUid).map((t) => t.entry.uid);
  const facts = { folder: target.name, messages: uids.length };
  if (uids.length === 0) return { ...ok(`${verb} completed (no messages)`), facts };
  const result = move ? await ctx.store.moveMessages(view.folder, uids, target) : await ctx.store.copyMessages(view.folder, uids, target);
  const code = `COPYUID ${result.uidValidity} ${formatSequenceSet(result.pairs.map(([from]) => from))} ${formatSequenceSet(result.pairs.map(([, to]) => to))}`;
  if (!move) return { ...ok(`${verb} completed`, code), facts };
  ctx.untagged(`OK [${code}] Moved UIDs.`);
  for (const msn of view.forget(result.pairs.map(([from]) => from))) ctx.untagged(`${msn} EXPUNGE`);
  return { ...ok(`${verb} completed`), facts };
}

/** EXPUNGE, and UID EXPUNGE (RFC 4315) limited to a set of UIDs. */
export async function expunge(ctx: ImapContext, args: Args, byUid: boolean): Promise<Reply> {
  const view = selectedOf(ctx);
  const set = byUid ? sequenceArg(args, ctx, true) : undefined;
  args.end();
  if (view.readOnly) return no('Mailbox is read-only');
  const only = set ? view.select(set, true).map((t) => t.entry.uid) : undefined;
  const expunged = await ctx.store.expunge(view.folder, only);
  for (const msn of view.forget(expunged)) ctx.untagged(`${msn} EXPUNGE`);
  return ok('EXPUNGE completed');
}

/** CLOSE expunges silently (when read-write) and deselects; UNSELECT (RFC 3691) only deselects. */
export async function close(ctx: ImapContext, args: Args, expungeFirst: boolean): Promise<Reply> {
  const view = selectedOf(ctx);
  args.end();
  ctx.deselect();
  if (expungeFirst && !view.readOnly) await ctx.store.expunge(view.folder);
  return ok(expungeFirst ? 'CLOSE completed' : 'UNSELECT completed');
}

/** A sequence set argument; message numbers beyond the mailbox (any, when it is empty) are an error, as in Dovecot. */
function sequenceArg(args: Args, ctx: ImapContext, byUid: boolean): SequenceRange[] {
  const set = parseSequenceSet(args.atom('sequence set'));
  if (!set) throw new ImapSyntaxError('Invalid sequence set');
  const exists = selectedOf(ctx).exists;
  if (!byUid && (exists === 0 || largestNumber(set) > exists)) throw new ImapSyntaxError('Invalid messageset');
  return set;
}

const KEYWORD = /^[^\x00-\x20\x7f(){%*"\\\]]+$/;

/** Flags of STORE and APPEND: system flags (canonical spelling) and keywords; \Recent cannot be set. */
export function parseFlags(tokens: Token[]): string[] {
  return tokens.map((token) => {
    if (token.type !== 'atom') throw new ImapSyntaxError('Invalid flag');
    const flag = token.raw;
    if (flag.startsWith('\\')) {
      const system = SYSTEM_FLAGS.find((f) => f.toLowerCase() === flag.toLowerCase());
      if (!system) throw new ImapSyntaxError(`Invalid system flag ${flag.toUpperCase()}`);
      return system;
    }
    if (!KEYWORD.test(flag)) throw new ImapSyntaxError(`Invalid keyword ${flag}`);
    return flag;
  });
}
