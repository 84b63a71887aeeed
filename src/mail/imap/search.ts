// SEARCH (RFC 3501 §6.4.4): criteria parsed into a tree, then matched against each message. Text keys
// match case-insensitively as substrings, in decoded header values (RFC 2047 words) and decoded text
// parts (transfer encoding and charset undone) as well as in the raw bytes.
import { isUtf8 } from 'node:buffer';
import { headerValue, parseHeaderFields, type HeaderField } from '../message/headers.ts';
import { decodeEncodedWords, leafParts, parseMime, partText } from '../message/mime.ts';
import { greatestNeed, monthIndex, type ContentNeed } from './fetch.ts';
import { Args, DEFAULT_MAX_NESTING_DEPTH, ImapNestingError, ImapSyntaxError, type Token } from './parser.ts';
import { inSequenceSet, parseSequenceSet, type SequenceRange } from './sequence.ts';

export type Criterion =
  | { key: 'all' }
  | { key: 'sequence'; set: SequenceRange[]; uid: boolean }
  | { key: 'flag'; flag: string; present: boolean }
  | { key: 'recent'; present: boolean }
  | { key: 'new' }
  | { key: 'header'; name: string; value: string }
  | { key: 'body' | 'text'; value: string }
  | { key: 'date'; sent: boolean; compare: 'before' | 'on' | 'since'; day: number }
  | { key: 'size'; larger: boolean; bytes: number }
  | { key: 'not'; criterion: Criterion }
  | { key: 'or'; left: Criterion; right: Criterion }
  | { key: 'and'; criteria: Criterion[] };

export const SEARCH_CHARSETS = ['UTF-8', 'US-ASCII'];

export class BadCharsetError extends Error {}

const FLAG_KEYS: Record<string, [string, boolean]> = {
  ANSWERED: ['\\Answered', true],
  DELETED: ['\\Deleted', true],
  DRAFT: ['\\Draft', true],
  FLAGGED: ['\\Flagged', true],
  SEEN: ['\\Seen', true],
  UNANSWERED: ['\\Answered', false],
  UNDELETED: ['\\Deleted', false],
  UNDRAFT: ['\\Draft', false],
  UNFLAGGED: ['\\Flagged', false],
  UNSEEN: ['\\Seen', false],
};
const HEADER_KEYS = new Set(['FROM', 'TO', 'CC', 'BCC', 'SUBJECT']);
const DATE_KEYS: Record<string, [boolean, 'before' | 'on' | 'since']> = {
  BEFORE: [false, 'before'],
  ON: [false, 'on'],
  SINCE: [false, 'since'],
  SENTBEFORE: [true, 'before'],
  SENTON: [true, 'on'],
  SENTSINCE: [true, 'since'],
};

/**
 * Parses SEARCH arguments: [CHARSET name] criteria… (an implicit AND). Throws ImapSyntaxError / BadCharsetError,
 * and ImapNestingError for NOT, OR and lists nested deeper than maxDepth (matching recurses as deep).
 */
export function parseSearch(tokens: Token[], maxDepth = DEFAULT_MAX_NESTING_DEPTH): Criterion {
  const args = new Args(tokens);
  const first = args.peek();
  let charset = 'US-ASCII';
  if (first?.type === 'atom' && first.value.toUpperCase() === 'CHARSET') {
    args.next();
    charset = args.astring('charset').toUpperCase();
    if (!SEARCH_CHARSETS.includes(charset)) throw new BadCharsetError(charset);
  }
  checkEightBit(
    tokens.slice(first?.type === 'atom' && first.value.toUpperCase() === 'CHARSET' ? 2 : 0),
    charset === 'UTF-8',
  );
  const criteria: Criterion[] = [];
  while (args.remaining > 0) criteria.push(parseCriterion(args, maxDepth));
  if (criteria.length === 0) throw new ImapSyntaxError('Missing search criteria');
  return criteria.length === 1 ? criteria[0]! : { key: 'and', criteria };
}

/**
 * 8-bit search strings (RFC 3501 §6.4.4, §9; RFC 6855 §3). Without UTF8=ACCEPT (not offered), quoted strings
 * and atoms are 7-bit; 8-bit text travels in a literal, and only under CHARSET UTF-8 (US-ASCII is the default),
 * as valid UTF-8. Anything else is BAD rather than a search for mangled text. (Dovecot accepts 8-bit anywhere.)
 */
