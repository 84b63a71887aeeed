// Inputs for fuzzing what clients send: grammar-aware generators (IMAP commands with literals {n}/{n+} of
// right and wrong sizes, nested lists, sections and partials; SMTP command lines; SASL responses; MIME
// messages), mutations of what they generate (inserted specials, bad UTF-8, NUL, CR/LF, cuts, repeats),
// random bytes, and a few lines of 64 KiB to 1 MiB. Used by the fuzz targets (fuzz-targets.ts).
import fc from 'fast-check';

type Piece = Buffer | string;

/** Bytes of strings taken as latin1 (one byte per character) and buffers as they are. */
const bytes = (...pieces: Piece[]): Buffer =>
  Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));
const join = (pieces: Piece[], separator = ' '): Buffer =>
  bytes(...pieces.flatMap((p, i) => (i === 0 ? [p] : [separator, p])));

/** Bytes that mean something to one of the grammars, plus NUL, DEL and bytes of broken UTF-8. */
const SPECIALS = [
  ...Buffer.from('()[]{}<>"\\ %*+.:,-=;@/&!\r\n\t\x00\x01\x7f\x80\xbf\xc0\xc3\xa9\xed\xa0\xf0\xfe\xff', 'latin1'),
];
const specialByte = fc.constantFrom(...SPECIALS);
const someByte = fc.oneof(specialByte, fc.integer({ min: 0, max: 255 }));
const randomBytes = (maxLength: number) => fc.uint8Array({ maxLength }).map((a) => Buffer.from(a));

type Mutation = (input: Buffer) => Buffer;
const position = (input: Buffer, n: number) => n % (input.length + 1);

/** One edit: insert, delete, overwrite, truncate, or repeat a span (which deepens nesting and lengthens runs). */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.array(someByte, { minLength: 1, maxLength: 4 })).map(
    ([n, inserted]): Mutation =>
      (input) => {
        const at = position(input, n);
        return bytes(input.subarray(0, at), Buffer.from(inserted), input.subarray(at));
      },
  ),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 8 })).map(
    ([n, length]): Mutation =>
      (input) => {
        const at = position(input, n);
        return bytes(input.subarray(0, at), input.subarray(at + length));
      },
  ),
  fc.tuple(fc.nat(), someByte).map(
    ([n, value]): Mutation =>
      (input) => {
        if (input.length === 0) return input;
        const copy = Buffer.from(input);
        copy[n % copy.length] = value;
        return copy;
      },
  ),
  fc.nat().map(
    (n): Mutation =>
      (input) =>
        input.subarray(0, position(input, n)),
  ),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 2, max: 80 })).map(
    ([n, length, times]): Mutation =>
      (input) => {
        const at = position(input, n);
        const span = input.subarray(at, at + length);
        return bytes(input.subarray(0, at), ...Array<Buffer>(times).fill(span), input.subarray(at));
      },
  ),
);

function mutated(grammar: fc.Arbitrary<Buffer>): fc.Arbitrary<Buffer> {
  return fc
    .tuple(grammar, fc.array(mutation, { minLength: 1, maxLength: 3 }))
    .map(([input, edits]) => edits.reduce((x, edit) => edit(x), input));
}

/** 64 KiB to 1 MiB: a prefix, then a short pattern repeated. */
function huge(prefix: fc.Arbitrary<Buffer>): fc.Arbitrary<Buffer> {
  const pattern = fc.oneof(
    fc.array(specialByte, { minLength: 1, maxLength: 4 }),
    fc.array(someByte, { minLength: 1, maxLength: 8 }),
  );
  return fc
    .tuple(prefix, pattern, fc.integer({ min: 64 * 1024, max: 1024 * 1024 }))
    .map(([head, repeated, size]) => bytes(head, Buffer.alloc(size, Buffer.from(repeated))));
}

/**
 * The mix every target gets: mostly mutated grammar, some plain grammar and noise, a rare huge input. Targets
 * behind a parser (`wellFormed`) get more plain grammar, so that most inputs get through to them.
 */
