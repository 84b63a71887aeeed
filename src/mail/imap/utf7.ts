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
  let valid = true;
  const decoded = name.replace(/&([^-]*)-/g, (_, encoded: string) => {
    if (encoded === '') return '&';
    if (!/^[A-Za-z0-9+,]+$/.test(encoded)) {
      valid = false;
      return '';
    }
    const bytes = Buffer.from(encoded.replaceAll(',', '/'), 'base64');
    if (bytes.length % 2 !== 0) valid = false;
    return Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2))).swap16().toString('utf16le');
  });
  return valid ? decoded : name;
}
