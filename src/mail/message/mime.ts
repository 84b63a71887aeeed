// The MIME structure of a message (RFC 2045/2046): each part's header and body offsets in the raw bytes,
// its content type, disposition and encoding, children of multiparts and the message inside a
// message/rfc822 part. Offsets let IMAP serve BODY[1.2.MIME] or BODY[2]<0.100> byte for byte; verdicts and
// the webmail read attachments through the same tree. Also the decoders they need: transfer encodings,
// charsets and RFC 2047 encoded words.
import { bodyOffset, parseHeaderFields, headerValue, type HeaderField } from './headers.ts';

export interface MimeParameter {
  /** Lower-cased name; an RFC 2231 extended value keeps its trailing "*" (name*=utf-8''…). */
  name: string;
  value: string;
}

export interface MimePart {
  /** Offset of the part's header in the whole message. */
  start: number;
  /** Offset of its body (after the blank line). */
  bodyStart: number;
  /** Offset just past its body. */
  end: number;
  headers: HeaderField[];
  /** Content type as written (case kept), defaulted per RFC 2045 §5.2 / RFC 2046 §5.1.5. */
  type: string;
  subtype: string;
  params: MimeParameter[];
  disposition: { value: string; params: MimeParameter[] } | undefined;
  /** Content-Transfer-Encoding as written, default "7bit". */
  encoding: string;
  id: string | undefined;
  description: string | undefined;
  md5: string | undefined;
  language: string[] | undefined;
  location: string | undefined;
  /** Line breaks in the body (IMAP's body-fld-lines). */
  lines: number;
  /** Children of a multipart, in order. */
  parts: MimePart[];
  /** The message carried by a message/rfc822 (or message/global) part. */
  message: MimePart | undefined;
}

/** Nesting deeper than this is treated as opaque bodies (a message is attacker-controlled input). */
const MAX_DEPTH = 32;

export function parseMime(raw: Buffer): MimePart {
  return parsePart(raw, 0, raw.length, 0, false);
}

function parsePart(raw: Buffer, start: number, end: number, depth: number, inDigest: boolean): MimePart {
  const slice = raw.subarray(start, end);
  const bodyStart = start + Math.min(bodyOffset(slice), slice.length);
  const headers = bodyStart > start ? parseHeaderFields(slice) : [];
  const contentType = headerValue(headers, 'Content-Type');
  const parsed = contentType ? parseParameterHeader(contentType) : undefined;
  const [type, subtype] = typeOf(parsed?.value, inDigest);
  const disposition = headerValue(headers, 'Content-Disposition');
  const language = headerValue(headers, 'Content-Language');
  const part: MimePart = {
    start,
    bodyStart,
    end,
    headers,
    type,
    subtype,
    params: parsed?.value.includes('/')
      ? parsed.params
      : type.toLowerCase() === 'text'
        ? [{ name: 'charset', value: 'us-ascii' }]
        : [],
    disposition: disposition ? parseParameterHeader(disposition) : undefined,
    encoding: headerValue(headers, 'Content-Transfer-Encoding') || '7bit',
    id: headerValue(headers, 'Content-ID'),
    description: headerValue(headers, 'Content-Description'),
    md5: headerValue(headers, 'Content-MD5'),
    language: language
      ? language
          .split(',')
          .map((l) => l.trim())
          .filter(Boolean)
      : undefined,
    location: headerValue(headers, 'Content-Location'),
    lines: countLines(raw, bodyStart, end),
    parts: [],
    message: undefined,
  };
  if (depth >= MAX_DEPTH) return part;
  const kind = `${type}/${subtype}`.toLowerCase();
  if (type.toLowerCase() === 'multipart') {
    const boundary = part.params.find((p) => p.name === 'boundary')?.value;
    part.parts = boundary
      ? splitMultipart(raw, bodyStart, end, boundary).map(([s, e]) =>
          parsePart(raw, s, e, depth + 1, kind === 'multipart/digest'),
        )
      : [];
    // IMAP needs at least one part in a multipart: a broken one shows an empty text part, as Dovecot does.
    if (part.parts.length === 0) part.parts = [parsePart(raw, end, end, depth + 1, false)];
  } else if (kind === 'message/rfc822' || kind === 'message/global') {
    part.message = parsePart(raw, bodyStart, end, depth + 1, false);
  }
  return part;
}