function checkEightBit(tokens: Token[], utf8: boolean): void {
  for (const token of tokens) {
    if (token.type === 'list') checkEightBit(token.items, utf8);
    else if (token.type === 'atom') {
      if (/[^\x00-\x7f]/.test(token.raw))
        throw new ImapSyntaxError('8-bit characters in an atom: send them in a literal with CHARSET UTF-8');
    } else if (token.value.some((byte) => byte > 0x7f)) {
      if (!token.literal)
        throw new ImapSyntaxError(
          '8-bit characters in a quoted string need UTF8=ACCEPT (RFC 6855), which is not offered: ' +
            'send a literal with CHARSET UTF-8',
        );
      if (!utf8)
        throw new ImapSyntaxError(
          '8-bit search string without CHARSET UTF-8 (US-ASCII is the default, RFC 3501 §6.4.4)',
        );
      if (!isUtf8(token.value)) throw new ImapSyntaxError('Search string is not valid UTF-8');
    }
  }
}

/** One criterion; `depth` is how many more levels of NOT, OR and lists it may hold. */
function parseCriterion(args: Args, depth: number): Criterion {
  const token = args.next('search key');
  const inner = () => {
    if (depth <= 0) throw new ImapNestingError('Search criteria nested too deeply');
    return depth - 1;
  };
  if (token.type === 'list') {
    const below = inner();
    const items = new Args(token.items);
    const criteria: Criterion[] = [];
    while (items.remaining > 0) criteria.push(parseCriterion(items, below));
    if (criteria.length === 0) throw new ImapSyntaxError('Empty search list');
    return { key: 'and', criteria };
  }
  if (token.type !== 'atom') throw new ImapSyntaxError('Expected a search key');
  const key = token.value.toUpperCase();
  const set = parseSequenceSet(token.raw);
  if (set) return { key: 'sequence', set, uid: false };
  if (FLAG_KEYS[key]) return { key: 'flag', flag: FLAG_KEYS[key][0], present: FLAG_KEYS[key][1] };
  if (HEADER_KEYS.has(key)) return { key: 'header', name: key, value: args.astring(key) };
  if (DATE_KEYS[key]) {
    const [sent, compare] = DATE_KEYS[key];
    return { key: 'date', sent, compare, day: parseSearchDate(args.astring('date')) };
  }
  switch (key) {
    case 'ALL':
      return { key: 'all' };
    case 'NEW':
      return { key: 'new' };
    case 'OLD':
      return { key: 'recent', present: false };
    case 'RECENT':
      return { key: 'recent', present: true };
    case 'KEYWORD':
    case 'UNKEYWORD':
      return { key: 'flag', flag: args.atom('keyword'), present: key === 'KEYWORD' };
    case 'HEADER':
      return { key: 'header', name: args.astring('header name').toUpperCase(), value: args.astring('header value') };
    case 'BODY':
    case 'TEXT':
      return { key: key === 'BODY' ? 'body' : 'text', value: args.astring(key) };
    case 'LARGER':
    case 'SMALLER': {
      const bytes = args.atom('size');
      if (!/^\d{1,10}$/.test(bytes)) throw new ImapSyntaxError('Invalid size');
      return { key: 'size', larger: key === 'LARGER', bytes: Number(bytes) };
    }
    case 'UID': {
      const uidSet = parseSequenceSet(args.atom('UID set'));
      if (!uidSet) throw new ImapSyntaxError('Invalid UID set');
      return { key: 'sequence', set: uidSet, uid: true };
    }
    case 'NOT':
      return { key: 'not', criterion: parseCriterion(args, inner()) };
    case 'OR': {
      const below = inner();
      return { key: 'or', left: parseCriterion(args, below), right: parseCriterion(args, below) };
    }
    default:
      throw new ImapSyntaxError(`Unknown search key ${key.slice(0, 40)}`);
  }
}

/** "1-Feb-1994" → days since the epoch. */
function parseSearchDate(text: string): number {
  const match = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  const month = match ? monthIndex(match[2]!) : -1;
  if (!match || month < 0) throw new ImapSyntaxError('Invalid date');
  return Date.UTC(Number(match[3]), month, Number(match[1])) / DAY;
}

const DAY = 24 * 60 * 60 * 1000;

