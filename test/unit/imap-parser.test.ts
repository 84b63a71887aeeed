import { describe, expect, it } from 'vitest';
import { listMatcher } from '../../src/mail/imap/list-pattern.ts';
import { Args, ImapNestingError, parseCommand, tokenize, type Token } from '../../src/mail/imap/parser.ts';
import { parseSearch } from '../../src/mail/imap/search.ts';
import { formatSequenceSet, inSequenceSet, largestNumber, parseSequenceSet } from '../../src/mail/imap/sequence.ts';
import { decodeMailboxName, encodeMailboxName } from '../../src/mail/imap/utf7.ts';

const parse = (text: string | Buffer) => parseCommand(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);

/** Tokens as plain values, for readable expectations. */
function plain(tokens: Token[]): unknown[] {
  return tokens.map((t) => {
    if (t.type === 'list') return plain(t.items);
    if (t.type === 'string')
      return t.literal ? { literal: t.value.toString('latin1') } : { quoted: t.value.toString('latin1') };
    return t.section
      ? { atom: t.value, section: plain(t.section), ...(t.partial ? { partial: t.partial } : {}) }
      : t.raw;
  });
}

describe('IMAP command parser', () => {
  it('reads the tag, the command name in upper case and atom arguments', () => {
    const result = parse('a1 select INBOX');
    expect(result).toMatchObject({ ok: true, command: { tag: 'a1', name: 'SELECT' } });
    expect(result.ok && plain(result.command.args)).toEqual(['INBOX']);
  });

  it('names UID commands after their sub-command', () => {
    const result = parse('A003 UID fetch 1:* (FLAGS)');
    expect(result.ok && result.command.name).toBe('UID FETCH');
    expect(result.ok && plain(result.command.args)).toEqual(['1:*', ['FLAGS']]);
  });

  it('decodes quoted strings with escapes and keeps 8-bit bytes', () => {
    const result = parse(Buffer.concat([Buffer.from('t LOGIN "a\\"b\\\\c" "p\xe9"', 'latin1')]));
    expect(result.ok && plain(result.command.args)).toEqual([{ quoted: 'a"b\\c' }, { quoted: 'p\xe9' }]);
  });

  it('takes literals of exactly the announced size, synchronising or not, even with CRLF inside', () => {
    const command = Buffer.from('t APPEND Sent (\\Seen) {7}\r\nab\r\ncde {3+}\r\nxyz', 'latin1');
    const result = parse(command);
    expect(result.ok && plain(result.command.args)).toEqual([
      'Sent',
      ['\\Seen'],
      { literal: 'ab\r\ncde' },
      { literal: 'xyz' },
    ]);
  });

  it('parses nested lists, NIL and an empty list', () => {
    const result = parse('t ID ("name" "x" "os" NIL) (() (a (b)))');
    expect(result.ok && plain(result.command.args)).toEqual([
      [{ quoted: 'name' }, { quoted: 'x' }, { quoted: 'os' }, 'NIL'],
      [[], ['a', ['b']]],
    ]);
  });

  it('parses FETCH sections with header lists and partial ranges', () => {
    const result = parse(
      't FETCH 1 (BODY.PEEK[HEADER.FIELDS (From "To")]<0.2048> BODY[] BODY[1.2.MIME] BINARY.PEEK[1]<5>)',
    );
    expect(result.ok && plain(result.command.args)).toEqual([
      '1',
      [
        {
          atom: 'BODY.PEEK',
          section: ['HEADER.FIELDS', ['From', { quoted: 'To' }]],
          partial: { start: 0, length: 2048 },
        },
        { atom: 'BODY', section: [] },
        { atom: 'BODY', section: ['1.2.MIME'] },
        { atom: 'BINARY.PEEK', section: ['1'], partial: { start: 5, length: undefined } },
      ],
    ]);
  });

  it('keeps brackets inside other atoms (mailbox names such as [Gmail]/Sent)', () => {
    const result = parse('t SELECT [Gmail]/Sent');
    expect(result.ok && plain(result.command.args)).toEqual(['[Gmail]/Sent']);
  });

  it('reports errors with the tag when there is one', () => {
    expect(parse('')).toMatchObject({ ok: false, tag: undefined });
    expect(parse('+abc NOOP')).toMatchObject({ ok: false, tag: undefined, error: 'Invalid tag' });
    expect(parse('a1')).toMatchObject({ ok: false, tag: 'a1', error: 'Missing command' });
    expect(parse('a1 LOGIN "unterminated')).toMatchObject({
      ok: false,
      tag: 'a1',
      name: 'LOGIN',
      error: 'Unterminated quoted string',
    });
    expect(parse('a1 FETCH 1 (FLAGS')).toMatchObject({ ok: false, tag: 'a1', error: 'Missing ")"' });
    expect(parse('a1 APPEND INBOX {10}\r\nabc')).toMatchObject({ ok: false, tag: 'a1', error: 'Truncated literal' });
    expect(parse('a1 FETCH 1 BODY[1]<x>')).toMatchObject({ ok: false, error: 'Invalid partial' });
    expect(parse('a1 "SELECT" INBOX')).toMatchObject({ ok: false, tag: 'a1', error: 'Invalid command name' });
    expect(parse('a1 NOOP )')).toMatchObject({ ok: false, error: expect.stringContaining('Unexpected') });
  });

  it('reads arguments in order and refuses missing or extra ones', () => {
    const args = new Args(tokenize(Buffer.from('"user" {3}\r\npwd (a b)')));
    expect(args.astring()).toBe('user');
    expect(args.astring()).toBe('pwd');
    expect(plain(args.list())).toEqual(['a', 'b']);
    expect(() => args.astring('password')).toThrow('Missing password');
    expect(() => new Args(tokenize(Buffer.from('a b'))).end()).toThrow('Too many arguments');
  });
});