function typeOf(value: string | undefined, inDigest: boolean): [string, string] {
  const match = value ? /^([^\s/;]+)\s*\/\s*([^\s;]+)$/.exec(value.trim()) : null;
  if (match) return [match[1]!, match[2]!];
  return inDigest ? ['message', 'rfc822'] : ['text', 'plain'];
}

function countLines(raw: Buffer, start: number, end: number): number {
  let lines = 0;
  for (let i = raw.indexOf(0x0a, start); i >= 0 && i < end; i = raw.indexOf(0x0a, i + 1)) lines++;
  return lines;
}

/**
 * The [start, end) ranges of the parts of a multipart body. A delimiter is "--boundary" at the start of a
 * line followed only by optional whitespace; the line break before it belongs to the delimiter (RFC 2046
 * §5.1.1). A body without a closing delimiter ends its last part at the end of the message.
 */
function splitMultipart(raw: Buffer, bodyStart: number, end: number, boundary: string): [number, number][] {
  const delimiter = Buffer.from(`--${boundary}`);
  const ranges: [number, number][] = [];
  let partStart = -1;
  for (let at = raw.indexOf(delimiter, bodyStart); at >= 0 && at < end; at = raw.indexOf(delimiter, at + 1)) {
    if (at > bodyStart && raw[at - 1] !== 0x0a) continue;
    let after = at + delimiter.length;
    const closing = raw[after] === 0x2d && raw[after + 1] === 0x2d;
    if (closing) after += 2;
    const lineEnd = Math.min(end, raw.indexOf(0x0a, after) < 0 ? end : raw.indexOf(0x0a, after));
    if (!/^[ \t]*\r?$/.test(raw.subarray(after, lineEnd).toString('latin1'))) continue; // a longer boundary
    if (partStart >= 0) {
      let partEnd = at;
      if (partEnd > partStart && raw[partEnd - 1] === 0x0a) partEnd--;
      if (partEnd > partStart && raw[partEnd - 1] === 0x0d) partEnd--;
      ranges.push([partStart, partEnd]);
    }
    if (closing) return ranges;
    partStart = Math.min(end, lineEnd + 1);
  }
  if (partStart >= 0) ranges.push([partStart, end]);
  return ranges;
}

/**
 * A structured header value with parameters: `type/subtype; a=b; c="d e"` or `attachment; filename=…`.
 * RFC 2231 continuations (name*0, name*1*) are joined; an extended value keeps the name with "*".
 */
export function parseParameterHeader(text: string): { value: string; params: MimeParameter[] } {
  const withoutComments = stripComments(text);
  const semicolon = findUnquoted(withoutComments, ';');
  const value = (semicolon < 0 ? withoutComments : withoutComments.slice(0, semicolon)).trim();
  const params: MimeParameter[] = [];
  // Pieces by section number: a Map, since a client may number one 4294967294 (a sparse array would be walked to
  // there).
  const continued = new Map<string, { extended: boolean; pieces: Map<number, string>; param: MimeParameter }>();
  const pattern = /;\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g;
  for (const match of withoutComments.slice(Math.max(semicolon, 0)).matchAll(pattern)) {
    const name = match[1]!.toLowerCase();
    let raw = match[2]!.trim();
    if (raw.startsWith('"')) raw = raw.slice(1, -1).replace(/\\(.)/g, '$1');
    const section = /^(.+?)\*(\d+)(\*?)$/.exec(name);
    if (section) {
      let entry = continued.get(section[1]!);
      if (!entry) {
        entry = { extended: false, pieces: new Map(), param: { name: section[1]!, value: '' } };
        continued.set(section[1]!, entry);
        params.push(entry.param); // placeholder keeping the order
      }
      entry.pieces.set(Number(section[2]), raw);
      if (section[3] && section[2] === '0') entry.extended = true;
      continue;
    }
    params.push({ name, value: raw });
  }
  for (const [name, { extended, pieces, param }] of continued) {
    param.value = [...pieces]
      .sort(([a], [b]) => a - b)
      .map(([, piece]) => piece)
      .join('');
    if (extended) param.name = `${name}*`;
  }
  return { value, params };
}

