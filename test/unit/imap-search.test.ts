import { describe, expect, it } from 'vitest';
import { tokenize } from '../../src/mail/imap/parser.ts';
import { BadCharsetError, matches, parseSearch, searchNeed, type SearchCandidate } from '../../src/mail/imap/search.ts';

const criteria = (text: string) => parseSearch(tokenize(Buffer.from(text)));

const raw = Buffer.from(
  [
    'From: =?UTF-8?Q?=C3=89mile?= <emile@mail.test>',
    'To: alice@example.org',
    'Subject: =?UTF-8?Q?R=C3=A9sultats?= du labo',
    'Date: Mon, 6 Jan 2025 23:30:00 -0500',
    'X-MSS-NIL: DEV935997',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Voici les r=C3=A9sultats.',
    '',
  ].join('\r\n'),
);

const message: SearchCandidate = {
  msn: 2,
  uid: 7,
  flags: ['\\Seen', '$Urgent'],
  recent: true,
  internalDate: Date.UTC(2025, 0, 7, 4, 30),
  size: raw.length,
  raw,
};
const scope = { lastMsn: 3, lastUid: 9 };
const test = (text: string) => matches(criteria(text), message, scope);

describe('SEARCH', () => {
  it('matches flags, keywords, NEW/OLD/RECENT, sizes and sequence sets', () => {
    expect(test('ALL')).toBe(true);
    expect(test('SEEN UNFLAGGED KEYWORD $urgent')).toBe(true);
    expect(test('UNSEEN')).toBe(false);
    expect(test('NEW')).toBe(false); // recent but seen
    expect(test('RECENT NOT OLD')).toBe(true);
    expect(test(`LARGER ${raw.length - 1} SMALLER ${raw.length + 1}`)).toBe(true);
    expect(test('2')).toBe(true);
    expect(test('3:*')).toBe(false);
    expect(test('UID 5:*')).toBe(true);
    expect(test('OR 1 UID 8')).toBe(false);
    expect(test('(SEEN 2) NOT DELETED')).toBe(true);
  });

  it('matches decoded header values and decoded text, case-insensitively', () => {
    // 8-bit text travels as a literal under CHARSET UTF-8 (RFC 3501 §6.4.4, §9; test/imap-rfc.test.ts).
    expect(test('CHARSET UTF-8 SUBJECT {10}\r\nrésultats')).toBe(true);
    expect(test('CHARSET UTF-8 FROM {6}\r\némile TO ALICE')).toBe(true);
    expect(test('HEADER X-MSS-NIL dev935997')).toBe(true);
    expect(test('HEADER X-MSS-INS ""')).toBe(false);
    expect(test('CHARSET UTF-8 BODY {14}\r\nles résultats')).toBe(true);
    for (const refused of [
      'SUBJECT "résultats"',
      'CHARSET UTF-8 SUBJECT "résultats"',
      'FROM émile',
      'SUBJECT {10}\r\nrésultats',
    ])
      expect(() => criteria(refused), refused).toThrow(/8-bit/);
    expect(test('TEXT labo')).toBe(true);
    expect(test('BODY labo')).toBe(false);
    expect(searchNeed(criteria('OR SEEN BODY x'))).toBe('message');
    expect(searchNeed(criteria('SEEN SINCE 1-Jan-2025'))).toBe('none');
  });

  it('needs only the header section for header keys and sent dates', () => {
    expect(searchNeed(criteria('SUBJECT x NOT SENTON 1-jan-2025 SEEN'))).toBe('header');
    expect(searchNeed(criteria('OR SUBJECT x TEXT y'))).toBe('message');
    expect(searchNeed(criteria('NOT SEEN SINCE 1-Jan-2025'))).toBe('none');
  });

  it('compares internal dates by UTC day and sent dates by the day written in the Date header', () => {
    expect(test('ON 7-Jan-2025 SINCE 7-Jan-2025 BEFORE 8-Jan-2025')).toBe(true);
    expect(test('SENTON 6-Jan-2025')).toBe(true);
    expect(test('SENTSINCE 7-Jan-2025')).toBe(false);
    expect(test('SENTBEFORE 7-Jan-2025')).toBe(true);
  });

  it('refuses unknown keys, bad dates and other charsets', () => {
    expect(() => criteria('FOO')).toThrow('Unknown search key FOO');
    expect(() => criteria('SINCE 2025-01-01')).toThrow('Invalid date');
    expect(() => criteria('OR SEEN')).toThrow('Missing search key');
    expect(() => criteria('CHARSET ISO-2022-JP ALL')).toThrow(BadCharsetError);
  });
});
