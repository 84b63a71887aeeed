// The MIME parser and what IMAP builds on it. Expected BODYSTRUCTURE and ENVELOPE strings are Dovecot 2.3.19's
// answers for the same message (captured once against a real Dovecot, see the IMAP section of the README).
import { describe, expect, it } from 'vitest';
import { envelope } from '../../src/mail/imap/envelope.ts';
import { bodyStructure, sectionContent } from '../../src/mail/imap/fetch.ts';
import { encode } from '../../src/mail/imap/wire.ts';
import {
  decodedBody,
  decodeEncodedWords,
  leafParts,
  parseMime,
  parseParameterHeader,
} from '../../src/mail/message/mime.ts';

const attachment = Buffer.from(Array.from({ length: 768 }, (_, i) => i % 256));
const base64Lines = attachment
  .toString('base64')
  .match(/.{1,76}/g)!
  .join('\r\n');

const MESSAGE = Buffer.from(
  [
    'Return-Path: <a@x.test>',
    'From: "Dr. Émile Martin" <emile.martin@mail-tests-editeur.motco.localhost>',
    'To: Alice <alice@example.org>, bob@example.org, undisclosed-recipients:;',
    'Cc: =?UTF-8?Q?J=C3=A9r=C3=B4me?= <jerome@example.org>',
    "Subject: =?UTF-8?Q?R=C3=A9sultats?= d'analyse",
    'Date: Mon, 6 Jan 2025 10:15:00 +0100',
    'Message-ID: <abc.123@mail.test>',
    'In-Reply-To: <prev@mail.test>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="outer"',
    '',
    'This is a multi-part message in MIME format.',
    '--outer',
    'Content-Type: multipart/alternative; boundary=inner',
    '',
    '--inner',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Bonjour,',
    'voici les r=C3=A9sultats.',
    '--inner',
    'Content-Type: text/html; charset="utf-8"',
    'Content-Transfer-Encoding: 8bit',
    '',
    '<p>Bonjour,</p>',
    '<p>voici les résultats.</p>',
    '--inner--',
    '',
    '--outer',
    'Content-Type: application/pdf; name="resultats.pdf"',
    'Content-Disposition: attachment; filename="resultats.pdf"',
    'Content-Transfer-Encoding: base64',
    'Content-ID: <part3@mail.test>',
    'Content-Description: Compte rendu',
    '',
    base64Lines,
    '--outer',
    'Content-Type: message/rfc822',
    '',
    'From: inner@example.org',
    'Subject: inner',
    '',
    'inner body',
    '--outer--',
    'epilogue',
    '',
  ].join('\r\n'),
);

const section = (
  path: number[],
  text?: 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME',
  fields: string[] = [],
) => sectionContent(MESSAGE, parseMime(MESSAGE), { path, text, fields }).toString('utf8');