function stripComments(text: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') quoted = false;
    } else if (c === '"' && depth === 0) {
      quoted = true;
      out += c;
    } else if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (depth === 0) out += c;
  }
  return out;
}

function findUnquoted(text: string, char: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && quoted) i++;
    else if (text[i] === '"') quoted = !quoted;
    else if (text[i] === char && !quoted) return i;
  }
  return -1;
}

/** The body of a part with its transfer encoding (base64, quoted-printable) undone. */
export function decodedBody(raw: Buffer, part: MimePart): Buffer {
  const body = raw.subarray(part.bodyStart, part.end);
  switch (part.encoding.toLowerCase()) {
    case 'base64':
      // Padding may close a unit mid-body (line-by-line encoders): decode unit by unit.
      return Buffer.concat(
        body
          .toString('latin1')
          .replace(/[^A-Za-z0-9+/=]/g, '')
          .split(/=+/)
          .map((unit) => Buffer.from(unit, 'base64')),
      );
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    default:
      return body;
  }
}

/**
 * Line by line: whitespace at the end of a line goes (RFC 2045 §6.7 rule 3), a line ending with "=" joins the
 * next (soft break), then =XX is decoded. No regular expression over the whole body: "[ \t]+\n" retried at
 * every blank of a long run of them is quadratic.
 */
function decodeQuotedPrintable(body: Buffer): Buffer {
  const text = body.toString('latin1');
  const lines: string[] = [];
  for (let start = 0; ; ) {
    const lf = text.indexOf('\n', start);
    if (lf < 0) {
      lines.push(text.slice(start));
      break;
    }
    const cr = lf > start && text[lf - 1] === '\r';
    let end = cr ? lf - 1 : lf;
    while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
    const line = text.slice(start, end);
    lines.push(line.endsWith('=') ? line.slice(0, -1) : `${line}${cr ? '\r\n' : '\n'}`);
    start = lf + 1;
  }
  return Buffer.from(
    lines.join('').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  );
}

/** A leaf part's text: transfer encoding undone, then decoded from its charset. */
export function partText(raw: Buffer, part: MimePart): string {
  return decodeCharset(decodedBody(raw, part), part.params.find((p) => p.name === 'charset')?.value);
}

/** Bytes in a named charset as text; unknown charsets fall back to UTF-8 (lossy, never throws). */
export function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset?.trim() || 'utf-8').decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

/** Decodes RFC 2047 encoded words (=?charset?B|Q?…?=) in a header value; whitespace between words goes. */
export function decodeEncodedWords(text: string): string {
  return text
    .replace(/(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)/g, '$1')
    .replace(/=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g, (_, charset: string, encoding: string, data: string) => {
      const bytes =
        encoding.toUpperCase() === 'B'
          ? Buffer.from(data, 'base64')
          : Buffer.from(
              data
                .replaceAll('_', ' ')
                .replace(/=([0-9A-Fa-f]{2})/g, (__, hex: string) => String.fromCharCode(parseInt(hex, 16))),
              'latin1',
            );
      return decodeCharset(bytes, charset.split('*')[0]);
    });
}

/** The leaf parts of a message, depth first (multipart children and embedded messages included). */
export function leafParts(part: MimePart): MimePart[] {
  if (part.parts.length > 0) return part.parts.flatMap(leafParts);
  if (part.message) return leafParts(part.message);
  return [part];
}