function inputs(grammar: fc.Arbitrary<Buffer>, known: Piece[] = [], wellFormed = false): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { weight: wellFormed ? 16 : 24, arbitrary: mutated(grammar) },
    { weight: wellFormed ? 24 : 12, arbitrary: grammar },
    { weight: wellFormed ? 2 : 6, arbitrary: randomBytes(256) },
    { weight: wellFormed ? 1 : 4, arbitrary: fc.array(specialByte, { maxLength: 128 }).map((a) => Buffer.from(a)) },
    ...(known.length > 0 ? [{ weight: 2, arbitrary: mutated(fc.constantFrom(...known.map((k) => bytes(k)))) }] : []),
    { weight: 1, arbitrary: huge(grammar) },
  );
}

// IMAP (RFC 3501 §9).

const small = fc.oneof(
  fc.integer({ min: 0, max: 5 }),
  fc.constantFrom(99, 999_999_999, 4_294_967_295, 4_294_967_296, 99_999_999_999),
);
const text = fc.oneof(
  fc.string({ maxLength: 16 }),
  fc.constantFrom(
    'INBOX',
    'inbox',
    'Sent',
    'Drafts',
    'Trash',
    'Archives/2025',
    'Envoy&AOk-s',
    '&',
    '&-',
    '&Jjo-',
    '&AOk',
    '&&&-',
    '[Gmail]/Sent',
    '',
    'NIL',
    '\\Seen',
  ),
  randomBytes(16).map((b) => b.toString('latin1')),
);
const quoted = text.map((t) => `"${t.replace(/["\\]/g, '\\$&')}"`);
/** A literal whose announced size is right, off by a little, or absurd; synchronising or not. */
const literal = fc
  .tuple(
    fc.oneof(
      text.map((t) => Buffer.from(t, 'latin1')),
      randomBytes(40),
    ),
    fc.constantFrom(0, 0, 0, -1, 1, 3, 1_000_000),
    fc.boolean(),
  )
  .map(([data, skew, plus]) => bytes(`{${Math.max(0, data.length + skew)}${plus ? '+' : ''}}\r\n`, data));
