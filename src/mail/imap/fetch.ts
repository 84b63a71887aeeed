// FETCH (RFC 3501 §6.4.5, §7.4.2): which data items a client asked for, and their values for one message —
// flags, dates, sizes, ENVELOPE, BODY/BODYSTRUCTURE and body sections (HEADER, HEADER.FIELDS[.NOT], TEXT,
// MIME, part numbers) with partial ranges.
import type { MessageEntry } from '../mailbox/store.ts';
import { parseMime, type MimeParameter, type MimePart } from '../message/mime.ts';
import { findPart } from '../message/parts.ts';
import { envelope } from './envelope.ts';
import { ImapSyntaxError, type Token } from './parser.ts';
import { Adjacent, literal, nstr, str, type Wire } from './wire.ts';

export type SimpleItem =
  | 'FLAGS'
  | 'UID'
  | 'INTERNALDATE'
  | 'RFC822.SIZE'
  | 'ENVELOPE'
  | 'BODYSTRUCTURE'
  | 'BODY'
  | 'RFC822'
  | 'RFC822.HEADER'
  | 'RFC822.TEXT';

export interface SectionItem {
  kind: 'section';
  /** BODY.PEEK: do not set \Seen. */
  peek: boolean;
  /** Part numbers, e.g. [1, 2] for 1.2; [] for the message itself. */
  path: number[];
  /** What of the part: all of it (undefined), or its header, selected fields, text or MIME header. */
  text: 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME' | undefined;
  fields: string[];
  partial: { start: number; length: number | undefined } | undefined;
}

export type FetchItem = { kind: SimpleItem } | SectionItem;

