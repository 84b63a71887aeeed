// Encoding of server data (RFC 3501 §4): atoms, numbers, NIL, strings (quoted when they can be, literals
// otherwise) and parenthesised lists, assembled as bytes so that message contents pass through untouched.

/** A value of a server response: a string is written as is (atoms, flags, keywords), null is NIL. */
export type Wire = string | number | null | ImapString | Adjacent | Wire[];

/** Values written side by side without spaces: the bodies of a multipart, the addresses of a list (RFC 3501 §9). */
export class Adjacent {
  constructor(readonly items: Wire[]) {}
}

export class ImapString {
  constructor(
    readonly value: Buffer,
    /** Always a literal (message contents), even when a quoted string would do. */
    readonly literal: boolean,
  ) {}
}

/** An IMAP string: quoted when possible, a literal for 8-bit, CR/LF or long values. */
export function str(value: string | Buffer): ImapString {
  return new ImapString(typeof value === 'string' ? Buffer.from(value, 'utf8') : value, false);
}

/** A string that is always sent as a literal {n}. */
export function literal(value: Buffer): ImapString {
  return new ImapString(value, true);
}

/** NIL for a missing value, a string otherwise (RFC 3501 nstring). */
export function nstr(value: string | Buffer | undefined | null): ImapString | null {
  return value === undefined || value === null ? null : str(value);
}

/** Encodes a value; lists are written in parentheses with single spaces. */
export function encode(value: Wire): Buffer {
  const chunks: Buffer[] = [];
  write(value, chunks);
  return Buffer.concat(chunks);
}

function write(value: Wire, out: Buffer[]): void {
  if (value === null) out.push(NIL);
  else if (typeof value === 'number') out.push(Buffer.from(String(value)));
  else if (typeof value === 'string') out.push(Buffer.from(value, 'utf8'));
  else if (value instanceof ImapString) writeString(value, out);
  else if (value instanceof Adjacent) for (const item of value.items) write(item, out);
  else {
    out.push(OPEN);
    value.forEach((item, i) => {
      if (i > 0) out.push(SPACE);
      write(item, out);
    });
    out.push(CLOSE);
  }
}

function writeString(value: ImapString, out: Buffer[]): void {
  if (!value.literal && value.value.length <= 1024 && quotable(value.value)) {
    out.push(Buffer.from(`"${value.value.toString('latin1').replace(/["\\]/g, '\\$&')}"`, 'latin1'));
    return;
  }
  out.push(Buffer.from(`{${value.value.length}}\r\n`), value.value);
}

/** Quoted strings carry 7-bit text without CR, LF or NUL (RFC 3501 TEXT-CHAR). */
function quotable(bytes: Buffer): boolean {
  for (const b of bytes) if (b === 0 || b === 0x0a || b === 0x0d || b > 0x7f) return false;
  return true;
}

/** An astring for names (mailboxes): an atom when it is one, a string otherwise. */
export function astr(value: string): Wire {
  return /^[^\x00-\x20\x7f-\uffff(){%*"\\\]]+$/.test(value) && value.toUpperCase() !== 'NIL' ? value : str(value);
}

const NIL = Buffer.from('NIL');
const OPEN = Buffer.from('(');
const CLOSE = Buffer.from(')');
const SPACE = Buffer.from(' ');