/** What of the message bytes evaluating the criterion needs: header keys and sent dates only the header. */
export function searchNeed(c: Criterion): ContentNeed {
  switch (c.key) {
    case 'header':
      return 'header';
    case 'body':
    case 'text':
      return 'message';
    case 'date':
      return c.sent ? 'header' : 'none';
    case 'not':
      return searchNeed(c.criterion);
    case 'or':
      return greatestNeed([searchNeed(c.left), searchNeed(c.right)]);
    case 'and':
      return greatestNeed(c.criteria.map(searchNeed));
    default:
      return 'none';
  }
}

export interface SearchCandidate {
  msn: number;
  uid: number;
  flags: string[];
  recent: boolean;
  internalDate: number;
  /** INTERNALDATE's zone in minutes east of UTC: its date is the day there (RFC 3501 §6.4.4 ignores time and zone). */
  zone?: number;
  size: number;
  /** Present when the criteria need it (only the header section when they need no more). */
  raw: Buffer | undefined;
}

/** `*` of message numbers and of UIDs for this mailbox. */
export interface SearchScope {
  lastMsn: number;
  lastUid: number;
}

export function matches(c: Criterion, m: SearchCandidate, scope: SearchScope): boolean {
  return new Matcher(m, scope).test(c);
}

class Matcher {
  private headers: HeaderField[] | undefined;
  private bodyTexts: string[] | undefined;

  constructor(
    private readonly m: SearchCandidate,
    private readonly scope: SearchScope,
  ) {}

  test(c: Criterion): boolean {
    const m = this.m;
    switch (c.key) {
      case 'all':
        return true;
      case 'sequence':
        return c.uid
          ? inSequenceSet(c.set, m.uid, this.scope.lastUid)
          : inSequenceSet(c.set, m.msn, this.scope.lastMsn);
      case 'flag':
        return m.flags.some((f) => f.toLowerCase() === c.flag.toLowerCase()) === c.present;
      case 'recent':
        return m.recent === c.present;
      case 'new':
        return m.recent && !m.flags.includes('\\Seen');
      case 'size':
        return c.larger ? m.size > c.bytes : m.size < c.bytes;
      case 'date': {
        const day = c.sent ? this.sentDay() : Math.floor((m.internalDate + (m.zone ?? 0) * 60_000) / DAY);
        if (day === undefined) return false;
        return c.compare === 'before' ? day < c.day : c.compare === 'on' ? day === c.day : day >= c.day;
      }
      case 'header':
        return this.header(c.name, c.value);
      case 'body':
        return this.body(c.value);
      case 'text':
        return this.headerBlock().includes(fold(c.value)) || this.body(c.value);
      case 'not':
        return !this.test(c.criterion);
      case 'or':
        return this.test(c.left) || this.test(c.right);
      case 'and':
        return c.criteria.every((inner) => this.test(inner));
    }
  }

  private fields(): HeaderField[] {
    return (this.headers ??= parseHeaderFields(this.m.raw ?? Buffer.alloc(0)));
  }

  private header(name: string, value: string): boolean {
    const wanted = fold(value);
    return this.fields().some(
      (f) => f.name.toUpperCase() === name && (wanted === '' || fold(decodeEncodedWords(f.value)).includes(wanted)),
    );
  }

  private headerBlock(): string {
    return fold(
      this.fields()
        .map((f) => `${f.name}: ${decodeEncodedWords(f.value)}`)
        .join('\n'),
    );
  }

  private body(value: string): boolean {
    const wanted = fold(value);
    if (!this.bodyTexts) {
      const raw = this.m.raw ?? Buffer.alloc(0);
      const root = parseMime(raw);
      const decoded = leafParts(root)
        .filter((p) => p.type.toLowerCase() === 'text')
        .map((p) => partText(raw, p));
      this.bodyTexts = [...decoded, raw.subarray(root.bodyStart).toString('utf8')].map(fold);
    }
    return this.bodyTexts.some((text) => text.includes(wanted));
  }

  /** The day of the Date header in its own time zone (RFC 3501: disregarding time and timezone). */
  private sentDay(): number | undefined {
    const date = headerValue(this.fields(), 'Date');
    const match = date ? /(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{2,4})/.exec(date) : null;
    const month = match ? monthIndex(match[2]!) : -1;
    if (!match || month < 0) return undefined;
    const year =
      Number(match[3]) < 100 ? 1900 + Number(match[3]) + (Number(match[3]) < 50 ? 100 : 0) : Number(match[3]);
    return Date.UTC(year, month, Number(match[1])) / DAY;
  }
}

/** Case-insensitive comparison form. */
function fold(text: string): string {
  return text.toLowerCase();
}