const astring = fc.oneof(fc.stringMatching(/^[A-Za-z0-9.\-:,*%&$!#\\]{1,12}$/), quoted, literal);
const number = fc.oneof(small.map(String), fc.constant('*'));
const sequenceSet = fc
  .array(
    fc.oneof(
      number,
      fc.tuple(number, number).map(([a, b]) => `${a}:${b}`),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((parts) => parts.join(','));
const mailbox = fc.oneof(
  fc.constantFrom(
    'INBOX',
    'inbox',
    'Sent',
    'Drafts',
    'Trash',
    'Archives',
    'Archives/2025',
    'Envoy&AOk-s',
    '"Envoy&AOk-s/2025"',
    '[Gmail]/Sent',
    '&',
    '&-',
    '&AOk',
    '""',
    'Nowhere',
    'a//b',
  ),
  astring,
);
const flag = fc.oneof(
  fc.constantFrom(
    '\\Seen',
    '\\Answered',
    '\\Flagged',
    '\\Deleted',
    '\\Draft',
    '\\Recent',
    '\\*',
    '\\Bogus',
    '$Forwarded',
    'Junk',
    'NonJunk',
  ),
  fc.stringMatching(/^[A-Za-z$\\][A-Za-z0-9]{0,8}$/),
);
const flags = fc.array(flag, { maxLength: 4 }).map((f) => `(${f.join(' ')})`);
const partial = fc.option(
  fc.tuple(small, fc.option(small)).map(([start, length]) => `<${start}${length === null ? '' : `.${length}`}>`),
  { nil: '' },
);
const headerNames = fc
  .array(fc.oneof(fc.constantFrom('FROM', 'To', 'Subject', 'X-MSS-NIL', 'Message-ID', 'Date'), quoted), {
    maxLength: 4,
  })
  .map((names) => `(${names.join(' ')})`);
const sectionSpec = fc.oneof(
  fc.constant(''),
  fc.array(small, { minLength: 1, maxLength: 3 }).map((path) => path.join('.')),
  fc
    .tuple(
      fc.option(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }).map((p) => `${p.join('.')}.`),
        { nil: '' },
      ),
      fc.constantFrom('HEADER', 'TEXT', 'MIME', 'header'),
    )
    .map(([p, t]) => p + t),
  fc
    .tuple(
      fc.constantFrom('HEADER.FIELDS', 'HEADER.FIELDS.NOT', '1.HEADER.FIELDS', '2.1.HEADER.FIELDS.NOT'),
      headerNames,
    )
    .map(([t, names]) => `${t} ${names}`),
);
const fetchAttribute = fc.oneof(
  fc.constantFrom(
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
    'flags',
    'BOGUS',
  ),
  fc
    .tuple(
      fc.constantFrom('BODY', 'BODY.PEEK', 'BINARY', 'BINARY.PEEK', 'BINARY.SIZE', 'body.peek'),
      sectionSpec,
      partial,
    )
    .map(([name, section, range]) => `${name}[${section}]${range}`),
);
const fetchItems = fc.oneof(
  fc.constantFrom('ALL', 'FAST', 'FULL'),
  fetchAttribute,
  fc.array(fetchAttribute, { maxLength: 5 }).map((items) => `(${items.join(' ')})`),
);
const day = fc
  .tuple(
    fc.integer({ min: 0, max: 40 }),
    fc.constantFrom('Jan', 'feb', 'Dec', 'Xyz'),
    fc.integer({ min: 0, max: 99999 }),
  )
  .map(([d, m, y]) => `${d}-${m}-${y}`);
const criteria = fc.letrec<{ criterion: string }>((tie) => ({
  criterion: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(
      'ALL',
      'SEEN',
      'UNSEEN',
      'NEW',
      'OLD',
      'RECENT',
      'DELETED',
      'FLAGGED',
      'ANSWERED',
      'DRAFT',
      'UNDRAFT',
      'BOGUS',
    ),
    sequenceSet,
    fc
      .tuple(fc.constantFrom('FROM', 'TO', 'CC', 'BCC', 'SUBJECT', 'BODY', 'TEXT'), astring)
      .map(([k, v]) => `${k} ${v}`),
    fc.tuple(astring, astring).map(([name, value]) => `HEADER ${name} ${value}`),
    fc
      .tuple(fc.constantFrom('BEFORE', 'ON', 'SINCE', 'SENTBEFORE', 'SENTON', 'SENTSINCE'), fc.oneof(day, quoted))
      .map(([k, d]) => `${k} ${d}`),
    fc.tuple(fc.constantFrom('LARGER', 'SMALLER'), small).map(([k, n]) => `${k} ${n}`),
    fc.tuple(fc.constantFrom('KEYWORD', 'UNKEYWORD'), flag).map(([k, f]) => `${k} ${f}`),
    sequenceSet.map((s) => `UID ${s}`),
    tie('criterion').map((c) => `NOT ${c}`),
    fc.tuple(tie('criterion'), tie('criterion')).map(([a, b]) => `OR ${a} ${b}`),
    fc.array(tie('criterion'), { maxLength: 3 }).map((items) => `(${items.join(' ')})`),
  ),
})).criterion;
const search = fc
  .tuple(
    fc.option(fc.constantFrom('CHARSET UTF-8', 'CHARSET us-ascii', 'CHARSET ISO-2022-JP', 'CHARSET'), { nil: '' }),
    fc.array(criteria, { minLength: 1, maxLength: 3 }),
  )
  .map(([charset, c]) => [charset, ...c].filter(Boolean).join(' '));
const dateTime = fc
  .tuple(
    day,
    fc.constantFrom('00:00:00', '23:59:59', '99:99:99', '1:2:3'),
    fc.constantFrom('+0000', '-0730', '+9999', 'GMT'),
  )
  .map(([d, t, z]) => `"${d} ${t} ${z}"`);
const listPattern = fc.oneof(
  fc
    .array(fc.constantFrom('*', '%', 'a', '/', 'INBOX', 'inbox', '&', 'Archives', 'é'), { maxLength: 12 })
    .map((p) => `"${p.join('')}"`),
  fc.integer({ min: 1, max: 40 }).map((n) => `"${'*a'.repeat(n)}b"`),
  astring,
);

/** Tokens of any shape, for commands the grammar above does not cover and for nesting. */
const token = fc.letrec<{ token: Buffer; list: Buffer; sectioned: Buffer }>((tie) => ({
  token: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    astring.map((a) => bytes(a)),
    tie('list'),
    tie('sectioned'),
  ),
  list: fc.array(tie('token'), { maxLength: 4 }).map((items) => bytes('(', join(items), ')')),
  sectioned: fc
    .tuple(fc.constantFrom('BODY', 'BODY.PEEK', 'BINARY'), fc.array(tie('token'), { maxLength: 3 }), partial)
    .map(([name, items, range]) => bytes(`${name}[`, join(items), `]${range}`)),
})).token;
const deep = fc
  .tuple(
    fc.integer({ min: 1, max: 300 }),
    fc.constantFrom(['(', ')'], ['BODY[', ']'], ['BODY[(', ')]'], ['NOT ', ''], ['OR ALL ', ''], ['(NOT ', ')']),
  )
  .map(([n, [open, close]]) => `${open!.repeat(n)}ALL${close!.repeat(n)}`);

const tag = fc.oneof(
  { weight: 12, arbitrary: fc.oneof(fc.stringMatching(/^[A-Za-z0-9.]{1,6}$/), fc.constantFrom('a', 'A001')) },
  { weight: 1, arbitrary: fc.constantFrom('*', '+', '') },
);
const arguments_: Record<string, fc.Arbitrary<Piece>> = {
  FETCH: fc.tuple(sequenceSet, fetchItems).map(([s, i]) => `${s} ${i}`),
  SEARCH: search,
  STORE: fc
    .tuple(
      sequenceSet,
      fc.constantFrom('FLAGS', '+FLAGS', '-FLAGS.SILENT', '+flags.silent', 'FLAGZ'),
      fc.oneof(flags, flag),
    )
    .map(([s, item, f]) => `${s} ${item} ${f}`),
  COPY: fc.tuple(sequenceSet, mailbox).map(([s, m]) => bytes(s, ' ', m)),
  MOVE: fc.tuple(sequenceSet, mailbox).map(([s, m]) => bytes(s, ' ', m)),
  EXPUNGE: fc.constant(''),
  STATUS: fc
    .tuple(
      mailbox,
      fc.array(fc.constantFrom('MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'SIZE', 'messages'), {
        maxLength: 5,
      }),
    )
    .map(([m, items]) => bytes(m, ` (${items.join(' ')})`)),
  APPEND: fc
    .tuple(mailbox, fc.option(flags, { nil: '' }), fc.option(dateTime, { nil: '' }), literal)
    .map(([m, f, d, l]) => join([m, ...[f, d].filter(Boolean), l])),
  LIST: fc.tuple(fc.oneof(fc.constant('""'), mailbox), listPattern).map(([r, p]) => bytes(r, ' ', p)),
  LSUB: fc.tuple(fc.constant('""'), listPattern).map(([r, p]) => bytes(r, ' ', p)),
  SELECT: mailbox,
  EXAMINE: mailbox,
  CREATE: mailbox,
  DELETE: mailbox,
  SUBSCRIBE: mailbox,
  UNSUBSCRIBE: mailbox,
  RENAME: fc.tuple(mailbox, mailbox).map(([a, b]) => bytes(a, ' ', b)),
  CLOSE: fc.constant(''),
  UNSELECT: fc.constant(''),
  LOGIN: fc.tuple(astring, astring).map(([u, p]) => bytes(u, ' ', p)),
  AUTHENTICATE: fc
    .tuple(
      fc.constantFrom('PLAIN', 'XOAUTH2', 'LOGIN', 'X'),
      fc.option(fc.base64String({ maxLength: 40 }), { nil: '' }),
    )
    .map(([m, ir]) => `${m} ${ir}`),
  ID: fc.oneof(
    fc.constant('NIL'),
    fc.array(fc.oneof(quoted, fc.constant('NIL')), { maxLength: 6 }).map((items) => `(${items.join(' ')})`),
  ),
  NOOP: fc.array(token, { maxLength: 3 }).map((t) => join(t)),
};
const commandName = fc.constantFrom(...Object.keys(arguments_));
const command = fc
  .tuple(tag, fc.boolean(), commandName)
  .chain(([t, uid, name]) =>
    fc.tuple(
      fc.constant(t),
      fc.constant(uid && ['FETCH', 'SEARCH', 'STORE', 'COPY', 'MOVE', 'EXPUNGE'].includes(name) ? `UID ${name}` : name),
      name === 'EXPUNGE' && uid ? sequenceSet : arguments_[name]!,
    ),
  )
  .map(([t, name, args]) => bytes(t, ' ', name, ...(args.length > 0 ? [' ', args] : [])));
const anyCommand = fc.oneof(
  { weight: 6, arbitrary: command },
  {
    weight: 2,
    arbitrary: fc
      .tuple(tag, fc.stringMatching(/^[A-Za-z]{1,10}$/), fc.array(token, { maxLength: 4 }))
      .map(([t, name, args]) => bytes(t, ' ', name, ' ', join(args))),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(tag, fc.constantFrom('NOOP', 'FETCH 1', 'SEARCH', 'UID SEARCH'), deep)
      .map(([t, name, d]) => `${t} ${name} ${d}`)
      .map((s) => bytes(s)),
  },
);

/** The inputs quoted in issue 10, which hung the tokenizer. */
const IMAP_REGRESSIONS = [
  'a FETCH 1 BODY[(]',
  'a NOOP BODY.PEEK[HEADER.FIELDS (FROM]',
  'a FETCH 1 BODY[(])',
  'a NOOP BODY[BODY[(]]',
];

/** One IMAP command as the session hands it to the parser: lines and literals inline, no final CRLF. */
export const imapCommands = inputs(anyCommand, IMAP_REGRESSIONS);
/** Commands the argument parsers of the handlers can reach (mostly well-formed, then mutated). */
export const imapHandlerCommands = inputs(command, IMAP_REGRESSIONS, true);
/** Single command lines for the socket smoke test: no huge ones (they have their own tests). */
export const imapLines = fc.oneof(
  { weight: 3, arbitrary: mutated(anyCommand) },
  { weight: 2, arbitrary: anyCommand },
  { weight: 1, arbitrary: randomBytes(120) },
);

// SMTP (RFC 5321 §4.1).

const local = fc.oneof(
  fc.constantFrom('871122334455', 'a.b', 'x+y', '"quoted local"', '"a\\"b"', '', '.', 'a..b', 'é'),
  fc.stringMatching(/^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,20}$/),
);
const domain = fc.oneof(
  fc.constantFrom(
    'mail.test',
    'mail-tests-editeur.motco.localhost',
    'patient.mail.test',
    '[127.0.0.1]',
    'a',
    '-a.b',
    'a..b',
    '',
  ),
  fc.stringMatching(/^[a-z0-9.-]{1,30}$/),
);
const address = fc.oneof(
  fc.tuple(local, domain).map(([l, d]) => `${l}@${d}`),
  text,
);
const path = fc
  .tuple(
    fc.constantFrom('<', '', '< '),
    fc.option(fc.constantFrom('@relay.example:', '@a,@b:'), { nil: '' }),
    address,
    fc.constantFrom('>', '', '> '),
  )
  .map(([open, route, a, close]) => `${open}${route}${a}${close}`);
