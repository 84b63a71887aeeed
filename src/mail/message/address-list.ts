// RFC 5322 address lists (From, To, Cc…) as written, leniently: display names, angle addresses, routes,
// groups and comments. IMAP's ENVELOPE (src/mail/imap/envelope.ts) and the webmail's address lines read them.

/** One mailbox of an address list, its parts as written. */
export interface ParsedMailbox {
  kind: 'mailbox';
  name: string | undefined;
  route: string | undefined;
  local: string;
  domain: string;
}

/** A mailbox, or a group of them (RFC 5322 §3.4). */
export type AddressEntry = ParsedMailbox | { kind: 'group'; name: string; members: ParsedMailbox[] };

interface Lexeme {
  kind: 'word' | 'quoted' | 'comment' | 'special';
  text: string;
  /** Whitespace came before it (display names keep their spacing). */
  space: boolean;
}

/** RFC 5322 address-list, leniently: display names, angle addresses, routes, groups and comments. */
export function parseAddressList(text: string): AddressEntry[] {
  const lexemes = lex(text);
  const entries: AddressEntry[] = [];
  let i = 0;
  const mailbox = (stop: string[]): ParsedMailbox | undefined => {
    const phrase: Lexeme[] = [];
    while (i < lexemes.length && !(lexemes[i]!.kind === 'special' && [...stop, '<', ':'].includes(lexemes[i]!.text)))
      phrase.push(lexemes[i++]!);
    const next = lexemes[i];
    if (next?.kind === 'special' && next.text === '<') {
      i++;
      const inside: Lexeme[] = [];
      while (i < lexemes.length && !(lexemes[i]!.kind === 'special' && lexemes[i]!.text === '>'))
        inside.push(lexemes[i++]!);
      i++; // '>'
      const colon = inside.findIndex((l) => l.kind === 'special' && l.text === ':');
      const route = colon >= 0 ? joinText(inside.slice(0, colon)) : undefined;
      const name = joinWords(phrase.filter((l) => l.kind !== 'comment'));
      return { kind: 'mailbox', name: name || undefined, route, ...splitAddress(inside.slice(colon + 1)) };
    }
    if (phrase.length === 0) return undefined;
    // addr-spec alone: a trailing comment is the display name ("a@b (Jean Dupont)").
    const comment = phrase.find((l) => l.kind === 'comment')?.text;
    return {
      kind: 'mailbox',
      name: comment || undefined,
      route: undefined,
      ...splitAddress(phrase.filter((l) => l.kind !== 'comment')),
    };
  };
  while (i < lexemes.length) {
    const start = i;
    while (i < lexemes.length && lexemes[i]!.kind !== 'special') i++;
    const atGroup = lexemes[i]?.kind === 'special' && lexemes[i]!.text === ':';
    if (atGroup) {
      const name = joinWords(lexemes.slice(start, i).filter((l) => l.kind !== 'comment'));
      i++;
      const members: ParsedMailbox[] = [];
      while (i < lexemes.length && !(lexemes[i]!.kind === 'special' && lexemes[i]!.text === ';')) {
        const member = mailbox([',', ';']);
        if (member) members.push(member);
        if (lexemes[i]?.kind === 'special' && lexemes[i]!.text === ',') i++;
        else if (!(lexemes[i]?.kind === 'special' && lexemes[i]!.text === ';') && i < lexemes.length) i++; // skip junk
      }
      i++; // ';'
      entries.push({ kind: 'group', name, members });
    } else {
      i = start;
      const entry = mailbox([',']);
      if (entry) entries.push(entry);
      while (i < lexemes.length && !(lexemes[i]!.kind === 'special' && lexemes[i]!.text === ',')) i++; // skip junk
    }
    if (lexemes[i]?.kind === 'special' && lexemes[i]!.text === ',') i++;
  }
  return entries;
}

function splitAddress(lexemes: Lexeme[]): { local: string; domain: string } {
  const at = lexemes.findLastIndex((l) => l.kind === 'special' && l.text === '@');
  if (at < 0) return { local: joinText(lexemes), domain: '' };
  return { local: joinText(lexemes.slice(0, at)), domain: joinText(lexemes.slice(at + 1)) };
}

/** Address parts are written without spaces: local parts and domains ("a.b", "[1.2.3.4]"). */
function joinText(lexemes: Lexeme[]): string {
  return lexemes
    .filter((l) => l.kind !== 'comment')
    .map((l) =>
      l.kind === 'quoted' && /[\s"\\()<>@,;:[\]]/.test(l.text) ? `"${l.text.replace(/["\\]/g, '\\$&')}"` : l.text,
    )
    .join('');
}

/** Display names: words with their original spacing (one space where there was any), quotes removed. */
function joinWords(lexemes: Lexeme[]): string {
  return lexemes.map((l, i) => (i > 0 && l.space ? ' ' : '') + l.text).join('');
}

function lex(text: string): Lexeme[] {
  const out: Lexeme[] = [];
  let i = 0;
  let space = false;
  const push = (kind: Lexeme['kind'], value: string) => {
    out.push({ kind, text: value, space });
    space = false;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      space = true;
      i++;
    } else if (c === '"') {
      let value = '';
      for (i++; i < text.length && text[i] !== '"'; i++) value += text[i] === '\\' ? (text[++i] ?? '') : text[i];
      i++;
      push('quoted', value);
    } else if (c === '(') {
      let depth = 0;
      let value = '';
      for (; i < text.length; i++) {
        const d = text[i]!;
        if (d === '\\') value += text[++i] ?? '';
        else if (d === '(' && depth++ === 0) continue;
        else if (d === ')' && --depth === 0) break;
        else value += d;
      }
      i++;
      push('comment', value.trim());
    } else if (c === '[') {
      const end = text.indexOf(']', i);
      const stop = end < 0 ? text.length : end + 1;
      push('word', text.slice(i, stop));
      i = stop;
    } else if ('<>@,;:'.includes(c)) {
      push('special', c);
      i++;
    } else {
      // Dots are specials in RFC 5322 but text here: they belong to words, names and domains alike.
      let value = '';
      while (i < text.length && !/[\s"(<>@,;:[]/.test(text[i]!)) value += text[i++];
      if (value === '') value = text[i++]!; // a stray character
      push('word', value);
    }
  }
  return out;
}