describe('sequence sets', () => {
  it('parses numbers, ranges, reversed ranges and *', () => {
    expect(parseSequenceSet('1,3:5,9:7,10:*')).toEqual([
      { start: 1, end: 1 },
      { start: 3, end: 5 },
      { start: 9, end: 7 },
      { start: 10, end: Infinity },
    ]);
    // `*` alone and as a range start are sequence sets too (FETCH * is what curl -X 'FETCH * …' and many clients send).
    expect(parseSequenceSet('*')).toEqual([{ start: Infinity, end: Infinity }]);
    expect(parseSequenceSet('*:3')).toEqual([{ start: Infinity, end: 3 }]);
    for (const bad of ['', '0', '1:', ':2', '1,,2', '1:2:3', 'a', '4294967296', '*:4294967296', '-1'])
      expect(parseSequenceSet(bad), bad).toBeUndefined();
  });

  it('tests membership with * as the largest number in use', () => {
    const set = parseSequenceSet('2,5:3,8:*')!;
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].filter((n) => inSequenceSet(set, n, 9))).toEqual([2, 3, 4, 5, 8, 9]);
    // 8:* with * = 6 is 6:8 (RFC 3501: the range includes * whatever the order).
    expect([5, 6, 7, 9].filter((n) => inSequenceSet(set, n, 6))).toEqual([5, 6, 7]);
    expect(largestNumber(set)).toBe(8);
  });

  it('formats UID lists compactly for COPYUID and APPENDUID', () => {
    expect(formatSequenceSet([1, 2, 3, 5, 7, 8])).toBe('1:3,5,7:8');
    expect(formatSequenceSet([4])).toBe('4');
    expect(formatSequenceSet([])).toBe('');
  });
});