const parameter = fc.oneof(
  fc.constantFrom(
    'SIZE=1000',
    'SIZE=99999999999',
    'SIZE=x',
    'BODY=8BITMIME',
    'BODY=7BIT',
    'BODY=BINARYMIME',
    'SMTPUTF8',
    'AUTH=<>',
    'RET=HDRS',
    '=x',
    'A=B=C',
  ),
  fc.stringMatching(/^[A-Za-z0-9-]{1,8}(=[!-~]{0,8})?$/),
);
const smtpLine = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('MAIL FROM:', 'mail from:', 'MAIL FROM: ', 'MAIL FROM', 'RCPT TO:', 'rcpt to:  ', 'RCPT TO'),
      path,
      fc.array(parameter, { maxLength: 3 }),
    )
    .map(([verb, p, params]) => [verb + p, ...params].join(' ')),
  fc
    .tuple(
      fc.constantFrom(
        'EHLO',
        'HELO',
        'VRFY',
        'HELP',
        'NOOP',
        'RSET',
        'QUIT',
        'DATA',
        'STARTTLS',
        'BDAT',
        'EXPN',
        'ehlo',
      ),
      fc.option(text, { nil: '' }),
    )
    .map(([verb, arg]) => `${verb} ${arg}`),
  fc
    .tuple(
      fc.constantFrom(
        'AUTH PLAIN',
        'AUTH LOGIN',
        'AUTH XOAUTH2',
        'AUTH OAUTHBEARER',
        'AUTH EXTERNAL',
        'AUTH X',
        'AUTH',
      ),
      fc.option(fc.oneof(fc.base64String({ maxLength: 60 }), fc.constantFrom('=', '*')), { nil: '' }),
    )
    .map(([verb, ir]) => `${verb} ${ir}`),
);
const smtpSession = fc
  .array(smtpLine, { minLength: 1, maxLength: 6 })
  .chain((lines) => fc.constantFrom('\r\n', '\n').map((eol) => bytes(lines.join(eol))));