describe('MIME structure', () => {
  it('finds a multipart/mixed with a nested multipart/alternative, a base64 attachment and a message/rfc822', () => {
    const root = parseMime(MESSAGE);
    expect(MESSAGE.length).toBe(2233);
    expect([root.type, root.subtype]).toEqual(['multipart', 'mixed']);
    expect(root.parts.map((p) => `${p.type}/${p.subtype}`)).toEqual([
      'multipart/alternative',
      'application/pdf',
      'message/rfc822',
    ]);
    expect(
      root.parts[0]!.parts.map((p) => `${p.type}/${p.subtype} ${p.encoding} ${p.end - p.bodyStart}B ${p.lines}L`),
    ).toEqual(['text/plain quoted-printable 35B 1L', 'text/html 8bit 45B 1L']);
    const pdf = root.parts[1]!;
    expect(pdf).toMatchObject({
      encoding: 'base64',
      id: '<part3@mail.test>',
      description: 'Compte rendu',
      disposition: { value: 'attachment', params: [{ name: 'filename', value: 'resultats.pdf' }] },
    });
    expect(decodedBody(MESSAGE, pdf).equals(attachment)).toBe(true);
    expect(root.parts[2]!.message!.headers.map((h) => h.name)).toEqual(['From', 'Subject']);
    expect(leafParts(root).map((p) => p.subtype)).toEqual(['plain', 'html', 'pdf', 'plain']);
  });

  it('gives BODYSTRUCTURE and BODY as Dovecot does', () => {
    const root = parseMime(MESSAGE);
    expect(encode(bodyStructure(root, true)).toString()).toBe(
      '((("text" "plain" ("charset" "utf-8") ' +
        'NIL NIL "quoted-printable" 35 1 NIL NIL NIL NIL)("text" "html" ("charset" "utf-8") ' +
        'NIL NIL "8bit" 45 1 NIL NIL NIL NIL) "alternative" ("boundary" "inner") NIL NIL NIL)' +
        '("application" "pdf" ("name" "resultats.pdf") ' +
        '"<part3@mail.test>" "Compte rendu" "base64" 1050 NIL ("attachment" ("filename" "resultats.pdf")) NIL NIL)' +
        '("message" "rfc822" NIL NIL NIL "7bit" 53 (NIL "inner" ((NIL NIL "inner" "example.org")) ' +
        '((NIL NIL "inner" "example.org")) ((NIL NIL "inner" "example.org")) NIL NIL NIL NIL NIL) ' +
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 10 0 NIL NIL NIL NIL) 3 NIL NIL NIL NIL)' +
        ' "mixed" ("boundary" "outer") NIL NIL NIL)',
    );
    expect(encode(bodyStructure(root, false)).toString()).toBe(
      '((("text" "plain" ("charset" "utf-8") ' +
        'NIL NIL "quoted-printable" 35 1)("text" "html" ("charset" "utf-8") NIL NIL "8bit" 45 1) "alternative")' +
        '("application" "pdf" ("name" "resultats.pdf") "<part3@mail.test>" "Compte rendu" "base64" 1050)' +
        '("message" "rfc822" NIL NIL NIL "7bit" 53 (NIL "inner" ((NIL NIL "inner" "example.org")) ' +
        '((NIL NIL "inner" "example.org")) ((NIL NIL "inner" "example.org")) NIL NIL NIL NIL NIL) ' +
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 10 0) 3) "mixed")',
    );
  });

  it('gives the ENVELOPE with groups, a literal for the 8-bit name and encoded words kept', () => {
    const wire = encode(envelope(parseMime(MESSAGE).headers)).toString('utf8');
    const from = '(({17}\r\nDr. Émile Martin NIL "emile.martin" "mail-tests-editeur.motco.localhost"))';
    expect(wire).toBe(
      `("Mon, 6 Jan 2025 10:15:00 +0100" "=?UTF-8?Q?R=C3=A9sultats?= d'analyse" ${from} ${from} ${from} ` +
        '(("Alice" NIL "alice" "example.org")(NIL NIL "bob" "example.org")(NIL ' +
        'NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)) ' +
        '(("=?UTF-8?Q?J=C3=A9r=C3=B4me?=" NIL "jerome" "example.org")) NIL "<prev@mail.test>" "<abc.123@mail.test>")',
    );
  });

  it('serves sections byte for byte at the right offsets', () => {
    expect(section([1, 1])).toBe('Bonjour,\r\nvoici les r=C3=A9sultats.');
    expect(section([1, 1], 'MIME')).toBe(
      'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n',
    );
    expect(section([1, 2])).toBe('<p>Bonjour,</p>\r\n<p>voici les résultats.</p>');
    expect(section([2])).toBe(base64Lines);
    expect(section([2, 1])).toBe(base64Lines); // a single-part body is its own part 1
    expect(section([3])).toBe('From: inner@example.org\r\nSubject: inner\r\n\r\ninner body');
    expect(section([3], 'HEADER')).toBe('From: inner@example.org\r\nSubject: inner\r\n\r\n');
    expect(section([3], 'TEXT')).toBe('inner body');
    expect(section([3, 1])).toBe('inner body');
    expect(section([1], 'HEADER')).toBe(''); // not a message/rfc822 part
    expect(section([9])).toBe('');
    expect(section([], 'TEXT').startsWith('This is a multi-part message')).toBe(true);
    expect(section([], 'HEADER.FIELDS', ['FROM', 'TO'])).toBe(
      'From: "Dr. Émile Martin" <emile.martin@mail-tests-editeur.motco.localhost>\r\n' +
        'To: Alice <alice@example.org>, bob@example.org, undisclosed-recipients:;\r\n\r\n',
    );
    expect(
      section([], 'HEADER.FIELDS.NOT', [
        'FROM',
        'TO',
        'RETURN-PATH',
        'MESSAGE-ID',
        'IN-REPLY-TO',
        'MIME-VERSION',
        'CONTENT-TYPE',
        'DATE',
        'CC',
      ]),
    ).toBe("Subject: =?UTF-8?Q?R=C3=A9sultats?= d'analyse\r\n\r\n");
  });

  it(
    'defaults to text/plain us-ascii, ' + 'shows a multipart without parts as one empty text part, and counts lines',
    () => {
      const plain = parseMime(Buffer.from('Subject: nolf\r\n\r\nabc'));
      expect(encode(bodyStructure(plain, true)).toString()).toBe(
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 3 0 NIL NIL NIL NIL)',
      );
      const broken = parseMime(Buffer.from('Content-Type: multipart/mixed; boundary=zz\r\n\r\nno boundary here\r\n'));
      expect(encode(bodyStructure(broken, true)).toString()).toBe(
        '(("text" "plain" ("charset" "us-ascii") ' +
          'NIL NIL "7bit" 0 0 NIL NIL NIL NIL) "mixed" ("boundary" "zz") NIL NIL NIL)',
      );
      const raw = Buffer.from(
        'Content-Type: TEXT/Plain; CHARSET=UTF-8; Format=Flowed\r\n' +
          'Content-Transfer-Encoding: BASE64\r\n\r\nYQ==\r\nYg==\r\n',
      );
      const upper = parseMime(raw);
      // Case kept as written, parameter names lower-cased; Dovecot answers ("TEXT" "Plain" ("CHARSET" "UTF-8" …) …
      // "BASE64" 12 2 …).
      expect(upper).toMatchObject({ type: 'TEXT', subtype: 'Plain', encoding: 'BASE64', lines: 2 });
      expect(decodedBody(raw, upper).toString()).toBe('ab');
    },
  );

  it('reads parameters with quotes, comments and RFC 2231 continuations', () => {
    expect(parseParameterHeader('attachment; filename="a \\"b\\".pdf" (comment); size=12')).toEqual({
      value: 'attachment',
      params: [
        { name: 'filename', value: 'a "b".pdf' },
        { name: 'size', value: '12' },
      ],
    });
    expect(parseParameterHeader("application/pdf; name*0*=utf-8''r%C3%A9; name*1=sultats.pdf").params).toEqual([
      { name: 'name*', value: "utf-8''r%C3%A9sultats.pdf" },
    ]);
  });

  it('decodes encoded words in B and Q forms across charsets', () => {
    expect(decodeEncodedWords('=?UTF-8?Q?R=C3=A9sultats?= =?iso-8859-1?B?ZOk=?= fin')).toBe('Résultatsdé fin');
    expect(decodeEncodedWords('=?utf-8?q?a_b?=')).toBe('a b');
  });
});
