// IMAP command syntax (RFC 3501 §9): a tag, a command name and arguments made of atoms, quoted strings,
// literals and parenthesised lists. The session hands over one complete command with its literals inline
// (each `{n}` or `{n+}` followed by CRLF and exactly n bytes), so parsing is a pure function of bytes.

export type Token = AtomToken | StringToken | ListToken;

export interface AtomToken {
  type: 'atom';
  /** The atom up to a `[` section, e.g. "BODY.PEEK" in BODY.PEEK[HEADER]<0.100>. */
  value: string;
  /** The whole atom as sent, section and partial included (mailbox names like [Gmail]/Sent stay whole). */
  raw: string;
  /** Tokens inside `[…]` for BODY/BINARY fetch attributes; [] for BODY[]. */
  section?: Token[];
  /** `<start.length>` after a section. */
  partial?: { start: number; length: number | undefined };
}

export interface StringToken {
  type: 'string';
  value: Buffer;
  /** Sent as a literal rather than a quoted string. */
  literal: boolean;
}

export interface ListToken {
  type: 'list';
  items: Token[];
}

export interface Command {
  tag: string;
  /** Upper-case name; UID commands are named "UID FETCH", "UID STORE", … */
  name: string;
  args: Token[];
}

export type ParseResult =
  | { ok: true; command: Command }
  | {
      ok: false;
      tag: string | undefined;
      name: string | undefined;
      error: string /** Set when a limit was hit. */;
      limit?: 'nesting';
    };

export class ImapSyntaxError extends Error {}

/**
 * Lists, sections or search criteria nested deeper than allowed: a BAD like any syntax error, journaled with its limit.
 */
export class ImapNestingError extends ImapSyntaxError {
  readonly limit = 'nesting';
}

/** Default of the imap.maxNestingDepth setting, for callers without a configuration (tests, tools). */
export const DEFAULT_MAX_NESTING_DEPTH = 32;