/** SMTP command lines, one or more (CRLF or LF between them). */
export const smtpLines = inputs(smtpSession, [
  `MAIL FROM:${' '.repeat(5000)}\u2028`,
  `MAIL FROM:<a@b> ${'SIZE=1 '.repeat(500)}`,
]);
/** Single SMTP lines for the socket smoke test. */
export const smtpSocketLines = fc.oneof(
  { weight: 3, arbitrary: mutated(smtpLine.map((l) => bytes(l))) },
  { weight: 2, arbitrary: smtpLine.map((l) => bytes(l)) },
  { weight: 1, arbitrary: randomBytes(120) },
);

// SASL (RFC 4616 PLAIN, LOGIN, XOAUTH2, RFC 7628 OAUTHBEARER, EXTERNAL).

const saslPayload = fc.oneof(
  fc.tuple(fc.option(text, { nil: '' }), text, text).map(([authz, user, password]) => `${authz}\0${user}\0${password}`),
  fc
    .tuple(text, fc.oneof(fc.constant('eyJhbGciOiJSUzI1NiJ9.e30.c2ln'), text))
    .map(([user, token]) => `user=${user}\x01auth=Bearer ${token}\x01\x01`),
  fc
    .tuple(fc.constantFrom('n', 'y', 'p=tls-unique', 'x'), fc.option(text, { nil: '' }), text)
    .map(
      ([flag, authz, token]) =>
        `${flag},${authz ? `a=${authz.replace(/,/g, '=2C')}` : ''},\x01host=mail.test\x01auth=Bearer ${token}\x01\x01`,
    ),
  text,
);
const saslLine = fc.oneof(
  { weight: 5, arbitrary: mutated(saslPayload.map((p) => bytes(p))).map((b) => bytes(b.toString('base64'))) },
  { weight: 3, arbitrary: saslPayload.map((p) => bytes(Buffer.from(p, 'utf8').toString('base64'))) },
  { weight: 1, arbitrary: fc.constantFrom('*', '=', '', ' * ', '====', 'A', 'AB=C').map((s) => bytes(s)) },
);
/**
 * A SASL exchange: a first byte choosing the mechanism (and whether the first line is an initial response), then client
 * lines separated by LF.
 */
