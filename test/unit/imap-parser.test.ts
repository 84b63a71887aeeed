import { describe, expect, it } from 'vitest';
import { Args, parseCommand, tokenize, type Token } from '../../src/mail/imap/parser.ts';
import { formatSequenceSet, inSequenceSet, largestNumber, parseSequenceSet } from '../../src/mail/imap/sequence.ts';

const parse = (text: string | Buffer) => parseCommand(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);

/** Tokens as plain values, for readable expectations. */
function plain(tokens: Token[]): unknown[] {
  return tokens.map((t) => {
    if (t.type === 'list') return plain(t.items);
    if (t.type === 'string') return t.literal ? { literal: t.value.toString('latin1') } : { quoted: t.value.toString('latin1') };
    return t.section ? { atom: t.value, section: plain(t.section), ...(t.partial ? { partial: t.partial } : {}) } : t.raw;
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
    expect(result.ok && plain(result.command.args)).toEqual(['Sent', ['\\Seen'], { literal: 'ab\r\ncde' }, { literal: 'xyz' }]);
  });

  it('parses nested lists, NIL and an empty list', () => {
    const result = parse('t ID ("name" "x" "os" NIL) (() (a (b)))');
    expect(result.ok && plain(result.command.args)).toEqual([[{ quoted: 'name' }, { quoted: 'x' }, { quoted: 'os' }, 'NIL'], [[], ['a', ['b']]]]);
  });

  it('parses FETCH sections with header lists and partial ranges', () => {
    const result = parse('t FETCH 1 (BODY.PEEK[HEADER.FIELDS (From "To")]<0.2048> BODY[] BODY[1.2.MIME] BINARY.PEEK[1]<5>)');
    expect(result.ok && plain(result.command.args)).toEqual([
      '1',
      [
        { atom: 'BODY.PEEK', section: ['HEADER.FIELDS', ['From', { quoted: 'To' }]], partial: { start: 0, length: 2048 } },
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
    expect(parse('a1 LOGIN "unterminated')).toMatchObject({ ok: false, tag: 'a1', name: 'LOGIN', error: 'Unterminated quoted string' });
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
    for (const bad of ['', '0', '1:', ':2', '1,,2', '1:2:3', 'a', '4294967296', '*:4294967296', '-1']) expect(parseSequenceSet(bad), bad).toBeUndefined();
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
