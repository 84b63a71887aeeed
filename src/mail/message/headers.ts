// Reads the header section of a message exactly as the client wrote it: field names keep their case and
// order, values are unfolded but otherwise untouched. Conformance (X-MSS-* headers) is judged on this.
export interface HeaderField {
  /** Field name as sent, e.g. "X-MSS-NIL". */
  name: string;
  /** Unfolded value with the leading space removed. */
  value: string;
}

/** Offset where the body starts (after the blank line), or the message length when there is no body. */
export function bodyOffset(raw: Buffer): number {
  if (raw.length >= 2 && raw[0] === 0x0d && raw[1] === 0x0a) return 2; // no header at all
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return crlf + 4;
  if (lf >= 0) return lf + 2;
  return raw.length;
}

export function parseHeaderFields(raw: Buffer, limit = 1000): HeaderField[] {
  const text = raw.subarray(0, bodyOffset(raw)).toString('utf8');
  const fields: HeaderField[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    if ((line.startsWith(' ') || line.startsWith('\t')) && fields.length > 0) {
      fields.at(-1)!.value += line; // RFC 5322 §2.2.3: unfolding removes only the CRLF
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue; // not a header field; kept out of the list, still stored verbatim
    fields.push({ name: line.slice(0, colon).trimEnd(), value: line.slice(colon + 1).replace(/^[ \t]/, '') });
    if (fields.length >= limit) break;
  }
  return fields;
}

/** The value of the first field with this name (case-insensitive), trimmed. */
export function headerValue(fields: HeaderField[], name: string): string | undefined {
  return fields.find((f) => f.name.toLowerCase() === name.toLowerCase())?.value.trim();
}