// Issue 10: inputs that made a parser loop forever, recurse out of stack or walk its input quadratically. Each
// returns a result here; the same inputs replay under a watchdog from test/fixtures/fuzz-corpus/imap-command.
describe('hostile input', () => {
  it('refuses a `]` that closes nothing inside a section (these looped forever)', () => {
    expect(parse('a FETCH 1 BODY[(]')).toEqual({ ok: false, tag: 'a', name: 'FETCH', error: 'Unexpected "]"' });
    expect(parse('a NOOP BODY.PEEK[HEADER.FIELDS (FROM]')).toEqual({
      ok: false,
      tag: 'a',
      name: 'NOOP',
      error: 'Unexpected "]"',
    });
    expect(parse('a NOOP BODY[BODY[(]]')).toMatchObject({ ok: false, error: 'Unexpected "]"' });
    // A `]` outside any section is still an atom character: [Gmail]/Sent and odd names stay as they were.
    expect(parse('a SELECT ]x]')).toMatchObject({ ok: true });
  });

  it('bounds nesting of lists and sections (maxNestingDepth), refused as a syntax error with the limit named', () => {
    const nested = (depth: number) => `a NOOP ${'('.repeat(depth)}${')'.repeat(depth)}`;
    expect(parse(nested(32))).toMatchObject({ ok: true });
    expect(parse(nested(33))).toEqual({
      ok: false,
      tag: 'a',
      name: 'NOOP',
      error: 'Nesting deeper than 32 levels',
      limit: 'nesting',
    });
    // Far deeper than the stack would allow by recursion: still the same refusal, never a RangeError.
    expect(parse(nested(100_000))).toMatchObject({ ok: false, limit: 'nesting' });
    expect(parseCommand(Buffer.from(nested(5)), 4)).toMatchObject({ ok: false, error: 'Nesting deeper than 4 levels' });
    // Sections and lists count together.
    expect(parse(`a FETCH 1 ${'BODY['.repeat(17)}${'('.repeat(16)}${')'.repeat(16)}${']'.repeat(17)}`)).toMatchObject({
      ok: false,
      limit: 'nesting',
    });
    expect(() => tokenize(Buffer.from('(((x)))'), 2)).toThrow(ImapNestingError);
  });

  it('bounds the nesting of search criteria (NOT, OR, lists) the same way', () => {
    const search = (text: string) => parseSearch(tokenize(Buffer.from(text)));
    expect(search(`${'NOT '.repeat(32)}ALL`)).toBeDefined();
    expect(() => search(`${'NOT '.repeat(33)}ALL`)).toThrow(ImapNestingError);
    expect(() => search(`${'NOT '.repeat(100_000)}ALL`)).toThrow('Search criteria nested too deeply');
    expect(() => search(`${'OR ALL '.repeat(40)}ALL`)).toThrow(ImapNestingError);
    expect(() => search(`${'(NOT '.repeat(20)}ALL${')'.repeat(20)}`)).toThrow(ImapNestingError);
    expect(() => parseSearch(tokenize(Buffer.from('NOT NOT NOT ALL')), 2)).toThrow(ImapNestingError);
  });

  it('names bad bytes by their code in error texts, never by the raw byte', () => {
    expect(parse(Buffer.from('a NOOP (\x00)', 'latin1'))).toMatchObject({
      ok: false,
      error: 'Unexpected character 0x00',
    });
    expect(parse(Buffer.from('a NOOP BODY[\xff(]', 'latin1'))).toMatchObject({ ok: false });
    const result = parse(Buffer.from('a FETCH 1 BODY[(\r]', 'latin1'));
    expect(result.ok || /^[\x20-\x7e]+$/.test(result.error)).toBe(true);
  });

  it('reads long atoms full of "[" and long runs of quoted strings in one pass', () => {
    // A section was looked for at every "[" by re-reading the atom from its start: quadratic.
    expect(parse(`a NOOP x${'['.repeat(200_000)}`)).toMatchObject({ ok: true });
    const quoted = parse(`a NOOP ${'"a\\"b" '.repeat(20_000)}`);
    expect(quoted.ok && quoted.command.args.length).toBe(20_000);
    expect(quoted.ok && (quoted.command.args[0] as { value: Buffer }).value.toString()).toBe('a"b');
  });

  it('decodes modified UTF-7 names in one pass, keeping names that are not valid', () => {
    expect(decodeMailboxName('Envoy&AOk-s/&-x')).toBe('Envoyés/&x');
    expect(decodeMailboxName(encodeMailboxName('Réponses & suivis'))).toBe('Réponses & suivis');
    for (const name of ['&'.repeat(200_000), `&AOk${'&'.repeat(100_000)}-`, '&abc&-', '&AO-'])
      expect(decodeMailboxName(name)).toBe(name);
  });

  it('matches LIST patterns without backtracking (a regular expression took minutes on *a*a*…b)', () => {
    const pattern = `${'*a'.repeat(40)}b`;
    expect(listMatcher(pattern)('a'.repeat(255))).toBe(false);
    expect(listMatcher(`${'*%'.repeat(30_000)}Q`)('INBOX')).toBe(false);
    const cases: [string, string, boolean][] = [
      ['*', 'Archives/2025', true],
      ['%', 'Archives/2025', false],
      ['Archives/%', 'Archives/2025', true],
      ['inbox', 'INBOX', true],
      ['Inbox/%', 'INBOX/x', true],
      ['a%b', 'ab', true],
      ['a%b', 'a/b', false],
      ['a*b', 'a/x/b', true],
      ['Envoy*', 'Envoyés', true],
      ['*s', 'Envoyés', true],
      ['x', 'y', false],
      ['%/%', 'a/b', true],
      ['%/%', 'a/b/c', false],
    ];
    for (const [p, name, expected] of cases) expect(listMatcher(p)(name), `${p} ~ ${name}`).toBe(expected);
  });

  it('handles sequence sets of many ranges (membership by binary search, no spread into Math.max)', () => {
    const set = parseSequenceSet(
      Array.from({ length: 100_000 }, (_, i) => String(((i * 7919) % 50_000) + 1)).join(','),
    )!;
    expect(largestNumber(set)).toBe(50_000);
    expect(inSequenceSet(set, 1, 5)).toBe(true);
    expect(inSequenceSet(set, 50_001, 200_000)).toBe(false);
    const starred = parseSequenceSet('1:3,10:*')!;
    expect([2, 5, 12].map((n) => inSequenceSet(starred, n, 12))).toEqual([true, false, true]);
    // 10:* is 4:10 when * is 4
    expect([2, 5, 12].map((n) => inSequenceSet(starred, n, 4))).toEqual([true, true, false]);
  });
});