export const saslExchanges = inputs(
  fc
    .tuple(fc.integer({ min: 0, max: 255 }), fc.array(saslLine, { minLength: 1, maxLength: 3 }))
    .map(([choice, lines]) => bytes(Buffer.from([choice]), join(lines, '\n'))),
);

// Messages (RFC 5322, 2045–2047, 2183, 2231).

const addressHeader = fc
  .array(
    fc.oneof(
      address,
      fc
        .tuple(fc.oneof(text, fc.constant('"Dupont, Jean"'), fc.constant('=?utf-8?B?w6k=?=')), address)
        .map(([name, a]) => `${name} <${a}>`),
      fc.tuple(text, fc.array(address, { maxLength: 3 })).map(([group, members]) => `${group}: ${members.join(', ')};`),
      fc.constantFrom(
        '(comment) a@b',
        'a@b (Jean (nested) Dupont)',
        '<@route:a@b>',
        '"unterminated',
        '(((',
        '<<<',
        ':;,',
      ),
    ),
    { maxLength: 4 },
  )
  .map((list) => list.join(', '));
const parameterValue = fc.oneof(
  text.map((t) => `"${t.replace(/["\\]/g, '\\$&')}"`),
  fc.stringMatching(/^[!-~]{0,12}$/),
);
const parameters = fc
  .array(
    fc.oneof(
      fc
        .tuple(fc.constantFrom('charset', 'name', 'filename', 'boundary', 'format'), parameterValue)
        .map(([n, v]) => `${n}=${v}`),
      fc
        .tuple(fc.constantFrom('filename', 'name'), fc.integer({ min: 0, max: 3 }), fc.boolean(), parameterValue)
        .map(([n, i, star, v]) => `${n}*${i}${star ? '*' : ''}=${v}`),
      fc.constantFrom(
        "filename*=utf-8''%C3%A9t%C3%A9.pdf",
        'filename*4294967294="x"',
        'filename*99999999999=y',
        'name*0*=%ZZ',
      ),
    ),
    { maxLength: 4 },
  )
  .map((params) => params.map((p) => `; ${p}`).join(''));