const SIMPLE = new Set<string>([
  'FLAGS',
  'UID',
  'INTERNALDATE',
  'RFC822.SIZE',
  'ENVELOPE',
  'BODYSTRUCTURE',
  'BODY',
  'RFC822',
  'RFC822.HEADER',
  'RFC822.TEXT',
]);
const MACROS: Record<string, SimpleItem[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

/** Parses the data items of FETCH: a macro, one item, or a parenthesised list of items. */
export function parseFetchItems(token: Token): FetchItem[] {
  if (token.type === 'atom' && !token.section && MACROS[token.value.toUpperCase()])
    return MACROS[token.value.toUpperCase()]!.map((kind) => ({ kind }));
  const tokens = token.type === 'list' ? token.items : [token];
  if (tokens.length === 0) throw new ImapSyntaxError('Empty FETCH item list');
  return tokens.map(parseItem);
}

function parseItem(token: Token): FetchItem {
  if (token.type !== 'atom') throw new ImapSyntaxError('Invalid FETCH item');
  const name = token.value.toUpperCase();
  if (!token.section) {
    if (token.partial || !SIMPLE.has(name)) throw new ImapSyntaxError(`Unknown FETCH item ${token.raw.slice(0, 40)}`);
    return { kind: name as SimpleItem };
  }
  if (name !== 'BODY' && name !== 'BODY.PEEK') throw new ImapSyntaxError(`Unsupported FETCH item ${name}`);
  return { kind: 'section', peek: name === 'BODY.PEEK', ...parseSection(token.section), partial: token.partial };
}

function parseSection(tokens: Token[]): Pick<SectionItem, 'path' | 'text' | 'fields'> {
  if (tokens.length === 0) return { path: [], text: undefined, fields: [] };
  const [spec, list, ...extra] = tokens;
  if (spec?.type !== 'atom' || extra.length > 0) throw new ImapSyntaxError('Invalid section');
  const match =
    /^((?:[1-9]\d{0,8}\.)*[1-9]\d{0,8})?(?:\.?(HEADER\.FIELDS\.NOT|HEADER\.FIELDS|HEADER|TEXT|MIME))?$/i.exec(spec.raw);
  if (!match || (match[1] && match[2] && !spec.raw.includes(`${match[1]}.`)))
    throw new ImapSyntaxError('Invalid section');
  const path = match[1] ? match[1].split('.').map(Number) : [];
  const text = match[2]?.toUpperCase() as SectionItem['text'];
  if (text === 'MIME' && path.length === 0) throw new ImapSyntaxError('MIME needs a part number');
  const withFields = text === 'HEADER.FIELDS' || text === 'HEADER.FIELDS.NOT';
  if (withFields !== (list !== undefined)) throw new ImapSyntaxError('Invalid section');
  let fields: string[] = [];
  if (list) {
    if (list.type !== 'list' || list.items.length === 0)
      throw new ImapSyntaxError('Expected a list of header field names');
    fields = list.items.map((item) => {
      if (item.type === 'list') throw new ImapSyntaxError('Invalid header field name');
      return (item.type === 'atom' ? item.raw : item.value.toString('utf8')).toUpperCase();
    });
  }
  return { path, text, fields };
}

/** What of the message bytes a command needs beyond the folder index: none, the header section, or all. */
export type ContentNeed = 'none' | 'header' | 'message';

/** The greatest of some needs. */
export function greatestNeed(needs: ContentNeed[]): ContentNeed {
  return needs.includes('message') ? 'message' : needs.includes('header') ? 'header' : 'none';
}

/** What an item needs: ENVELOPE and the message's own header (HEADER, HEADER.FIELDS[.NOT]) only the header. */
export function contentNeed(item: FetchItem): ContentNeed {
  switch (item.kind) {
    case 'FLAGS':
    case 'UID':
    case 'INTERNALDATE':
    case 'RFC822.SIZE':
      return 'none';
    case 'ENVELOPE':
    case 'RFC822.HEADER':
      return 'header';
    case 'section':
      return item.path.length === 0 && item.text?.startsWith('HEADER') ? 'header' : 'message';
    default:
      return 'message';
  }
}

/** Whether fetching the item marks the message \Seen (RFC 3501: BODY[…] and RFC822/RFC822.TEXT). */
export function setsSeen(item: FetchItem): boolean {
  return (item.kind === 'section' && !item.peek) || item.kind === 'RFC822' || item.kind === 'RFC822.TEXT';
}

/**
 * A message to answer for: its index entry (flags as shown to this session) and its bytes when needed (only
 * its header section when the items need no more).
 */
export type FetchedMessage = MessageEntry & { raw: Buffer | undefined };

/** The response values of the items for one message: a flat list of name, value, name, value… */
export function fetchValues(items: FetchItem[], message: FetchedMessage): Wire[] {
  let structure: MimePart | undefined;
  const mime = () => (structure ??= parseMime(message.raw!));
  const out: Wire[] = [];
  for (const item of items) {
    switch (item.kind) {
      case 'FLAGS':
        out.push('FLAGS', message.flags);
        break;
      case 'UID':
        out.push('UID', message.uid);
        break;
      case 'INTERNALDATE':
        out.push('INTERNALDATE', str(formatInternalDate(message.internalDate, message.zone)));
        break;
      case 'RFC822.SIZE':
        out.push('RFC822.SIZE', message.size);
        break;
      case 'ENVELOPE':
        out.push('ENVELOPE', envelope(mime().headers));
        break;
      case 'BODYSTRUCTURE':
        out.push('BODYSTRUCTURE', bodyStructure(mime(), true));
        break;
      case 'BODY':
        out.push('BODY', bodyStructure(mime(), false));
        break;
      case 'RFC822':
        out.push('RFC822', literal(message.raw!));
        break;
      case 'RFC822.HEADER':
        out.push('RFC822.HEADER', literal(message.raw!.subarray(0, mime().bodyStart)));
        break;
      case 'RFC822.TEXT':
        out.push('RFC822.TEXT', literal(message.raw!.subarray(mime().bodyStart)));
        break;
      case 'section': {
        const content = sectionContent(message.raw!, mime(), item);
        const { start = 0, length = undefined } = item.partial ?? {};
        const bytes = item.partial
          ? content.subarray(
              Math.min(start, content.length),
              length === undefined ? undefined : Math.min(start + length, content.length),
            )
          : content;
        out.push(`BODY[${sectionLabel(item)}]${item.partial ? `<${start}>` : ''}`, literal(bytes));
        break;
      }
    }
  }
  return out;
}

/** The section as the client named it, normalised: 1.2.HEADER.FIELDS (FROM TO). */
function sectionLabel(item: SectionItem): string {
  const parts = [...item.path.map(String), ...(item.text ? [item.text] : [])].join('.');
  if (item.fields.length === 0) return parts;
  const fields = item.fields.map((f) => (/^[!#-'*+\-.0-9A-Z^-~]+$/.test(f) ? f : `"${f.replace(/["\\]/g, '\\$&')}"`));
  return `${parts} (${fields.join(' ')})`;
}

/** "06-Jan-2025 10:15:00 +0100": the instant in the zone APPEND gave (minutes east of UTC), +0000 otherwise. */
export function formatInternalDate(ms: number, zone = 0): string {
  const d = new Date(ms + zone * 60_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const offset = `${zone < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(zone) / 60))}${pad(Math.abs(zone) % 60)}`;
  const date = `${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()}`;
  return `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${offset}`;
}

export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 0–11 for a month abbreviation in any case ("jan"), -1 for anything else. */
export function monthIndex(name: string): number {
  const lower = name.toLowerCase();
  return MONTHS.findIndex((m) => m.toLowerCase() === lower);
}

/** The bytes of a section (before any partial range); empty when the section does not exist. */
export function sectionContent(
  raw: Buffer,
  root: MimePart,
  item: Pick<SectionItem, 'path' | 'text' | 'fields'>,
): Buffer {
  const part = findPart(root, item.path);
  if (!part) return EMPTY;
  // HEADER and TEXT of a part apply to the message it carries (message/rfc822); of the root, to the message.
  const message = item.path.length === 0 ? part : part.message;
  switch (item.text) {
    case undefined:
      return item.path.length === 0 ? raw : raw.subarray(part.bodyStart, part.end);
    case 'MIME':
      return raw.subarray(part.start, part.bodyStart);
    case 'TEXT':
      return message ? raw.subarray(message.bodyStart, message.end) : EMPTY;
    case 'HEADER':
      return message ? raw.subarray(message.start, message.bodyStart) : EMPTY;
    case 'HEADER.FIELDS':
    case 'HEADER.FIELDS.NOT':
      return message
        ? selectHeaderFields(
            raw.subarray(message.start, message.bodyStart),
            item.fields,
            item.text === 'HEADER.FIELDS.NOT',
          )
        : EMPTY;
  }
}

/** The header lines (with their folded continuations) whose names are listed, or not, plus the blank line. */
function selectHeaderFields(header: Buffer, names: string[], exclude: boolean): Buffer {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const kept: Buffer[] = [];
  let keep = false;
  let position = 0;
  while (position < header.length) {
    const lf = header.indexOf(0x0a, position);
    const next = lf < 0 ? header.length : lf + 1;
    const line = header.subarray(position, next);
    position = next;
    if (line[0] === 0x20 || line[0] === 0x09) {
      if (keep) kept.push(line);
      continue;
    }
    const colon = line.indexOf(0x3a);
    if (colon <= 0) {
      keep = false; // the blank line ending the header, or junk
      continue;
    }
    keep = wanted.has(line.subarray(0, colon).toString('latin1').trim().toLowerCase()) !== exclude;
    if (keep) kept.push(line);
  }
  kept.push(CRLF);
  return Buffer.concat(kept);
}

/** BODYSTRUCTURE (extension data included) or BODY (without) of a part. */
export function bodyStructure(part: MimePart, extended: boolean): Wire {
  if (part.parts.length > 0) {
    const out: Wire[] = [new Adjacent(part.parts.map((child) => bodyStructure(child, extended))), str(part.subtype)];
    if (extended) out.push(parameters(part.params), disposition(part), languages(part), nstr(part.location));
    return out;
  }
  const size = part.end - part.bodyStart;
  const out: Wire[] = [
    str(part.type),
    str(part.subtype),
    parameters(part.params),
    nstr(part.id),
    nstr(part.description),
    str(part.encoding),
    size,
  ];
  if (part.message) out.push(envelope(part.message.headers), bodyStructure(part.message, extended), part.lines);
  else if (part.type.toLowerCase() === 'text') out.push(part.lines);
  if (extended) out.push(nstr(part.md5), disposition(part), languages(part), nstr(part.location));
  return out;
}

function parameters(params: MimeParameter[]): Wire {
  return params.length > 0 ? params.flatMap((p) => [str(p.name), str(p.value)]) : null;
}

function disposition(part: MimePart): Wire {
  return part.disposition ? [str(part.disposition.value), parameters(part.disposition.params)] : null;
}

function languages(part: MimePart): Wire {
  if (!part.language) return null;
  return part.language.length === 1 ? str(part.language[0]!) : part.language.map((l) => str(l));
}

const EMPTY = Buffer.alloc(0);
const CRLF = Buffer.from('\r\n');