// Attributes whose atom may carry a [section] (RFC 3501 fetch-att, RFC 3516 BINARY).
const SECTIONED = new Set(['BODY', 'BODY.PEEK', 'BINARY', 'BINARY.PEEK', 'BINARY.SIZE']);
// tag = 1*<any ASTRING-CHAR except "+">
const TAG = /^[^\x00-\x20\x7f(){%*"\\+]+$/;
const NAME = /^[A-Za-z][A-Za-z0-9-]*$/;

/**
 * Parses one command (without its final CRLF). Terminates on every input: each step of the tokenizer consumes
 * at least one byte or throws, and lists and sections nest at most maxNestingDepth deep.
 */
export function parseCommand(input: Buffer, maxNestingDepth = DEFAULT_MAX_NESTING_DEPTH): ParseResult {
  const space = input.indexOf(0x20);
  const tag = (space < 0 ? input : input.subarray(0, space)).toString('latin1');
  if (!tag || !TAG.test(tag)) return { ok: false, tag: undefined, name: undefined, error: 'Invalid tag' };
  if (space < 0) return { ok: false, tag, name: undefined, error: 'Missing command' };
  let tokens: Token[];
  try {
    tokens = new Tokenizer(input, space + 1, maxNestingDepth).all();
  } catch (error) {
    const name = /^([A-Za-z]+)/.exec(input.subarray(space + 1, space + 20).toString('latin1'))?.[1]?.toUpperCase();
    // Depth is bounded above; a stack overflow anyway is still the command's fault, and its text is not for the client.
    if (error instanceof RangeError) return { ok: false, tag, name, error: 'Command too complex', limit: 'nesting' };
    if (!(error instanceof ImapSyntaxError)) throw error;
    return {
      ok: false,
      tag,
      name,
      error: error.message,
      ...(error instanceof ImapNestingError ? { limit: error.limit } : {}),
    };
  }
  const [first, ...rest] = tokens;
  if (first?.type !== 'atom' || first.section || !NAME.test(first.value))
    return { ok: false, tag, name: undefined, error: 'Invalid command name' };
  let name = first.value.toUpperCase();
  let args = rest;
  if (name === 'UID') {
    const sub = rest[0];
    if (sub?.type !== 'atom' || !NAME.test(sub.value)) return { ok: false, tag, name, error: 'Missing UID command' };
    name = `UID ${sub.value.toUpperCase()}`;
    args = rest.slice(1);
  }
  return { ok: true, command: { tag, name, args } };
}

/** Splits argument bytes into tokens; throws ImapSyntaxError. */
export function tokenize(input: Buffer, maxNestingDepth = DEFAULT_MAX_NESTING_DEPTH): Token[] {
  return new Tokenizer(input, 0, maxNestingDepth).all();
}

// The longest name in SECTIONED: a `[` further into an atom cannot open a section.
const SECTIONED_LONGEST = Math.max(...[...SECTIONED].map((name) => name.length));

class Tokenizer {
  /** Inside `[…]`, where `]` closes the section instead of being an atom character. */
  private sectionDepth = 0;
  /** Open lists and sections. */
  private depth = 0;

  constructor(
    private readonly input: Buffer,
    private pos: number,
    private readonly maxDepth: number,
  ) {}

  all(): Token[] {
    const tokens = this.sequence(undefined);
    if (this.pos < this.input.length) throw new ImapSyntaxError(`Unexpected ${describe(this.input[this.pos]!)}`);
    return tokens;
  }

  /** Tokens up to the closing character (`)` or `]`), or to the end when there is none. */
  private sequence(close: number | undefined): Token[] {
    const tokens: Token[] = [];
    for (;;) {
      while (this.input[this.pos] === 0x20) this.pos++;
      const c = this.input[this.pos];
      if (c === undefined) {
        if (close !== undefined) throw new ImapSyntaxError(`Missing "${String.fromCharCode(close)}"`);
        return tokens;
      }
      if (c === close) {
        this.pos++;
        return tokens;
      }
      const before = this.pos;
      tokens.push(this.token());
      // Termination does not rest on each token reader being right: a step that reads nothing is an error.
      if (this.pos <= before) throw new ImapSyntaxError(`Unexpected ${describe(c)}`);
    }
  }

  private token(): Token {
    const c = this.input[this.pos]!;
    if (c === 0x28 /* ( */) {
      this.pos++;
      return { type: 'list', items: this.nested(0x29) };
    }
    if (c === 0x22 /* " */) return this.quoted();
    if (c === 0x7b /* { */) return this.literal();
    if (c === 0x29 || c === 0x0d || c === 0x0a || c < 0x20 || c === 0x7f)
      throw new ImapSyntaxError(`Unexpected character ${describe(c)}`);
    return this.atom();
  }

  /**
   * A list's or a section's tokens, one level deeper (recursion is bounded: deep nesting is refused, not a stack
   * overflow).
   */
  private nested(close: number): Token[] {
    if (++this.depth > this.maxDepth) throw new ImapNestingError(`Nesting deeper than ${this.maxDepth} levels`);
    const tokens = this.sequence(close);
    this.depth--;
    return tokens;
  }

  private quoted(): StringToken {
    const start = ++this.pos;
    let pieces: Buffer[] | undefined; // only when there are escapes: otherwise the value is a view, as for literals
    let from = start;
    for (; ; this.pos++) {
      const c = this.input[this.pos];
      if (c === undefined || c === 0x0d || c === 0x0a) throw new ImapSyntaxError('Unterminated quoted string');
      if (c === 0x22) break;
      if (c === 0x5c /* \ */) {
        (pieces ??= []).push(this.input.subarray(from, this.pos));
        const next = this.input[++this.pos];
        if (next !== 0x22 && next !== 0x5c) throw new ImapSyntaxError('Invalid escape in quoted string');
        from = this.pos; // the escaped character starts the next piece
      }
    }
    const last = this.input.subarray(from, this.pos);
    this.pos++;
    return { type: 'string', value: pieces ? Buffer.concat([...pieces, last]) : last, literal: false };
  }

  private literal(): StringToken {
    const match = /^\{(\d{1,10})\+?\}\r\n/.exec(this.input.subarray(this.pos, this.pos + 16).toString('latin1'));
    if (!match) throw new ImapSyntaxError('Invalid literal');
    const size = Number(match[1]);
    const start = this.pos + match[0].length;
    if (start + size > this.input.length) throw new ImapSyntaxError('Truncated literal');
    this.pos = start + size;
    return { type: 'string', value: this.input.subarray(start, start + size), literal: true };
  }

  private atom(): AtomToken {
    const start = this.pos;
    while (this.pos < this.input.length && !this.atomEnds(this.input[this.pos]!)) {
      if (
        this.input[this.pos] === 0x5b /* [ */ &&
        this.pos - start <= SECTIONED_LONGEST &&
        SECTIONED.has(this.text(start, this.pos).toUpperCase())
      )
        return this.sectioned(start);
      this.pos++;
    }
    // Only `]` inside a section gets here without a character: it closes nothing at this level (BODY[(]).
    if (this.pos === start) throw new ImapSyntaxError(`Unexpected ${describe(this.input[this.pos]!)}`);
    const value = this.text(start, this.pos);
    return { type: 'atom', value, raw: value };
  }

  private sectioned(start: number): AtomToken {
    const value = this.text(start, this.pos);
    this.pos++;
    this.sectionDepth++;
    const section = this.nested(0x5d /* ] */);
    this.sectionDepth--;
    let partial: AtomToken['partial'];
    if (this.input[this.pos] === 0x3c /* < */) {
      // <start.length> is at most 23 bytes: look no further for its end.
      const window = this.input.subarray(this.pos, this.pos + 24);
      const end = window.indexOf(0x3e /* > */);
      const match =
        end < 0 ? null : /^<(\d{1,10})(?:\.(\d{1,10}))?>$/.exec(window.subarray(0, end + 1).toString('latin1'));
      if (!match) throw new ImapSyntaxError('Invalid partial');
      partial = { start: Number(match[1]), length: match[2] === undefined ? undefined : Number(match[2]) };
      this.pos += end + 1;
    }
    if (this.pos < this.input.length && !this.atomEnds(this.input[this.pos]!))
      throw new ImapSyntaxError('Unexpected data after section');
    return { type: 'atom', value, raw: this.text(start, this.pos), section, ...(partial ? { partial } : {}) };
  }

  private text(start: number, end: number): string {
    return this.input.subarray(start, end).toString('utf8');
  }

  /** SP ( ) " { and CTLs end an atom; `]` only inside a section, so that [Gmail]/Sent stays one atom. */
  private atomEnds(c: number): boolean {
    return (
      c <= 0x20 ||
      c === 0x7f ||
      c === 0x28 ||
      c === 0x29 ||
      c === 0x22 ||
      c === 0x7b ||
      (c === 0x5d && this.sectionDepth > 0)
    );
  }
}

/** A byte for an error message: the character when printable ASCII, its code otherwise (never raw bytes in a reply). */
function describe(c: number): string {
  return c > 0x20 && c < 0x7f ? `"${String.fromCharCode(c)}"` : `0x${c.toString(16).padStart(2, '0')}`;
}

/** Reads the arguments of one command in order; every mistake is an ImapSyntaxError (→ BAD). */
export class Args {
  private index = 0;

  constructor(
    private readonly tokens: Token[],
    /** How deep argument parsers may nest what they build (search criteria). */
    readonly maxNestingDepth = DEFAULT_MAX_NESTING_DEPTH,
  ) {}

  get remaining(): number {
    return this.tokens.length - this.index;
  }

  peek(): Token | undefined {
    return this.tokens[this.index];
  }

  next(what = 'argument'): Token {
    const token = this.tokens[this.index++];
    if (!token) throw new ImapSyntaxError(`Missing ${what}`);
    return token;
  }

  /** atom or string (RFC 3501 astring), as UTF-8 text. */
  astring(what = 'argument'): string {
    const token = this.next(what);
    if (token.type === 'list') throw new ImapSyntaxError(`Expected ${what}, got a list`);
    return token.type === 'atom' ? token.raw : token.value.toString('utf8');
  }

  atom(what = 'argument'): string {
    const token = this.next(what);
    if (token.type !== 'atom') throw new ImapSyntaxError(`Expected ${what}`);
    return token.raw;
  }

  list(what = 'list'): Token[] {
    const token = this.next(what);
    if (token.type !== 'list') throw new ImapSyntaxError(`Expected ${what}`);
    return token.items;
  }

  rest(): Token[] {
    const rest = this.tokens.slice(this.index);
    this.index = this.tokens.length;
    return rest;
  }

  end(): void {
    if (this.index < this.tokens.length) throw new ImapSyntaxError('Too many arguments');
  }
}
