// multipart/form-data bodies (RFC 7578), as browsers send a form with a file: read from the whole body, which
// the route's body limit has already bounded. Every step moves forward through the buffer, so any input ends;
// parts and header sizes are limited, and anything malformed is undefined (the page answers 400).
export interface MultipartBody {
  /** Text fields, last value wins (as forms.ts reads urlencoded forms). */
  fields: Record<string, string>;
  files: Map<string, { filename: string; data: Buffer }>;
}

const MAX_PARTS = 20;
const MAX_HEADER_BYTES = 8 * 1024;
const MAX_FIELD_BYTES = 64 * 1024;
const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** The boundary of a multipart/form-data content type (RFC 2046: 1 to 70 characters), or undefined. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))\s*(?:;|$)/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

export function parseMultipart(body: Buffer, boundary: string): MultipartBody | undefined {
  const delimiter = Buffer.from(`--${boundary}`);
  const result: MultipartBody = { fields: {}, files: new Map() };
  let at = body.indexOf(delimiter);
  if (at < 0) return undefined;
  for (let parts = 0; ; parts++) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString('latin1') === '--') return result;
    if (parts >= MAX_PARTS || !body.subarray(at, at + 2).equals(CRLF)) return undefined;
    at += 2;
    const headerEnd = body.indexOf(HEADER_END, at);
    if (headerEnd < 0 || headerEnd - at > MAX_HEADER_BYTES) return undefined;
    const headers = body.subarray(at, headerEnd).toString('utf8');
    const next = body.indexOf(Buffer.concat([CRLF, delimiter]), headerEnd + 4);
    if (next < 0) return undefined;
    const data = body.subarray(headerEnd + 4, next);
    const disposition = /^content-disposition:\s*form-data\s*;(.*)$/im.exec(headers)?.[1];
    const name = disposition && parameter(disposition, 'name');
    if (!name) return undefined;
    const filename = disposition && parameter(disposition, 'filename');
    if (filename !== undefined) result.files.set(name, { filename, data: Buffer.from(data) });
    else if (data.length <= MAX_FIELD_BYTES) result.fields[name] = data.toString('utf8');
    else return undefined;
    at = next + CRLF.length;
  }
}

function parameter(disposition: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${name}="([^"]*)"`, 'i').exec(disposition);
  return match?.[1];
}