const headerField = fc.oneof(
  fc
    .tuple(fc.constantFrom('From', 'To', 'Cc', 'Bcc', 'Sender', 'Reply-To'), addressHeader)
    .map(([n, v]) => `${n}: ${v}`),
  fc
    .tuple(
      fc.constantFrom(
        'Subject',
        'Date',
        'Message-ID',
        'In-Reply-To',
        'X-MSS-NIL',
        'Content-ID',
        'Content-Description',
        'Content-Language',
        'Content-Location',
      ),
      fc.oneof(
        text,
        fc.constantFrom(
          '=?utf-8?Q?caf=C3=A9?= =?iso-8859-1?B?6Q==?=',
          '=?x?B?@@?=',
          '=?utf-8*fr?q?a_b?=',
          'Mon, 6 Jan 2025 10:00:00 +0100',
        ),
      ),
    )
    .map(([n, v]) => `${n}: ${v}`),
  fc
    .tuple(
      fc.constantFrom(
        'Content-Disposition: attachment',
        'Content-Disposition: inline',
        'Content-Type: application/pdf',
        'Content-Type: text/plain',
      ),
      parameters,
    )
    .map(([h, p]) => h + p),
  fc.constantFrom(
    'Content-Transfer-Encoding: base64',
    'Content-Transfer-Encoding: quoted-printable',
    'Content-Transfer-Encoding: 8bit',
    'X-Folded: a\r\n b\r\n\tc',
    'no colon here',
    ': empty name',
    ' leading space',
  ),
);
const body = fc.oneof(
  text,
  fc.constantFrom('SGVsbG8=\r\nd29y=bGQ=', 'caf=C3=A9=\r\nsoft break=', '=ZZ=', '--b\r\n', '.\r\n..\r\n'),
  randomBytes(64).map((b) => b.toString('latin1')),
);
const part = fc.letrec<{ part: string; multipart: string; embedded: string }>((tie) => ({
  part: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc
      .tuple(fc.array(headerField, { maxLength: 5 }), body)
      .map(([headers, content]) => `${headers.join('\r\n')}\r\n\r\n${content}`),
    tie('multipart'),
    tie('embedded'),
  ),
  multipart: fc
    .tuple(
      fc.constantFrom('mixed', 'alternative', 'digest', 'related'),
      fc.constantFrom('b', 'b1', '=_x', 'a b', ''),
      fc.array(tie('part'), { maxLength: 3 }),
      fc.boolean(),
      fc.option(text, { nil: '' }),
    )
    .map(
      ([sub, boundary, children, closed, preamble]) =>
        `Content-Type: multipart/${sub}; boundary="${boundary}"\r\n\r\n${preamble}\r\n` +
        `${children.map((c) => `--${boundary}\r\n${c}\r\n`).join('')}${closed ? `--${boundary}--\r\n` : ''}`,
    ),
  embedded: tie('part').map((inner) => `Content-Type: message/rfc822\r\n\r\n${inner}`),
})).part;
const message = fc.tuple(fc.array(headerField, { maxLength: 6 }), part, fc.boolean()).map(([headers, root, lf]) => {
  const text_ = `${headers.join('\r\n')}${headers.length > 0 ? '\r\n' : ''}${root}`;
  return Buffer.from(lf ? text_.replace(/\r\n/g, '\n') : text_, 'utf8');
});
const deepMessage = fc
  .integer({ min: 1, max: 200 })
  .map((n) => bytes('Content-Type: message/rfc822\r\n\r\n'.repeat(n), 'Subject: x\r\n\r\nx'));
