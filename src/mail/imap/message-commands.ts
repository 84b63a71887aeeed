// Commands on the messages of the selected folder: FETCH, STORE, SEARCH, COPY, MOVE, EXPUNGE (and their
// UID forms), CLOSE and UNSELECT.
import { SYSTEM_FLAGS, type FlagChange, type MessageEntry } from '../mailbox/store.ts';
import { bodyOffset } from '../message/headers.ts';
import { Pacer } from '../../util/pace.ts';
import { folderArg, no, ok, selectedOf, type ImapContext, type Reply } from './context.ts';
import {
  contentNeed,
  fetchValues,
  greatestNeed,
  parseFetchItems,
  setsSeen,
  type ContentNeed,
  type FetchItem,
} from './fetch.ts';
import { limitRefusal } from './limits.ts';
import { type Args, ImapSyntaxError, type Token } from './parser.ts';
import { BadCharsetError, matches, parseSearch, SEARCH_CHARSETS, searchNeed } from './search.ts';
import { formatSequenceSet, largestNumber, parseSequenceSet, type SequenceRange } from './sequence.ts';
import { encode } from './wire.ts';

export async function fetch(ctx: ImapContext, args: Args, byUid: boolean): Promise<Reply> {
  const view = selectedOf(ctx);
  const set = sequenceArg(args, ctx, byUid);
  const items: FetchItem[] = parseFetchItems(args.next('FETCH items'));
  args.end();
  if (byUid && !items.some((i) => i.kind === 'UID')) items.unshift({ kind: 'UID' });
  const targets = view.select(set, byUid);
  // RFC 3501 §6.4.5: the implicit \Seen change is reported with the data.
  const marked = new Set(
    !view.readOnly && items.some(setsSeen)
      ? targets.filter((t) => !t.entry.flags.includes('\\Seen')).map((t) => t.entry.uid)
      : [],
  );
  if (marked.size > 0) {
    for (const updated of await ctx.store.updateFlags(view.folder, [...marked], 'add', ['\\Seen'], view))
      view.setFlags(updated.uid, updated.flags);
  }
  const withFlags: FetchItem[] = items.some((i) => i.kind === 'FLAGS') ? items : [...items, { kind: 'FLAGS' }];
  let missing = false;
  for await (const { msn, entry, raw, gone } of withBytes(
    ctx,
    view.folder.id,
    targets,
    greatestNeed(items.map(contentNeed)),
  )) {
    if (gone) {
      missing = true; // expunged by another session, not announced yet
      continue;
    }
    const values = fetchValues(marked.has(entry.uid) ? withFlags : items, {
      uid: entry.uid,
      flags: view.shownFlags(entry),
      internalDate: entry.internalDate,
      zone: entry.zone,
      size: entry.size,
      raw,
    });
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
  let results: Awaited<ReturnType<ImapContext['store']['updateFlags']>>;
  try {
    results = await ctx.store.updateFlags(view.folder, [...targets.keys()], change, flags, view);
  } catch (error) {
    // Keyword limits are checked before any message changes: nothing to announce.
    const refusal = limitRefusal(error);
    if (refusal) return refusal;
    throw error;
  }
  for (const result of results) {
    view.setFlags(result.uid, result.flags);
    const { msn, entry } = targets.get(result.uid)!;
    if (!item[2])
      ctx.untagged(`${msn} FETCH (FLAGS (${view.shownFlags(entry).join(' ')})${byUid ? ` UID ${result.uid}` : ''})`);
  }
  return ok('STORE completed');
}

export async function search(ctx: ImapContext, args: Args, byUid: boolean): Promise<Reply> {
  const view = selectedOf(ctx);
  let criteria: ReturnType<typeof parseSearch>;
  try {
    criteria = parseSearch(args.rest(), args.maxNestingDepth);
  } catch (error) {
    if (error instanceof BadCharsetError)
      return no(`Unsupported charset ${error.message}`, `BADCHARSET (${SEARCH_CHARSETS.join(' ')})`);
    throw error;
  }
  const scope = { lastMsn: view.exists, lastUid: view.lastUid };
  const hits: number[] = [];
  for await (const { msn, entry, raw, gone } of withBytes(
    ctx,
    view.folder.id,
    view.select([{ start: 1, end: Infinity }], false),
    searchNeed(criteria),
  )) {
    if (gone) continue;
    if (
      matches(
        criteria,
        {
          msn,
          uid: entry.uid,
          flags: entry.flags,
          recent: view.isRecent(entry.uid),
          internalDate: entry.internalDate,
          zone: entry.zone,
          size: entry.size,
          raw,
        },
        scope,
      )
    ) {
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
  let result: Awaited<ReturnType<ImapContext['store']['copyMessages']>>;
  try {
    result = move
      ? await ctx.store.moveMessages(view.folder, uids, target, view)
      : await ctx.store.copyMessages(view.folder, uids, target);
  } catch (error) {
    // Quota and keyword limits are checked before anything is copied (RFC 3501: a failed COPY leaves the target as it
    // was).
    const refusal = limitRefusal(error);
    if (refusal) return { ...refusal, facts: { ...facts, ...refusal.facts } };
    throw error;
  }
  const sources = formatSequenceSet(result.pairs.map(([from]) => from));
  const copies = formatSequenceSet(result.pairs.map(([, to]) => to));
  const code = `COPYUID ${result.uidValidity} ${sources} ${copies}`;
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
  const expunged = await ctx.store.expunge(view.folder, only, view);
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

/** Messages whose bytes are read a batch at a time (heads) or one at a time (whole messages). */
const BATCH = 100;

/**
 * The messages with what a command needs of their bytes: nothing, the header section or the whole message;
 * `gone` when a message was expunged meanwhile (by another session, not yet announced). The header section
 * comes from the first bytes of a batch of messages, or from the whole message when it is longer.
 */
async function* withBytes(
  ctx: ImapContext,
  folderId: number,
  targets: { msn: number; entry: MessageEntry }[],
  need: ContentNeed,
): AsyncGenerator<{ msn: number; entry: MessageEntry; raw: Buffer | undefined; gone: boolean }> {
  // Reads through better-sqlite3 are synchronous: a FETCH or SEARCH over a large folder gives the event loop a turn
  // every slice.
  const pacer = new Pacer();
  for (let i = 0; i < targets.length; i += BATCH) {
    const batch = targets.slice(i, i + BATCH);
    const heads =
      need === 'header'
        ? await ctx.store.heads(
            folderId,
            batch.map((t) => t.entry.uid),
          )
        : undefined;
    for (const { msn, entry } of batch) {
      const raw =
        need === 'none'
          ? undefined
          : (headerSection(heads?.get(entry.uid), entry.size) ?? (await ctx.store.content(folderId, entry.uid)));
      yield { msn, entry, raw, gone: need !== 'none' && !raw };
      await pacer.tick();
    }
  }
}

/** The header section of a message from its first bytes; undefined when they end before it does. */
function headerSection(head: Buffer | undefined, size: number): Buffer | undefined {
  if (!head) return undefined;
  const end = bodyOffset(head);
  return end < head.length || head.length === size ? head.subarray(0, end) : undefined;
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
