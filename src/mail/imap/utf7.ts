// Mailbox names on the wire use modified UTF-7 (RFC 3501 §5.1.3): printable ASCII as is, "&" as "&-",
// anything else as "&" + base64 of UTF-16BE with "," for "/" + "-". Folders are stored in UTF-8 so that
// the webmail and the journal show "Envoyés", not "Envoy&AOk-s".

export function encodeMailboxName(name: string): string {
  let out = '';
  let pending = '';
  const flush = () => {
    if (!pending) return;
    const utf16 = Buffer.from(pending, 'utf16le').swap16();
    out += `&${utf16.toString('base64').replace(/=+$/, '').replaceAll('/', ',')}-`;
    pending = '';
  };
  for (const char of name) {
    const code = char.codePointAt(0)!;
    if (code >= 0x20 && code <= 0x7e) {
      flush();
      out += char === '&' ? '&-' : char;
    } else {
      pending += char;
    }
  }
  flush();
  return out;
}

/** Decodes a modified UTF-7 name; text that is not valid modified UTF-7 (raw UTF-8 from a client) is kept. */
export function decodeMailboxName(name: string): string {
  if (!name.includes('&')) return name;
  // One pass from each "&" to the next "-" (a regular expression retried at every "&" is quadratic).
  let out = '';
  let at = 0;
  for (;;) {
    const shift = name.indexOf('&', at);
    const end = shift < 0 ? -1 : name.indexOf('-', shift + 1);
    if (end < 0) return out + name.slice(at);
    const encoded = name.slice(shift + 1, end);
    out += name.slice(at, shift);
    at = end + 1;
    if (encoded === '') {
      out += '&';
      continue;
    }
    if (!/^[A-Za-z0-9+,]+$/.test(encoded)) return name;
    const bytes = Buffer.from(encoded.replaceAll(',', '/'), 'base64');
    if (bytes.length % 2 !== 0) return name;
    out += Buffer.from(bytes).swap16().toString('utf16le');
  }
}