/** Messages as clients submit them (SMTP DATA, APPEND). */
export const messages = inputs(fc.oneof({ weight: 8, arbitrary: message }, { weight: 1, arbitrary: deepMessage }), [
  'Content-Disposition: attachment; filename*4294967294="x"\r\n\r\nx',
]);

// The line reader: a first byte for the reading pattern, a second for the chunk size, then the stream.
export const streams = inputs(
  fc
    .tuple(
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 1, max: 255 }),
      fc.oneof(anyCommand, smtpSession, message),
    )
    .map(([pattern, chunk, data]) => bytes(Buffer.from([pattern, chunk]), data)),
);

// The PROXY protocol header (HAProxy's proxy-protocol.txt): v1 lines and v2 binary headers, right and wrong,
// each followed by the proxied protocol's first bytes.
const proxyPort = fc.oneof(
  fc.integer({ min: 0, max: 65535 }).map(String),
  fc.constantFrom('65536', '080', '-1', '', '99999'),
);
const proxyAddress = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.constantFrom('1.2.3.04', '256.0.0.1', '::ffff:1.2.3.4', 'fe80::1%eth0', 'localhost'),
);
const proxyV1 = fc
  .tuple(
    fc.constantFrom('TCP4', 'TCP6', 'UNKNOWN', 'tcp4', 'UDP4'),
    proxyAddress,
    proxyAddress,
    proxyPort,
    proxyPort,
    fc.constantFrom('\r\n', '\n', '\r', ' \r\n', ''),
  )
  .map(([protocol, source, destination, sourcePort, destinationPort, end]) =>
    bytes(`PROXY ${protocol} ${source} ${destination} ${sourcePort} ${destinationPort}${end}`),
  );
const proxyV2 = fc
  .tuple(
    fc.constantFrom(0x20, 0x21, 0x21, 0x11, 0x22),
    fc.constantFrom(0x00, 0x11, 0x11, 0x21, 0x21, 0x31, 0x12, 0x10, 0x41),
    fc.uint8Array({ minLength: 0, maxLength: 240 }),
    fc.constantFrom(0, 0, 0, -1, 1, 100, 5000, 65535),
  )
  .map(([versionCommand, family, body, skew]) => {
    const length = Math.max(0, Math.min(65535, skew === 65535 ? 65535 : body.length + skew));
    const head = Buffer.from([
      0x0d,
      0x0a,
      0x0d,
      0x0a,
      0x00,
      0x0d,
      0x0a,
      0x51,
      0x55,
      0x49,
      0x54,
      0x0a,
      versionCommand,
      family,
      length >> 8,
      length & 0xff,
    ]);
    return bytes(head, Buffer.from(body));
  });
export const proxyHeaders = inputs(
  fc
    .tuple(
      fc.oneof(proxyV1, proxyV2),
      fc.oneof(fc.constantFrom('', 'EHLO client\r\n', '\x16\x03\x01'), randomBytes(40)),
    )
    .map(([header, rest]) => bytes(header, rest)),
  ['PROXY TCP4 127.0.0.2 127.0.0.1 40000 143\r\n', 'PROXY UNKNOWN\r\n', `PROXY ${'x'.repeat(200)}`],
  true,
);
